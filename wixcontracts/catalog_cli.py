"""``wixcontracts ops|schema|explain``: the committed catalog, read side (``catalog.py``)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import click

from .cli import Arg, EnumChoice, Format, Surface, app, console, emit_rows, fail, format_option

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


@app.command("ops")
@format_option
@click.option("--json", "as_json", is_flag=True, hidden=True, help="same as --format json")
@click.option("--service", help="only this service (e.g. bookings, services)")
def ops(
    fmt: Format = Format.text,
    as_json: bool = False,
    service: Optional[str] = None,
) -> None:
    """List operations: id (service.operation), method, path, surfaces, completeness, source page."""
    from .catalog import UnknownService

    cat = _catalog()
    try:
        rows = ops_rows(cat, service)
    except UnknownService as e:
        fail(str(e))
    emit_rows(OPS_COLUMNS, [[r[c] for c in OPS_COLUMNS] for r in rows], Format.json if as_json else fmt,
              records=rows, styles={"complete": {"no": "yellow"}})


@app.command("schema")
@click.argument("op", help="operation id or unique name, e.g. bookings.createBooking or createBooking", cls=Arg)
@click.option("--request", is_flag=True)
@click.option("--response", is_flag=True)
@click.option("--error", is_flag=True)
@click.option("--path", is_flag=True, help="path parameters")
@click.option("--surface", type=EnumChoice(Surface), default=Surface.rest.value, show_default=True)
def schema(
    op: str,
    request: bool = False,
    response: bool = False,
    error: bool = False,
    path: bool = False,
    surface: Surface = Surface.rest,
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


@app.command("explain")
@click.argument("op", help="operation id or unique name", cls=Arg)
@click.option("--surface", type=EnumChoice(Surface), default=Surface.rest.value, show_default=True)
@click.option("--format", "fmt", type=EnumChoice(ExplainFormat), default=ExplainFormat.text.value, show_default=True,
              help="text (a tree) or json (the same tree as data)")
def explain(
    op: str,
    surface: Surface = Surface.rest,
    fmt: ExplainFormat = ExplainFormat.text,
) -> None:
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
