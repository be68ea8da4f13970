"""`wixcontracts spi test`: Wix-shaped calls to a service-plugin implementation, answers checked
against the response schemas.  The implementations here verify the call the way Wix's SDK does
(RS256 JWT body, issuer wix.com, audience = app ID, data an object with metadata.appExtensionType)."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from click.testing import CliRunner

import wixcontracts.commands  # noqa: F401
from wixcontracts.catalog import Catalog, UnknownService
from wixcontracts.cli import app
from wixcontracts.webhooks import cached_key_pair
from wixcontracts.webhooks.spi import DEFAULT_APP_ID, SpiError, run_spi

from .conftest import serving

pytestmark = pytest.mark.usefixtures("test_cache")


def plugin_app(answers: dict, calls: list | None = None, component: str = "BOOKINGS_PRICING_PROVIDER"):
    """A service-plugin implementation: path -> answer (a dict, or a callable of the request data)."""

    async def handle(request):
        token = (await request.body()).decode()
        claims = pyjwt.decode(token, cached_key_pair().public_pem, algorithms=["RS256"], audience=DEFAULT_APP_ID,
                              issuer="wix.com")
        data = claims["data"]
        assert isinstance(data, dict) and data["metadata"]["appExtensionType"] == component
        if calls is not None:
            calls.append((request.url.path, data))
        answer = answers.get(request.url.path)
        if answer is None:
            return JSONResponse({"applicationError": {"code": "NOT_IMPLEMENTED"}}, status_code=501)
        answer = answer(data) if callable(answer) else answer
        if isinstance(answer, tuple):
            return answer[1] if not isinstance(answer[1], (dict, list)) else JSONResponse(answer[1], status_code=answer[0])
        return JSONResponse(answer)

    return Starlette(routes=[Route("/{p:path}", handle, methods=["POST"])])


GOOD_PRICE = plugin_app({"/v1/calculate-price": lambda data: {"calculatedPrice": 40.0 * len(data["request"])}})
BAD_PRICE = plugin_app({"/v1/calculate-price": {"calculatedPrice": "100", "currency": "EUR"}})


def test_a_good_implementation_passes():
    calls: list = []
    report = run_spi(plugin_app({"/v1/calculate-price": {"calculatedPrice": 100}}, calls), "pricing-provider",
                     examples=3)
    assert report.ok and report.methods == ["pricing-provider.calculatePrice"] and len(report.calls) == 3
    assert [c.status for c in report.calls] == [200, 200, 200]
    paths = {p for p, _ in calls}
    assert paths == {"/v1/calculate-price"}
    cat = Catalog()
    import jsonschema_rs

    v = jsonschema_rs.validator_for(cat.plugin_schema("calculatePrice", "request"))
    for _, data in calls:  # what was sent is a valid request, as Wix fills it
        assert v.is_valid(data)
        assert data["metadata"]["instanceId"] and data["metadata"]["requestId"]
    assert len({json.dumps(d, sort_keys=True) for _, d in calls}) == 3  # examples differ


def test_a_bad_implementation_is_caught_with_located_findings():
    report = run_spi(BAD_PRICE, "pricing-provider", examples=1)
    assert not report.ok
    found = {(f.pointer, f.rule, f.severity) for f in report.calls[0].findings}
    assert found == {("/calculatedPrice", "type", "error"), ("/currency", "undocumented-field", "error")}
    f = next(f for f in report.calls[0].findings if f.rule == "type")
    assert f.source.startswith("npm:@wix/auto_sdk_bookings_pricing-provider@") and f.location == "plugin-response"


def test_status_and_body_problems():
    plain = plugin_app({"/v1/calculate-price": (200, PlainTextResponse("100"))})
    # "100" is JSON (a number) -- a type error at the root; text that is not JSON is its own rule
    assert {f.rule for f in run_spi(plain, "pricing-provider", examples=1).calls[0].findings} == {"type"}
    text = plugin_app({"/v1/calculate-price": (200, PlainTextResponse("price: 100"))})
    assert [f.rule for f in run_spi(text, "pricing-provider", examples=1).calls[0].findings] == ["json"]
    err = plugin_app({"/v1/calculate-price": (400, {"applicationError": {"code": "NO_PRICE"}})})
    (f,) = run_spi(err, "pricing-provider", examples=1).calls[0].findings
    assert (f.rule, f.message) == ("status", "status 400, expected 2xx (applicationError NO_PRICE)")


def test_every_method_of_a_plugin_by_path():
    calls: list = []
    answers = {p: {} for p in ("/v1/validate-before-create", "/v1/validate-before-cancel",
                               "/v1/validate-before-reschedule", "/v1/validate-before-create-multi-service",
                               "/v1/validate-before-cancel-multi-service",
                               "/v1/validate-before-reschedule-multi-service")}
    report = run_spi(plugin_app(answers, calls, "BOOKINGS_VALIDATION_PROVIDER"), "bookings-validation", examples=1)
    assert report.ok and len(report.calls) == 6 and {p for p, _ in calls} == set(answers)
    only = run_spi(plugin_app(answers, None, "BOOKINGS_VALIDATION_PROVIDER"), "bookings-validation",
                   methods=["validateBeforeCancel"], examples=2)
    assert only.methods == ["bookings-validation.validateBeforeCancel"] and len(only.calls) == 2


def test_usage_errors():
    with pytest.raises(SpiError, match="bookings is not a service-plugin service; service plugins: "):
        run_spi(GOOD_PRICE, "bookings")
    with pytest.raises(SpiError, match="has no method 'calc'; it has calculatePrice"):
        run_spi(GOOD_PRICE, "pricing-provider", methods=["calc"])
    with pytest.raises(UnknownService, match="did you mean pricing-provider"):
        run_spi(GOOD_PRICE, "pricing-providr")


def cli(*args):
    r = CliRunner().invoke(app, ["spi", "test", *map(str, args)])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    return r


def test_cli_against_served_implementations():
    with serving(GOOD_PRICE) as url:
        r = cli("pricing-provider", "--url", url, "--examples", "2")
        assert r.exit_code == 0, r.output
        assert "2/2 calls ok, 0 error(s) across 1 method(s)" in r.output
        out = json.loads(cli("pricing-provider", "--url", url + "/", "--examples", "1", "--format", "json").output)
        assert out["ok"] and out["calls"][0]["url"] == url + "/v1/calculate-price"
    with serving(BAD_PRICE) as url:
        r = cli("pricing-provider", "--url", url, "--examples", "1")
        assert r.exit_code == 1
        text = " ".join(r.output.split())
        assert "FAILED pricing-provider.calculatePrice #0" in text
        assert "error type /calculatedPrice: expected number, got string" in text
        assert "error undocumented-field /currency" in text


def test_cli_refusals():
    r = cli("pricing-provider", "--url", "https://plugins.example.com")
    assert r.exit_code == 2 and "not a loopback address" in r.output
    r = cli("bookings", "--url", "http://127.0.0.1:1")
    assert r.exit_code == 2 and "not a service-plugin service" in r.output
    r = cli("pricing-provider", "--url", "http://127.0.0.1:1", "--method", "nope")
    assert r.exit_code == 2 and "has no method 'nope'" in r.output
