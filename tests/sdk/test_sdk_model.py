"""load_sdk_model on a tiny handwritten package folder, and on the real pinned package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wixcontracts.ir import ApiModel, OneOf, TypeRef, iter_fields
from wixcontracts.sdk import SdkFetchError, SdkModelError, fetch_package, load_sdk_model
from wixcontracts.sdk.fetch import load_pin

DATA = Path(__file__).parent / "data"
JS = (DATA / "widgets-meta.js").read_text(encoding="utf-8")
DTS = (DATA / "widgets-meta.d.ts").read_text(encoding="utf-8")


def write_package(root, *, internal_extra: str = "") -> None:
    (root / "build/cjs").mkdir(parents=True)
    (root / "build/internal/cjs").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "@acme/widgets", "version": "1.0.0"}))
    (root / "build/cjs/meta.js").write_text(JS)
    (root / "build/cjs/meta.d.ts").write_text(DTS)
    (root / "build/internal/cjs/meta.d.ts").write_text(DTS + internal_extra)


def test_load_sdk_model_on_a_small_package(tmp_path):
    write_package(tmp_path, internal_extra="interface Widget2 {\n    /** @internal */\n    secret?: string;\n}\n")
    model = load_sdk_model(tmp_path)
    assert isinstance(model, ApiModel)
    assert list(model.operations) == ["dropWidget", "peekWidget"]
    assert model.sources["sdk"] == {
        "package": "@acme/widgets",
        "version": "1.0.0",
        "integrity": None,
        "files": ["build/cjs/meta.d.ts", "build/cjs/meta.js"],
        "internal": False,
    }
    widget = model.types["Widget"]
    assert widget.source.url == "npm:@acme/widgets@1.0.0/build/cjs/meta.d.ts"
    assert widget.origins == {"sdk"}
    assert model.operations["dropWidget"].surfaces["rest"].source.url == "npm:@acme/widgets@1.0.0/build/cjs/meta.js"
    assert "Widget2" not in model.types

    internal = load_sdk_model(tmp_path, internal=True)
    assert internal.sources["sdk"]["files"][0] == "build/internal/cjs/meta.d.ts"
    assert [f.name for f in internal.types["Widget2"].members] == ["secret"]


def test_missing_files_give_one_line_errors(tmp_path):
    with pytest.raises(SdkModelError, match=r"package\.json: missing"):
        load_sdk_model(tmp_path)
    write_package(tmp_path)
    (tmp_path / "build/cjs/meta.js").unlink()
    with pytest.raises(SdkModelError, match=r"meta\.js: missing") as exc:
        load_sdk_model(tmp_path)
    assert "\n" not in str(exc.value)


def test_malformed_typings_become_diagnostics(tmp_path):
    write_package(tmp_path)
    (tmp_path / "build/cjs/meta.d.ts").write_text(DTS + "interface Broken {\n    x?: ;\n}\n")
    model = load_sdk_model(tmp_path)
    errors = [d for d in model.diagnostics if d.severity == "error"]
    line = len(DTS.splitlines()) + 2
    assert [(d.code, d.where) for d in errors] == [("sdk.syntax", f"npm:@acme/widgets@1.0.0/build/cjs/meta.d.ts:{line}")]
    assert "dropWidget" in model.operations


# ---------------------------------------------------------------- integration


@pytest.fixture(scope="module")
def real_package():
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: cannot fetch the pinned SDK package")
    try:
        return fetch_package()
    except SdkFetchError as exc:
        pytest.skip(f"pinned SDK package could not be fetched: {exc}")


def test_pinned_package_integration(real_package):
    pin = load_pin()
    model = load_sdk_model(real_package)
    assert model.sources["sdk"]["version"] == pin.version
    assert model.sources["sdk"]["integrity"] == pin.integrity
    assert not [d for d in model.diagnostics if d.severity in ("error", "warning")]

    ops = model.operations
    assert len(ops) >= 30
    expected = {
        "cancelBooking": ("POST", "/_api/bookings-service/v2/bookings/{bookingId}/cancel", "/bookings/v2/bookings/{bookingId}/cancel"),
        "createBooking": ("POST", "/_api/bookings-service/v2/bookings", "/bookings/v2/bookings"),
        "declineMultiServiceBooking": (
            "POST",
            "/_api/bookings-service/v2/multi_service_bookings/{multiServiceBookingId}/decline",
            "/bookings/multiServiceBookings/v2/multi_service_bookings/{multiServiceBookingId}/decline",
        ),
    }
    for name, (method, path, alias) in expected.items():
        rest = ops[name].surfaces["rest"]
        assert (rest.http_method, rest.url) == (method, path), name
        assert alias in ops[name].path_aliases, name
        assert ops[name].origins == {"sdk"}
    assert ops["cancelBooking"].surfaces["rest"].response_type == "CancelBookingResponse"

    booking = model.types["Booking"]
    fields = {f.name: f for f in iter_fields(booking.members)}
    assert fields["revision"].type == TypeRef("string")  # int64 travels as a plain string
    assert fields["bookedEntity"].type == TypeRef.named("BookedEntity")
    assert fields["createdDate"].type == TypeRef("date") and fields["createdDate"].read_only
    assert fields["id"].type.format == "uuid"
    groups = [m for m in booking.members if isinstance(m, OneOf)]
    assert [[f.name for f in g.members] for g in groups] == [["totalParticipants", "participantsChoices"]]
    assert all(f.source.url.startswith(f"npm:{pin.package}@{pin.version}/build/cjs/meta.d.ts") for f in fields.values())

    cancel_req = {f.name: f for f in iter_fields(model.types["CancelBookingRequest"].members)}
    assert {"revision", "flowControlSettings"} <= set(cancel_req)
    params = {p.name for p in ops["cancelBooking"].surfaces["rest"].params}
    assert {"bookingId", "revision", "flowControlSettings"} <= params


def test_pinned_package_internal_typings(real_package):
    public = load_sdk_model(real_package)
    internal = load_sdk_model(real_package, internal=True)
    pub = {f.name for f in iter_fields(public.types["Booking"].members)}
    inn = {f.name for f in iter_fields(internal.types["Booking"].members)}
    assert pub < inn
    assert len(internal.operations) == len(public.operations)
