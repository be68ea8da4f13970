"""``wixcontracts lint-docs``: the docs consistency report (``lint.py``)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import click

from .cli import EnumChoice, app, console, emit_rows, fail, plain_rows, tsv_rows

LINT_COLUMNS = ("check", "severity", "operation", "path", "message", "docs", "other")


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    none = "none"


class LintFormat(str, Enum):
    markdown = "markdown"
    text = "text"
    json = "json"
    tsv = "tsv"


@app.command("lint-docs")
@click.option("--docs", type=click.Path(path_type=Path),
              help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)")
@click.option("--sdk", help="SDK package: name@version, a .tgz or a folder (default: the pin)")
@click.option("--no-sdk", is_flag=True, help="skip the docs-vs-SDK check")
@click.option("--format", "fmt", type=EnumChoice(LintFormat), default=LintFormat.markdown.value, show_default=True,
              help="markdown, text, json or tsv")
@click.option("--out", type=click.Path(path_type=Path), help="write the report here instead of stdout")
@click.option("--fail-on", type=EnumChoice(FailOn), default=FailOn.error.value, show_default=True,
              help="exit 1 on findings of this severity or worse")
def lint_docs(
    docs: Path = None,
    sdk: str = None,
    no_sdk: bool = False,
    fmt: LintFormat = LintFormat.markdown,
    out: Path = None,
    fail_on: FailOn = FailOn.error,
) -> None:
    """Docs consistency report: docs vs SDK typings, examples vs contract, REST vs SDK section."""
    from dataclasses import asdict

    from . import lint
    from .build import SourceError, compile_docs, default_docs_dir, load_hints, load_sdk
    from .paths import data_root
    from .validate import Contracts

    docs = docs or default_docs_dir()
    if not docs.is_dir():
        fail(f"docs folder not found: {docs}")
    hints_path = data_root() / "contracts" / "hints.json"
    try:
        model, _ = compile_docs(docs, hints_path)
        services = None if no_sdk else load_sdk(sdk)
    except SourceError as e:
        fail(f"{e} (use --no-sdk to lint without the SDK typings)")
    findings = lint.run_api(model, load_hints(hints_path), services, Contracts.load())
    rows = [[getattr(f, c) for c in LINT_COLUMNS] for f in findings]
    if fmt is LintFormat.json:
        text = lint.to_json(findings)
    elif fmt is LintFormat.markdown:
        text = lint.to_markdown(findings)
    elif fmt is LintFormat.tsv:
        text = tsv_rows(LINT_COLUMNS, rows)
    elif out is not None:
        text = plain_rows(LINT_COLUMNS, rows)
    else:
        text = None
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:
            fail(f"cannot write {out}: {e.strerror or e}")
        c = lint.counts(findings)
        console(stderr=True).print(" · ".join(f"{k}: {v['error']} errors, {v['warning']} warnings"
                                              for k, v in c.items()) + f" → {out}")
    elif text is None:
        emit_rows(LINT_COLUMNS, rows, "text", records=[asdict(f) for f in findings],
                  styles={"severity": {"error": "red", "warning": "yellow"}})
    else:
        sys.stdout.write(text)
    if lint.fails(findings, fail_on.value):
        raise click.exceptions.Exit(1)
