"""Fixtures: the real SDK packages (fetched through the npm client; skipped without it) and
small synthetic packages laid out like them (offline), plus a booking to deliver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
PINS = json.loads((DATA / "packages.json").read_text())["packages"]
UUID = "5fa50f19-4c94-4c42-a72b-289505ba2028"
UUID2 = "8ee826a3-64c4-416d-a22c-e01d39f56931"
BOOKINGS = "@wix/auto_sdk_bookings_bookings"


# ------------------------------------------------------------------ real packages


def fetch(name: str) -> Path:
    from wixcontracts.sdk.fetch import SdkFetchError, fetch_package

    pin = PINS[name]
    try:
        return fetch_package(f"{name}@{pin['version']}", integrity=pin["integrity"])
    except SdkFetchError as exc:
        pytest.skip(f"{name}@{pin['version']} is not cached and could not be fetched (no npm, or registry unreachable): {exc}")


@pytest.fixture(scope="session")
def real_packages() -> dict[str, Path]:
    return {name: fetch(name) for name in PINS}


@pytest.fixture(scope="session")
def bookings_pkg() -> Path:
    return fetch(BOOKINGS)


@pytest.fixture(scope="session")
def bookings_events(bookings_pkg):
    from wixcontracts.emit.events import event_schemas
    from wixcontracts.sdk.events import load_events

    events, types, diags = load_events(bookings_pkg)
    assert not [d for d in diags if d.severity == "error"]
    return {e.event_type: e for e in events}, {e.event_type: event_schemas(e, types)["message"] for e in events}


# ------------------------------------------------------------------ synthetic packages

# Laid out like a real package: the envelopes and tagged handlers in a shared chunk that
# exports them under short aliases; index.d.ts importing them back; meta.d.ts REST-shaped.
CHUNK = "mini.universal-Ab12Cd.d.ts"

META_DTS = """\
interface Booking {
    /** @format GUID */
    id?: string | null;
    status?: BookingStatusWithLiterals;
    /** @readonly */
    revision?: string | null;
    createdDate?: Date | null;
    /** @min 1 */
    totalParticipants?: number;
    tags?: string[];
}
declare enum BookingStatus {
    CREATED = "CREATED",
    CONFIRMED = "CONFIRMED",
    CANCELED = "CANCELED"
}
type BookingStatusWithLiterals = BookingStatus | 'CREATED' | 'CONFIRMED' | 'CANCELED';
interface BookingCanceled {
    booking?: Booking;
    previousStatus?: BookingStatusWithLiterals;
}
interface Notice {
    /** @maxLength 20 */
    text?: string;
}
interface MessageEnvelope {
    /** @format GUID */
    instanceId?: string | null;
    eventType?: string;
    identity?: IdentificationData;
    data?: string;
    accountInfo?: AccountInfo;
}
interface IdentificationData extends IdentificationDataIdOneOf {
    /** @format GUID */
    anonymousVisitorId?: string;
    /** @format GUID */
    memberId?: string;
    /** @format GUID */
    wixUserId?: string;
    /** @format GUID */
    appId?: string;
    identityType?: WebhookIdentityTypeWithLiterals;
}
/** @oneof */
interface IdentificationDataIdOneOf {
    anonymousVisitorId?: string;
    memberId?: string;
    wixUserId?: string;
    appId?: string;
}
declare enum WebhookIdentityType {
    UNKNOWN = "UNKNOWN",
    ANONYMOUS_VISITOR = "ANONYMOUS_VISITOR",
    MEMBER = "MEMBER",
    WIX_USER = "WIX_USER",
    APP = "APP"
}
type WebhookIdentityTypeWithLiterals = WebhookIdentityType | 'UNKNOWN' | 'ANONYMOUS_VISITOR' | 'MEMBER' | 'WIX_USER' | 'APP';
interface AccountInfo {
    accountId?: string | null;
    siteId?: string | null;
}
interface DomainEvent extends DomainEventBodyOneOf {
    createdEvent?: EntityCreatedEvent;
    updatedEvent?: EntityUpdatedEvent;
    deletedEvent?: EntityDeletedEvent;
    actionEvent?: ActionEvent;
    id?: string;
    entityFqdn?: string;
    slug?: string;
    entityId?: string;
    eventTime?: Date | null;
    triggeredByAnonymizeRequest?: boolean | null;
    originatedFrom?: string | null;
    entityEventSequence?: string | null;
}
/** @oneof */
interface DomainEventBodyOneOf {
    createdEvent?: EntityCreatedEvent;
    updatedEvent?: EntityUpdatedEvent;
    deletedEvent?: EntityDeletedEvent;
    actionEvent?: ActionEvent;
}
interface EntityCreatedEvent {
    entityAsJson?: string;
    restoreInfo?: RestoreInfo;
}
interface RestoreInfo {
    deletedDate?: Date | null;
}
interface EntityUpdatedEvent {
    currentEntityAsJson?: string;
}
interface EntityDeletedEvent {
    deletedEntityAsJson?: string | null;
}
interface ActionEvent {
    bodyAsJson?: string;
}

