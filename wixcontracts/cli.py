"""The CLI core: the ``wixcontracts`` app, the shared output helpers, exit-code handling and ``main``.

Each command lives beside its feature (``build_cli``, ``catalog_cli``, ``validate/cli``, ...) and
registers itself on ``app``; ``wixcontracts.commands`` lists them.  Heavy modules are imported inside
the commands so ``wixcontracts --help`` and ``wixcontracts validate`` start fast.

Exit codes, everywhere (``EXIT_*``)::

    0  ok
    1  findings or failures (invalid payload, stale fixture, breaking drift, failed check step, ...)
    2  bad input or usage: one line on stderr naming what and where
    3  internal error: one line with the exception type, the command and a hint to report the bug
       (``WIXCONTRACTS_DEBUG=1`` prints the traceback as well)
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from typing import Any, Iterable, NoReturn, Sequence

import typer
from typer.core import TyperGroup

from .paths import DataMissing

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "WIXCONTRACTS_DEBUG"


# ---------------------------------------------------------------- exit-code handling

def _command_words(group, args: Sequence[str]) -> str:
    """``wixcontracts live run`` for ``["live", "run", "--out", "x"]`` (the command path the args name)."""
    words, cmd = ["wixcontracts"], group
    for a in args:
        sub = getattr(cmd, "commands", {}).get(a) if not a.startswith("-") else None
        if sub is None:
            break
        words.append(a)
        cmd = sub
    return " ".join(words)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def internal_error(exc: BaseException, command: str) -> None:
    """The one line an unexpected exception becomes (plus the traceback under ``WIXCONTRACTS_DEBUG=1``)."""
    if os.environ.get(DEBUG_ENV) == "1":
        import traceback

        traceback.print_exception(exc)
    detail = _one_line(exc)
    if len(detail) > 300:
        detail = detail[:299] + "…"
    typer.echo(f"error: internal error in `{command}`: {type(exc).__name__}"
               + (f": {detail}" if detail else "")
               + f" -- this is a bug in wixcontracts; please report it with the command line"
               + ("" if os.environ.get(DEBUG_ENV) == "1" else f" ({DEBUG_ENV}=1 shows the traceback)"),
               err=True)


class Group(TyperGroup):
    """The root command group: maps every way a command can end to the exit codes above."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer import Abort

        try:  # newer typer vendors click; older typer depends on click itself
            from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
        except ModuleNotFoundError:
            from click.exceptions import ClickException, NoArgsIsHelpError, UsageError

        args = list(sys.argv[1:] if args is None else args)
        for stream in (sys.stdout, sys.stderr):  # a payload's lone surrogate must not crash the output
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError, OSError):
                pass
        try:
            rv = super().main(args, "wixcontracts", complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as e:  # `wixcontracts` / `wixcontracts live` alone: the help, exit 2
            e.show()
            sys.exit(EXIT_USAGE)
        except UsageError as e:
            where = e.ctx.command_path if e.ctx is not None else _command_words(self, args)
            typer.echo(f"error: {_one_line(e.format_message())} (`{where} --help` for usage)", err=True)
            sys.exit(EXIT_USAGE)
        except ClickException as e:
            typer.echo(f"error: {_one_line(e.format_message())}", err=True)
            sys.exit(e.exit_code if e.exit_code in (EXIT_FINDINGS, EXIT_USAGE) else EXIT_USAGE)
        except Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(EXIT_FINDINGS)
        except DataMissing as e:
            typer.echo(f"error: {e}", err=True)
            sys.exit(EXIT_USAGE)
        except ModuleNotFoundError as e:  # an optional dependency: name the extra that brings it, exit 2
            from .extras import extra_for

            extra = extra_for(e)
            if extra is None:
                internal_error(e, _command_words(self, args))
                sys.exit(EXIT_INTERNAL)
            typer.echo(f"error: {e.name} is not installed: `{_command_words(self, args)}` needs the [{extra}] "
                       f"extra (pip install 'wixcontracts[{extra}]')", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as e:  # anything unexpected, in any command: one line, exit 3
            internal_error(e, _command_words(self, args))
            sys.exit(EXIT_INTERNAL)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)


class App(typer.Typer):
    """The root app.  Command modules register themselves on import; the first look at the command
    list imports them all (``wixcontracts.commands``), so ``from wixcontracts.cli import app`` is always
    the whole CLI."""

    def _load(self) -> None:
        if not self.__dict__.get("_loaded"):
            self.__dict__["_loaded"] = True
            only = self.__dict__.pop("_only", None)
            if only is not None:  # `main` for `wixcontracts CMD ...`: the one module that registers CMD
                import importlib

                importlib.import_module(only)
                return
            from . import commands  # noqa: F401  (registers every command on this app)

    @property
    def registered_commands(self):
        self._load()
        return self.__dict__["_commands"]

    @registered_commands.setter
    def registered_commands(self, value) -> None:
        self.__dict__["_commands"] = value

    @property
    def registered_groups(self):
        self._load()
        return self.__dict__["_groups"]

    @registered_groups.setter
    def registered_groups(self, value) -> None:
        self.__dict__["_groups"] = value


app = App(cls=Group, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=True,
          help="Contracts for the Wix Bookings REST API, compiled from the Wix docs.  Exit codes: 0 ok, "
               "1 findings or failures, 2 bad input or usage, 3 internal error.")


def sub_app(help: str) -> typer.Typer:
    """A command group (``live``, ``docs``, ``fixtures``)."""
    return typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=help)


