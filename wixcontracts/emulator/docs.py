"""The README's generated emulator lists: what is emulated (per service) and every policy decision with its
source.  ``python -m wixcontracts.emulator.docs README.md`` rewrites the blocks between the markers;
``tests/emulator/test_policy.py`` fails when the README is out of date."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .policy import DECISIONS
from .scenarios import SCENARIOS

MARKERS = ("emulator-operations", "emulator-decisions")


def operations_markdown() -> str:
    from ..catalog import Catalog
    from .handlers import HANDLERS

    cat = Catalog()
    by_service: dict[str, list[str]] = {}
    for op in sorted(HANDLERS):
        by_service.setdefault(op.split(".", 1)[0], []).append(op.split(".", 1)[1])
    lines = ["| service | emulated operations | of |", "|---|---|---|"]
    for slug, names in sorted(by_service.items()):
        total = len(cat.of_service(slug))
        lines.append(f"| `{slug}` | {', '.join(names)} | {len(names)} of {total} |")
    rest = sum(1 for o in cat.operations.values() if o["id"] not in HANDLERS)
    lines.append("")
    lines.append(f"{len(HANDLERS)} operations emulated; the other {rest} answer 501 `NOT_EMULATED` after routing and "
                 "validation (`GET /_wixcontracts/operations` lists both).")
    return "\n".join(lines)


def decisions_markdown() -> str:
    lines = ["| decision | what the emulator does | source |", "|---|---|---|"]
    for key, d in DECISIONS.items():
        text = str(d).replace("|", "\\|").replace("\n", " ")
        src = d.source.replace("|", "\\|")
        lines.append(f"| `{key}` | {text} | {src} |")
    lines.append("")
    lines.append("Scenarios (opt-in): " + ", ".join(f"`{s}`" for s in SCENARIOS) + ".")
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, body in zip(MARKERS, (operations_markdown(), decisions_markdown())):
        pattern = re.compile(rf"(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the README has no <!-- {name} --> ... <!-- /{name} --> block")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":  # python -m wixcontracts.emulator.docs README.md
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