export { type Booking as BookingOriginal, type DomainEvent as DomainEventOriginal };
"""

CHUNK_DTS = """\
import { EventDefinition } from '@wix/sdk-types';

interface Booking {
    _id?: string | null;
    status?: BookingStatusWithLiterals;
    revision?: string | null;
    _createdDate?: Date | null;
    totalParticipants?: number;
}
declare enum BookingStatus {
    CREATED = "CREATED",
    CONFIRMED = "CONFIRMED",
    CANCELED = "CANCELED"
}
type BookingStatusWithLiterals = BookingStatus | 'CREATED' | 'CONFIRMED' | 'CANCELED';
interface BookingCanceled {
    booking?: Booking;
}
interface Notice {
    text?: string;
}
interface EventMetadata {
    _id?: string;
    entityFqdn?: string;
    slug?: string;
}
interface BaseEventMetadata {
    instanceId?: string | null;
}
interface BookingCreatedEnvelope {
    entity: Booking;
    metadata: EventMetadata;
}
/**
 * @permissionScope Manage Things
 * @permissionScopeId SCOPE.MINI.MANAGE
 * @permissionId MINI.BOOKING_READ
 * @webhook
 * @eventType wix.mini.v1.booking_created
 * @slug created
 */
declare function onBookingCreated(handler: (event: BookingCreatedEnvelope) => void | Promise<void>): void;
interface BookingUpdatedEnvelope {
    entity: Booking;
    metadata: EventMetadata;
    /** @hidden */
    modifiedFields: Record<string, any>;
}
/**
 * @webhook
 * @eventType wix.mini.v1.booking_updated
 * @slug updated
 */
declare function onBookingUpdated(handler: (event: BookingUpdatedEnvelope) => void | Promise<void>): void;
interface BookingDeletedEnvelope {
    metadata: EventMetadata;
}
/**
 * @webhook
 * @eventType wix.mini.v1.booking_deleted
 * @slug deleted
 */
declare function onBookingDeleted(handler: (event: BookingDeletedEnvelope) => void | Promise<void>): void;
interface BookingCanceledEnvelope {
    data: BookingCanceled;
    metadata: EventMetadata;
}
/**
 * @webhook
 * @eventType wix.mini.v1.booking_canceled
 * @slug canceled
 */
declare function onBookingCanceled(handler: (event: BookingCanceledEnvelope) => void | Promise<void>): void;
interface NoticeEnvelope {
    data: Notice;
    metadata: BaseEventMetadata;
}
/**
 * @webhook
 * @eventType com.example.mini.v1.Notice
 * @slug notice
 * @deprecated
 */
declare function onNotice(handler: (event: NoticeEnvelope) => void | Promise<void>): void;

