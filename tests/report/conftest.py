"""Schema fixtures for report tests: the common JUnit XSD and the SARIF 2.1.0 schema from ../shared,
plus the checks every report test makes (validity, no absolute paths)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "report-schemas"
JUNIT_XSD = SCHEMAS / "junit-10.xsd"
SARIF_SCHEMA = SCHEMAS / "sarif-2.1.0-rtm.5.json"
NO_SHARED = "../shared/report-schemas is absent (a user's clone has no shared schemas); report validity tests need it"

# quotes, markup, NUL and other controls XML 1.0 forbids, DEL/C1 (allowed), non-ASCII, astral, a lone
# surrogate (what a "\udXXX" JSON escape decodes to), U+FFFE, CR/LF/TAB
AWKWARD = ('say "hi" & \'bye\' <b>x</b> ]]> NUL\x00 BEL\x07 ESC\x1b VT\x0b FF\x0c DEL\x7f NEL\x85 '
           'é中文😀 lone\ud800 nonchar\ufffe CR\r LF\n TAB\t end')
LONG = "L" * 10_000


@pytest.fixture(scope="session")
def junit_schema():
    if not JUNIT_XSD.is_file():
        pytest.skip(NO_SHARED)
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is not installed (pip install -e .[dev])")

    return xmlschema.XMLSchema(str(JUNIT_XSD))


@pytest.fixture(scope="session")
def sarif_validator():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(NO_SHARED)
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def valid_junit(schema, text: str):
    """Parse (as bytes, the way a CI server reads the file) and validate; return the root element."""
    import xml.etree.ElementTree as ET

    data = text.encode("utf-8")
    root = ET.fromstring(data)  # well-formed XML 1.0
    schema.validate(data.decode("utf-8"))
    return root


def valid_sarif(validator, text: str) -> dict:
    text.encode("utf-8")  # writable as UTF-8 (no lone surrogates)
    doc = json.loads(text)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5])
    return doc


def artifact_uris(doc: dict) -> list[str]:
    out = []

    def walk(v):
        if isinstance(v, dict):
            if isinstance(v.get("artifactLocation"), dict):
                out.append(v["artifactLocation"]["uri"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    return out


_ABS = re.compile(r"(?:^|[\s\"'(=])(?:/(?:tmp|home|work|root|usr|var|private|Users)/|[A-Za-z]:\\)")


def assert_no_absolute_paths(text: str, doc: dict | None = None, root: Path | None = None) -> None:
    """No machine path anywhere in the report; every SARIF artifact URI relative, inside ``root``,
    naming a file that exists there."""
    assert not _ABS.search(text), _ABS.search(text).group()
    for p in (str(ROOT), str(Path.cwd()), str(Path("/tmp").resolve())):
        assert p not in text
    for uri in artifact_uris(doc or {}):
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/"), uri
        path = unquote(parts.path)
        assert ".." not in Path(path).parts and " " not in uri, uri
        if root is not None:
            assert (root / path).is_file(), f"{uri} is not a file under the root"


def results(doc: dict) -> list[dict]:
    return doc["runs"][0]["results"]


def fingerprints(doc: dict) -> list[str]:
    return [r["partialFingerprints"]["wixcontracts/v1"] for r in results(doc)]
