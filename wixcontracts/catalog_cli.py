"""``wixcontracts ops|schema|explain``: the committed catalog, read side (``catalog.py``)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from .cli import FORMAT_HELP, Format, Surface, app, console, emit_rows, fail

OPS_COLUMNS = ("id", "method", "path", "surfaces", "complete", "source", "page")


def _catalog():
    from .catalog import Catalog

    return Catalog()


def resolve_op(catalog, name: str) -> dict:
    """The catalog entry of ``name`` (an id or a unique bare name), or exit 2 with a did-you-mean or the
    qualified candidates of an ambiguous name."""
    from .catalog import UnknownOperation

    try:
        return catalog.operation(name)
    except UnknownOperation as e:  # AmbiguousOperation is one too
        fail(str(e))


def ops_rows(cat, service: str | None = None) -> list[dict]:
    """One record per operation (``ops --format json``): id, service, name, method, canonical path, aliases,
    rpc, surfaces, completeness, source, docs page."""
    ops = cat.of_service(service) if service else list(cat.operations.values())
    return [{"id": o["id"], "service": o["service"], "name": o["name"], "method": o["method"], "path": o["path"],
             "aliases": o["aliases"], "rpc": o["rpc"], "surfaces": o["surfaces"], "complete": o["complete"],
             "source": o["source"], "page": o["page"]} for o in ops]


@app.command()
def ops(fmt: Format = typer.Option(Format.text, "--format", help=FORMAT_HELP),
        as_json: bool = typer.Option(False, "--json", hidden=True, help="same as --format json"),
        service: Optional[str] = typer.Option(None, "--service", help="only this service (e.g. bookings, services)")) -> None:
    """List operations: id (service.operation), method, path, surfaces, completeness, source page."""
    from .catalog import UnknownService

    cat = _catalog()
    try:
        rows = ops_rows(cat, service)
    except UnknownService as e:
        fail(str(e))
    emit_rows(OPS_COLUMNS, [[r[c] for c in OPS_COLUMNS] for r in rows], Format.json if as_json else fmt,
              records=rows, styles={"complete": {"no": "yellow"}})


@app.command()
def schema(
    op: str = typer.Argument(..., help="operation id or unique name, e.g. bookings.createBooking or createBooking"),
    request: bool = typer.Option(False, "--request"),
    response: bool = typer.Option(False, "--response"),
    error: bool = typer.Option(False, "--error"),
    path: bool = typer.Option(False, "--path", help="path parameters"),
    surface: Surface = typer.Option(Surface.rest, "--surface"),
) -> None:
    """Print one standalone, bundled JSON Schema on stdout."""
    kinds = [k for k, on in (("request", request), ("response", response), ("error", error), ("path", path)) if on]
    if len(kinds) != 1:
        fail("choose exactly one of --request, --response, --error, --path")
    cat = _catalog()
    o = resolve_op(cat, op)
    try:
        s = cat.schema(o["id"], kinds[0], surface.value)
    except KeyError as e:
        fail(str(e.args[0]))
    sys.stdout.write(json.dumps(s, indent=2, ensure_ascii=False) + "\n")


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def explain(op: str = typer.Argument(..., help="operation id or unique name"),
            surface: Surface = typer.Option(Surface.rest, "--surface"),
            fmt: ExplainFormat = typer.Option(ExplainFormat.text, "--format",
                                              help="text (a tree) or json (the same tree as data)")) -> None:
    """A readable tree of an operation: parameters, types, enums, ONE-OFs, required, errors, preconditions."""
    from .explain import explain_data, render_tree

    cat = _catalog()
    o = resolve_op(cat, op)
    try:
        data = explain_data(cat, o["id"], surface.value)
    except KeyError as e:
        fail(str(e.args[0]))
    if fmt is ExplainFormat.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console().print(render_tree(data))
