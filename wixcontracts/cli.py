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

import click

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
    click.echo(f"error: internal error in `{command}`: {type(exc).__name__}"
               + (f": {detail}" if detail else "")
               + f" -- this is a bug in wixcontracts; please report it with the command line"
               + ("" if os.environ.get(DEBUG_ENV) == "1" else f" ({DEBUG_ENV}=1 shows the traceback)"),
               err=True)


_NATIVE_ARGUMENT_HELP = hasattr(click.Command, "format_arguments")  # click 8.5 lists arguments' help itself


class Arg(click.Argument):
    """A positional argument with a ``help`` text, listed under *Positional arguments* in the command's help
    (by click itself from 8.5 on, by :class:`Command` before)."""

    def __init__(self, *args, help: str | None = None, **kwargs) -> None:
        if _NATIVE_ARGUMENT_HELP:
            kwargs["help"] = help
        super().__init__(*args, **kwargs)
        self.help = help


class EnumChoice(click.Choice):
    """A choice among an ``Enum``'s values, passed to the command as the member."""

    def __init__(self, enum: type[Enum]) -> None:
        self.enum = enum
        super().__init__([m.value for m in enum])

    def convert(self, value, param, ctx):
        if isinstance(value, self.enum):
            return value
        return self.enum(super().convert(value, param, ctx))


class Command(click.Command):
    """A command of the CLI (before click 8.5, it lists its arguments' help texts itself)."""

    if not _NATIVE_ARGUMENT_HELP:
        def format_options(self, ctx, formatter) -> None:
            rows = [(p.make_metavar(ctx), p.help) for p in self.get_params(ctx) if isinstance(p, Arg) and p.help]
            if rows:
                with formatter.section("Positional arguments"):
                    formatter.write_dl(rows)
            super().format_options(ctx, formatter)


class _Group(click.Group):
    """A group of the CLI: its commands are :class:`Command`; an unknown command name gets a did-you-mean (click
    says it itself from 8.5 on)."""

    command_class = Command

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as e:
            if args and "Did you mean" not in e.format_message() and self.get_command(ctx, args[0]) is None:
                import difflib

                near = difflib.get_close_matches(args[0], self.list_commands(ctx), n=3)
                if near:
                    e.message += f" Did you mean {' or '.join(repr(n) for n in near)}?"
            raise


class SubGroup(_Group):
    """A command group under the root (``live``, ``docs``, ``fixtures``, ``webhook``, ``spi``)."""


class Group(_Group):
    """The root command group: loads the command modules on first look (see :data:`COMMAND_MODULES`) and maps
    every way a command can end to the exit codes above."""

    group_class = SubGroup

    _loaded = False
    _only: str | None = None

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            only, self._only = self._only, None
            if only is not None:  # `main` for `wixcontracts CMD ...`: the one module that registers CMD
                import importlib

                importlib.import_module(only)
                return
            from . import commands  # noqa: F401  (registers every command on this app)

    def get_command(self, ctx, cmd_name):
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from click.exceptions import Abort, ClickException, NoArgsIsHelpError, UsageError

        args = list(sys.argv[1:] if args is None else args)
        for stream in (sys.stdout, sys.stderr):  # a payload's lone surrogate must not crash the output
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError, OSError):
                pass
        try:
            rv = super().main(args, "wixcontracts", complete_var, standalone_mode=False, **extra)
        except UsageError as e:
            if isinstance(e, NoArgsIsHelpError):
                e.show()  # `wixcontracts` / `wixcontracts live` alone: the help, exit 2
                sys.exit(EXIT_USAGE)
            where = e.ctx.command_path if e.ctx is not None else _command_words(self, args)
            click.echo(f"error: {_one_line(e.format_message())} (`{where} --help` for usage)", err=True)
            sys.exit(EXIT_USAGE)
        except ClickException as e:
            click.echo(f"error: {_one_line(e.format_message())}", err=True)
            sys.exit(e.exit_code if e.exit_code in (EXIT_FINDINGS, EXIT_USAGE) else EXIT_USAGE)
        except Abort:
            click.echo("error: aborted", err=True)
            sys.exit(EXIT_FINDINGS)
        except DataMissing as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_USAGE)
        except ModuleNotFoundError as e:  # an optional dependency: name the extra that brings it, exit 2
            from .extras import extra_for

            extra = extra_for(e)
            if extra is None:
                internal_error(e, _command_words(self, args))
                sys.exit(EXIT_INTERNAL)
            click.echo(f"error: {e.name} is not installed: `{_command_words(self, args)}` needs the [{extra}] "
                       f"extra (pip install 'wixcontracts[{extra}]')", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as e:  # anything unexpected, in any command: one line, exit 3
            internal_error(e, _command_words(self, args))
            sys.exit(EXIT_INTERNAL)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)


def version() -> str:
    """The installed distribution's version (package metadata), else the package's ``__version__``."""
    try:
        from importlib.metadata import PackageNotFoundError, version as dist_version

        return dist_version("wixcontracts")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def _version_callback(ctx: click.Context, param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"wixcontracts {version()}")
        ctx.exit(EXIT_OK)


COMPLETE_VAR = "_WIXCONTRACTS_COMPLETE"


def _show_completion(ctx: click.Context, param, shell: str | None) -> None:
    """``--show-completion SHELL``: click's completion script for the shell (``eval`` it in the shell's rc file)."""
    if shell is None or ctx.resilient_parsing:
        return
    from click.shell_completion import get_completion_class

    comp = get_completion_class(shell)(ctx.command, {}, "wixcontracts", COMPLETE_VAR)
    click.echo(comp.source())
    ctx.exit(EXIT_OK)


@click.group("wixcontracts", cls=Group, no_args_is_help=True)
@click.option("--version", is_flag=True, is_eager=True, expose_value=False, callback=_version_callback,
              help="Print the version and exit.")
@click.option("--show-completion", type=click.Choice(["bash", "zsh", "fish"]), is_eager=True, expose_value=False,
              callback=_show_completion, metavar="SHELL",
              help='Print the shell completion script (bash, zsh or fish): eval "$(wixcontracts --show-completion '
                   'bash)" in ~/.bashrc turns it on.')
def app() -> None:
    """Contracts for the Wix Bookings REST API, compiled from the Wix docs.  Exit codes: 0 ok, 1 findings or
    failures, 2 bad input or usage, 3 internal error."""


def sub_app(name: str, help: str) -> click.Group:
    """A command group (``live``, ``docs``, ``fixtures``, ...) under the root."""
    group = SubGroup(name, help=help, no_args_is_help=True)
    app.add_command(group)
    return group


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
    click.echo(f"error: {_one_line(msg)}", err=True)
    raise click.exceptions.Exit(code)


_fail = fail


def note(msg: str) -> None:
    """One line on stderr that is not an error (skips, summaries when stdout carries data)."""
    click.echo(_one_line(msg), err=True)


class Format(str, Enum):
    """``--format`` of the listing commands."""
    text = "text"
    json = "json"
    tsv = "tsv"


FORMAT_HELP = "text (a table in a terminal, plain aligned rows otherwise), json or tsv"
format_option = click.option("--format", "fmt", type=EnumChoice(Format), default=Format.text.value, show_default=True,
                             help=FORMAT_HELP)  # ``--format`` of the listing commands (a decorator)


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
    if words and words[0] in COMMAND_MODULES and COMPLETE_VAR not in os.environ and not app._loaded:
        app._only = COMMAND_MODULES[words[0]]
    app.main(prog_name="wixcontracts", complete_var=COMPLETE_VAR)


if __name__ == "__main__":
    main()
