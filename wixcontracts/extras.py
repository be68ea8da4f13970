"""Optional dependencies.  ``pip install wixcontracts`` is the core: validation, the CLI and the
pytest plugin.  Everything else is an extra, imported lazily, and a missing one says which:

==========  =====================================  ==============================================
extra       packages                               for
==========  =====================================  ==============================================
emulator    starlette, uvicorn                     ``wixcontracts serve`` (the emulator over HTTP)
fuzz        schemathesis (+ hypothesis)            ``wixcontracts fuzz``, the schemathesis runs
sources     tree-sitter, tree-sitter-typescript,   ``wixcontracts build`` / ``lint-docs`` from the
            orjson (optional: the build's fast      SDK typings, ``python -m wixcontracts.sdk``
            JSON writer)
webhooks    PyJWT, cryptography                    webhook delivery and validation
all         all of the above
==========  =====================================  ==============================================
"""

from __future__ import annotations

import importlib

# top-level module -> the extra that brings it
MODULES = {
    "starlette": "emulator", "uvicorn": "emulator",
    "schemathesis": "fuzz", "hypothesis": "fuzz", "hypothesis_jsonschema": "fuzz",
    "tree_sitter": "sources", "tree_sitter_typescript": "sources",
    "jwt": "webhooks", "cryptography": "webhooks",
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def missing(extra: str, err: BaseException | None = None, *, feature: str | None = None) -> MissingExtra:
    name = getattr(err, "name", None) or "a package"
    what = f"{feature} needs" if feature else f"this needs {name}, from"
    msg = (f"{what} the [{extra}] extra of wixcontracts ({name} is not installed): "
           f"pip install 'wixcontracts[{extra}]'")
    e = MissingExtra(msg)
    e.name = name  # type: ignore[attr-defined]
    return e


def extra_for(err: BaseException) -> str | None:
    """The extra that provides the module a ``ModuleNotFoundError`` is about, if any."""
    name = (getattr(err, "name", None) or "").split(".")[0]
    return MODULES.get(name)


def require(module: str, extra: str, feature: str | None = None):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] != module.split(".")[0]:
            raise
        raise missing(extra, e, feature=feature) from None