export { type BookingCreatedEnvelope as a, type BookingUpdatedEnvelope as b, type BookingDeletedEnvelope as c, type BookingCanceledEnvelope as d, type NoticeEnvelope as e, type Booking as B };
"""

INDEX_DTS = f"""\
import {{ EventDefinition, BuildEventDefinition }} from '@wix/sdk-types';
import {{ a as BookingCreatedEnvelope, b as BookingUpdatedEnvelope, c as BookingDeletedEnvelope, d as BookingCanceledEnvelope, e as NoticeEnvelope }} from './{CHUNK[:-5]}.js';
export {{ B as Booking }} from './{CHUNK[:-5]}.js';

declare const onBookingCreated$1: EventDefinition<BookingCreatedEnvelope, "wix.mini.v1.booking_created">;
declare const onBookingUpdated$1: EventDefinition<BookingUpdatedEnvelope, "wix.mini.v1.booking_updated">;
declare const onBookingDeleted$1: EventDefinition<BookingDeletedEnvelope, "wix.mini.v1.booking_deleted">;
declare const onBookingCanceled$1: EventDefinition<BookingCanceledEnvelope, "wix.mini.v1.booking_canceled">;
declare const onNotice$1: EventDefinition<NoticeEnvelope, "com.example.mini.v1.Notice">;
declare const onBookingCreated: BuildEventDefinition<typeof onBookingCreated$1> & typeof onBookingCreated$1;

export {{ onBookingCreated }};
"""

INDEX_TYPINGS_DTS = f"""\
import {{ B as Booking }} from './{CHUNK[:-5]}.js';
export {{ Booking }};
"""

PLUGIN_CHUNK = "interfaces-mini-provider.public-Zz9.d.ts"
PLUGIN_CHUNK_DTS = """\
import { ServicePluginDefinition } from '@wix/sdk-types';

interface CalcRequest {
    booking?: Booking;
}
interface Booking {
    /** @format GUID */
    _id?: string | null;
    _createdDate?: Date | null;
    status?: BookingStatusWithLiterals;
}
declare enum BookingStatus {
    CREATED = "CREATED",
    CONFIRMED = "CONFIRMED"
}
type BookingStatusWithLiterals = BookingStatus | 'CREATED' | 'CONFIRMED';
interface CalcResponse {
    calculatedPrice?: number;
    /** @maxSize 3 */
    notes?: string[];
}
interface Context {
    requestId?: string | null;
    /** @format GUID */
    instanceId?: string | null;
}
interface CalcEnvelope {
    request: CalcRequest;
    metadata: Context;
}
declare const provideHandlers: ServicePluginDefinition<{
    /**
     * @throws CalcError
     */
    calc(payload: CalcEnvelope): CalcResponse | Promise<CalcResponse>;
}>;

export { type CalcEnvelope as C, type CalcResponse as R, provideHandlers as p };
"""
PLUGIN_INDEX_DTS = f"""\
import {{ p as provideHandlers$1 }} from './{PLUGIN_CHUNK[:-5]}.js';
import {{ BuildServicePluginDefinition }} from '@wix/sdk-types';

declare const provideHandlers: BuildServicePluginDefinition<typeof provideHandlers$1> & typeof provideHandlers$1;

export {{ provideHandlers }};
"""
PLUGIN_INDEX_TYPINGS_DTS = f"""\
import {{ C as CalcEnvelope, R as CalcResponse }} from './{PLUGIN_CHUNK[:-5]}.js';

declare function calc(payload: CalcEnvelope): CalcResponse | Promise<CalcResponse>;

