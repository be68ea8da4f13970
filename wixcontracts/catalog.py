"""Read side of the committed contracts: the operation catalog and schema files.
Consumers (CLI, validator, plugin, emulator) use this, never the compiler."""

from __future__ import annotations

import difflib
import json
from functools import cached_property
from pathlib import Path

from .paths import data_root


class UnknownOperation(KeyError):
    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.suggestions = difflib.get_close_matches(name, known, n=3, cutoff=0.5) or \
            [k for k in known if k.lower().startswith(name.lower()[:4])][:3]
        super().__init__(name)

    def __str__(self) -> str:
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown operation '{self.name}'{hint}"


class Catalog:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else data_root()

    @cached_property
    def data(self) -> dict:
        return json.loads((self.root / "contracts" / "catalog.json").read_text(encoding="utf-8"))

    @cached_property
    def operations(self) -> dict[str, dict]:
        return {o["name"]: o for o in self.data["operations"]}

    def operation(self, name: str) -> dict:
        if name in self.operations:
            return self.operations[name]
        lower = {k.lower(): k for k in self.operations}
        if name.lower() in lower:
            return self.operations[lower[name.lower()]]
        raise UnknownOperation(name, sorted(self.operations))

    def schema(self, op: str, kind: str, surface: str = "rest") -> dict:
        o = self.operation(op)
        paths = o["schemas"].get(surface)
        if not paths or kind not in paths:
            raise KeyError(f"{o['name']} has no {kind} schema for the {surface} surface")
        return json.loads((self.root / paths[kind]).read_text(encoding="utf-8"))

    @cached_property
    def openapi(self) -> dict:
        return json.loads((self.root / "contracts" / "bookings-writer-v2.openapi.json").read_text(encoding="utf-8"))