def version() -> str:
    """The installed distribution's version (package metadata), else the package's ``__version__``."""
    try:
        from importlib.metadata import PackageNotFoundError, version as dist_version

        return dist_version("wixcontracts")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"wixcontracts {version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(show_version: bool = typer.Option(False, "--version", is_eager=True, callback=_version_callback,
                                            help="Print the version and exit.")) -> None:
    """Contracts for the Wix Bookings REST API, compiled from the Wix docs."""


# ---------------------------------------------------------------- output helpers

def stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def console(stderr: bool = False):
    """A rich console that never wraps a line (a terminal folds long lines itself; a pipe gets them whole)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


_console = console  # the name the command modules used before the split


def fail(msg: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr -- ``error: <what and where>`` -- then exit ``code`` (default 2: bad input or usage)."""
    typer.echo(f"error: {_one_line(msg)}", err=True)
    raise typer.Exit(code)


_fail = fail


def note(msg: str) -> None:
    """One line on stderr that is not an error (skips, summaries when stdout carries data)."""
    typer.echo(_one_line(msg), err=True)


class Format(str, Enum):
    """``--format`` of the listing commands."""
    text = "text"
    json = "json"
    tsv = "tsv"


FORMAT_HELP = "text (a table in a terminal, plain aligned rows otherwise), json or tsv"


class Surface(str, Enum):
    rest = "rest"
    sdk = "sdk"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ",".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def plain_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], header: bool = True) -> str:
    """Aligned columns, one line per row, no borders and no wrapping (what a pipe gets for ``text``)."""
    table = [[_one_line(_cell(c)) for c in r] for r in rows]
    if header:
        table.insert(0, list(columns))
    if not table:
        return ""
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    out = []
    for r in table:
        line = "  ".join(c.ljust(widths[i]) if i < len(columns) - 1 else c for i, c in enumerate(r))
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


def tsv_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Tab-separated values with a header line; tabs and newlines inside a cell become spaces."""
    clean = lambda v: _cell(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")  # noqa: E731
    return "".join("\t".join(clean(c) for c in r) + "\n" for r in [list(columns), *rows])


def emit_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: "Format | str", *,
              records: Any = None, title: str | None = None, styles: dict[str, dict[str, str]] | None = None) -> None:
    """Print a listing on stdout in ``fmt``: ``json`` prints ``records`` (default: one object per row keyed by
    column), ``tsv`` tab-separated rows, ``text`` a rich table in a terminal and plain aligned rows in a pipe.
    ``styles``: per column, a colour per cell value (terminal only)."""
    fmt = Format(fmt)
    if fmt is Format.json:
        data = records if records is not None else [dict(zip(columns, r)) for r in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if fmt is Format.tsv:
        sys.stdout.write(tsv_rows(columns, rows))
        return
    if not stdout_is_tty():
        sys.stdout.write(plain_rows(columns, rows))
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=title)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        cells = []
        for c, v in zip(columns, r):
            s = escape(_cell(v))
            style = (styles or {}).get(c, {}).get(_cell(v))
            cells.append(f"[{style}]{s}[/]" if style and s else s)
        t.add_row(*cells)
    console().print(t)


# The module that registers each top-level command: `wixcontracts CMD ...` imports only that one (start-up
# time); anything else -- help, completion, an unknown name -- imports them all (``wixcontracts.commands``).
# tests/test_cli_core.py checks the table against the commands each module really registers.
COMMAND_MODULES = {
    "build": "wixcontracts.build_cli", "ops": "wixcontracts.catalog_cli", "schema": "wixcontracts.catalog_cli",
    "explain": "wixcontracts.catalog_cli", "validate": "wixcontracts.validate.cli",
    "serve": "wixcontracts.emulator.serve", "fuzz": "wixcontracts.fuzz_cli", "lint-docs": "wixcontracts.lint_cli",
    "check": "wixcontracts.check_cli", "fixtures": "wixcontracts.fixtures.cli", "drift": "wixcontracts.drift.cli",
    "diff": "wixcontracts.drift.cli", "nightly": "wixcontracts.drift.cli", "live": "wixcontracts.live.cli",
    "docs": "wixcontracts.docsfetch.cli", "webhook": "wixcontracts.webhooks.cli", "spi": "wixcontracts.webhooks.cli",
    "init": "wixcontracts.init_cmd",
}


def main() -> None:
    words = sys.argv[1:2]
    if words and words[0] in COMMAND_MODULES and "_WIXCONTRACTS_COMPLETE" not in os.environ \
            and not app.__dict__.get("_loaded"):
        app.__dict__["_only"] = COMMAND_MODULES[words[0]]
    app(prog_name="wixcontracts")


if __name__ == "__main__":
    main()