export {{ CalcEnvelope, CalcResponse, calc }};
"""
PLUGIN_INDEX_JS = """\
"use strict";
var import_sdk_types = require("@wix/sdk-types");
var provideHandlers = (0, import_sdk_types.ServicePluginDefinition)("MINI_PROVIDER", [
  {
    name: "calc",
    primaryHttpMappingPath: "/v1/calc",
    transformations: {}
  }
]);
"""


def write_package(root: Path, name: str, files: dict[str, str]) -> Path:
    pkg = root / name.replace("/", "__") / "package"
    for rel, text in files.items():
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    (pkg / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0"}), encoding="utf-8")
    return pkg


@pytest.fixture(scope="session")
def mini_pkg(tmp_path_factory) -> Path:
    return write_package(tmp_path_factory.mktemp("pkgs"), "@example/mini", {
        "build/cjs/meta.d.ts": META_DTS, f"build/cjs/{CHUNK}": CHUNK_DTS,
        "build/cjs/index.d.ts": INDEX_DTS, "build/cjs/index.typings.d.ts": INDEX_TYPINGS_DTS})


@pytest.fixture(scope="session")
def mini_plugin_pkg(tmp_path_factory) -> Path:
    return write_package(tmp_path_factory.mktemp("pkgs"), "@example/mini-provider", {
        f"build/cjs/{PLUGIN_CHUNK}": PLUGIN_CHUNK_DTS, "build/cjs/index.d.ts": PLUGIN_INDEX_DTS,
        "build/cjs/index.typings.d.ts": PLUGIN_INDEX_TYPINGS_DTS, "build/cjs/index.js": PLUGIN_INDEX_JS})


@pytest.fixture(scope="session")
def mini(mini_pkg):
    """(events by type, types, message schemas by type) of the synthetic package."""
    from wixcontracts.emit.events import event_schemas
    from wixcontracts.sdk.events import load_events

    events, types, diags = load_events(mini_pkg)
    assert not [d for d in diags if d.severity == "error"], diags
    return ({e.event_type: e for e in events}, types,
            {e.event_type: event_schemas(e, types)["message"] for e in events})


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")
    from wixcontracts.webhooks.keys import cached_key_pair

    folder = tmp_path_factory.mktemp("keys")
    return cached_key_pair("a", directory=folder), cached_key_pair("b", directory=folder)


def mini_booking(**over) -> dict:
    b = {"id": UUID, "status": "CONFIRMED", "revision": "3", "createdDate": "2024-05-01T10:00:00.000Z",
         "totalParticipants": 2, "tags": ["INDIVIDUAL"]}
    b.update(over)
    return b


def real_booking(**over) -> dict:
    """A REST-shaped Booking as Wix sends it."""
    b = {"id": UUID, "revision": "7", "status": "CONFIRMED", "paymentStatus": "PAID",
         "selectedPaymentOption": "ONLINE", "createdDate": "2024-05-01T10:00:00.000Z",
         "updatedDate": "2024-05-01T10:05:00.000Z", "startDate": "2024-05-02T09:00:00Z",
         "endDate": "2024-05-02T10:00:00Z", "doubleBooked": False, "totalParticipants": 2,
         "bookedEntity": {"title": "Deep tissue massage", "tags": ["INDIVIDUAL"], "slot": {
             "serviceId": UUID, "scheduleId": UUID2, "startDate": "2024-05-02T09:00:00Z",
             "endDate": "2024-05-02T10:00:00Z", "timezone": "Europe/Dublin",
             "location": {"id": UUID, "name": "Main studio", "locationType": "OWNER_BUSINESS"}}},
         "contactDetails": {"contactId": UUID, "firstName": "John", "lastName": "Doe", "email": "john@example.com"},
         "createdBy": {"memberId": UUID}}
    b.update(over)
    return b


# ------------------------------------------------------------------ serving an app on loopback

def serving(asgi_app):
    """Run ``asgi_app`` with uvicorn on a free loopback port (a thread); yields the base URL."""
    from tests.serving import serving_app

    return serving_app(asgi_app, lifespan="off")


@pytest.fixture
def test_cache(tmp_path_factory, monkeypatch):
    """A user cache of its own (the test key pair lives there), shared by the tests of a session."""
    pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")
    folder = tmp_path_factory.getbasetemp() / "wixcontracts-cache"
    monkeypatch.setenv("WIXCONTRACTS_CACHE", str(folder))
    return folder
