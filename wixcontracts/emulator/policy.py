"""Every behaviour of the emulator that the Wix docs do not pin down, in one place, each with its source.

Keys are stable identifiers (tests and reports cite them); each value is a :class:`Decision`: the text of the
choice (a ``str``) with its ``source`` -- a docs page line, an SDK typings line (``npm:<package>@<version>/<file>
#L<n> (<declaration>)``, checked by ``tests/emulator/test_policy.py`` when the package cache is there), or
``no source: emulator choice``.  Anything the emulator does that is *not* listed here is read from the
contracts (catalog errors / preconditions, JSON Schemas).  The README's "The emulator" section lists them all
(a test keeps it in step)."""

from __future__ import annotations

CHOICE = "no source: emulator choice"
_BK = "npm:@wix/auto_sdk_bookings_bookings@1.0.241/build/cjs/index.typings.d.ts"
_TS = "npm:@wix/auto_sdk_bookings_availability-time-slots@1.0.275/build/cjs/index.typings.d.ts"
_MS = "npm:@wix/auto_sdk_bookings_multi-service-availability-time-slots@1.0.269/build/cjs/index.typings.d.ts"
_XB = "npm:@wix/auto_sdk_bookings_extended-bookings@1.0.133/build/cjs/index.typings.d.ts"
_CREATE = "https://dev.wix.com/docs/api-reference/business-solutions/bookings/bookings/bookings-writer-v2/create-booking"


class Decision(str):
    """A policy decision: its text, with ``source``."""

    source: str

    def __new__(cls, text: str, source: str = CHOICE) -> "Decision":
        d = super().__new__(cls, text)
        d.source = source
        return d


D = Decision

DECISIONS: dict[str, Decision] = {
    # --- transport -----------------------------------------------------------------------------
    "body.no_content_type": D("A request without Content-Type (or with any Content-Type) is parsed as JSON."),
    "body.empty": D("An empty request body (or one of JSON whitespace only) is the empty JSON object {}; a body "
                    "that is JSON null is 400 "
                    "validationError (field '', ruleName 'type'), like any other non-object body."),
    "body.invalid_json": D("A body that is not strict JSON (proto3 JSON: UTF-8, no NaN/Infinity, numbers that fit, "
                           "no unpaired surrogates, at most 100 levels) gets 400 validationError (field '', "
                           "violatedRule OTHER, ruleName 'json') with message 'INVALID_ARGUMENT: ...'."),
    "route.unknown": D("An unknown path gets 404 applicationError NOT_FOUND; a known path with another method gets "
                       "405 with an Allow header and code METHOD_NOT_ALLOWED."),
    "route.raw_path": D("Path parameters are matched on the raw (percent-encoded) path and decoded afterwards, so an "
                        "encoded '/' stays inside the parameter. Empty path segments still match a route and are "
                        "then rejected by the path-parameter schema."),
    "route.query": D("The query string is part of the request: for GET / DELETE it is the request message, as the "
                     "gateway reads it (see 'What the gateway accepts'); for a POST it is ignored (a warning of the "
                     "validator, not an error)."),
    "route.not_emulated": D("Every catalog operation is routed and its request validated; an operation the emulator "
                            "does not emulate then answers 501 applicationError NOT_EMULATED naming the operation "
                            "(GET /_wixcontracts/operations lists both kinds). 501 is undocumented in the contract."),
    "route.control": D("The emulator's own endpoints live under /_wixcontracts (reset, operations, state, seed, "
                       "clock, events, scenarios, policy); no Wix path starts with it (a test checks every path and "
                       "alias of the catalog). Their errors use the Wix envelope too."),
    "success.status": D("Every success is exactly HTTP 200 with a JSON body."),
    "auth": D("By default the Authorization header is not checked. With Emulator(require_auth=True) (the fuzz run, "
              "`serve --require-auth`) a missing Authorization header → 401 applicationError UNAUTHENTICATED, checked "
              "after routing and before validation; its value is never verified. 401 is undocumented in the "
              "contract."),
    # --- validation ------------------------------------------------------------------------------
    "validation.scope": D("Every request is read as the gateway reads it and validated by the validation engine "
                          "(Contracts.check_request: path + body + query, formats enforced) before any state is "
                          "read. Its errors give 400 validationError with one fieldViolation per finding; path "
                          "errors, when present, are reported alone. Its warnings (read-only fields, fields of objects "
                          "only the strict variant closes) do not fail the request. Emulator.dispatch() skips this "
                          "step: its caller has read the request already."),
    "validation.field_names": D("fieldViolations[].field is the finding's JSON pointer as a dotted path with [i] for "
                                "array indices, e.g. 'booking.contactDetails.email', 'declineBookingsInfo[0].revision'."),
    "validation.violated_rule": D("violatedRule maps the engine's rule: required/oneOf-required→REQUIRED_FIELD, "
                                  "format/int64→FORMAT, minLength→MIN_LENGTH, maxLength→MAX_LENGTH, minimum→MIN, "
                                  "maximum→MAX, minItems→MIN_SIZE, maxItems→MAX_SIZE, anything else→OTHER; ruleName "
                                  "carries the rule itself."),
    # --- errors ------------------------------------------------------------------------------------
    "errors.statuses": D("An application error is answered with the HTTP status the catalog documents for its code; "
                         "codes the docs pages do not cover come from the operation's <Op>ApplicationErrors type in "
                         "the SDK typings, which gives no status: the emulator uses 404 for *_NOT_FOUND and "
                         "INVALID_TOKEN, 400 for malformed requests (REVISION_MISSING, DUPLICATE_*, "
                         "NOT_ALL_BOOKINGS_WERE_SENT, MISSING_CANCELLATION_INFO, INVALID_SERVICES_SIZE), 403 for "
                         "BOOKING_POLICY_VIOLATION, 428 for every other precondition.",
                         f"{_BK}#L6469 (CreateBookingApplicationErrors) and the other *ApplicationErrors types"),
    "errors.400_shape": D("A 400 of an operation whose contract documents no 400 application codes (every operation "
                          "known only from the SDK typings) is a validationError, never an applicationError: one "
                          "fieldViolation naming the field, ruleName = the application code (e.g. REVISION_MISSING). "
                          "Their OpenAPI 400 is WixValidationError only."),
    "errors.envelope": D("Every error, of any status, has Wix's envelope: {message: 'CODE: description', details: "
                         "{applicationError: {code, description, data}}} or {message, details: {validationError: "
                         "{fieldViolations: [...]}}}; data carries the ids involved (bookingId, currentRevision ...)."),
    # --- state, clock, seeds -----------------------------------------------------------------------
    "state.shape": D("One state behind every operation: bookings, multi-service bookings, services, staff members, "
                     "resources, schedules (working hours, class sessions), the business (time zone, locations, "
                     "default hours), anonymous tokens. seed() accepts the seed format of seeds.py, which includes "
                     "the earlier {bookings, multiServiceBookings} shape (revisions may be ints)."),
    "state.atomicity": D("One lock serialises every operation; a request either applies all its changes or none "
                         "(all checks first, then every write). Bulk operations are per item (bulk.per_item)."),
    "state.revision": D("Every successful write sets revision to previous+1 and updatedDate to the clock.",
                        f"{_BK}#L104 (Booking.revision)"),
    "state.server_ids": D("Ids are random version-4 UUIDs (a PRNG seeded once from the OS: ids, not secrets); "
                          "anonymous-action tokens are random URL-safe text."),
    "clock": D("One clock stamps every date the emulator writes and decides what is in the past: real time by "
               "default; frozen by Emulator(clock=...), `serve --clock`, a seed's 'clock' or POST /_wixcontracts/clock "
               "({now} | {advanceSeconds} | {real: true}). Dates are RFC 3339 UTC with milliseconds."),
    "seed.default": D("Emulator() starts empty; `wixcontracts serve` starts on the shipped 'business' seed (a "
                      "studio in Dublin: 3 staff members, 3 appointment services, 2 classes, 1 course); `--seed "
                      "empty` or `--seed FILE` replace it. Seeded services, staff members and resources are checked "
                      "against the contract's response schemas (strict), so a typo in a seed is an error naming its "
                      "place. Seeding records no events."),
    "reset": D("POST /_wixcontracts/reset (and Emulator.reset()) goes back to the initial seed, scenarios and an "
               "empty event list; listeners stay registered. A body {seed, scenarios} replaces the initial ones."),
    # --- availability -------------------------------------------------------------------------------
    "slots.appointments": D("An appointment service's slots: each of its staff members offers back-to-back sessions "
                            "of the service's duration (schedule.availabilityConstraints.sessionDurations[0], else "
                            "durations[0].minutes, else 60 minutes) plus timeBetweenSessions, inside each of their "
                            "working-hour intervals (their working-hours schedule, else the business's hours), in that "
                            "schedule's time zone. A slot is one (start, end); its totalCapacity is the number of "
                            "staff members offering it, one booking each; remainingCapacity the ones still free."),
    "slots.classes": D("A class service's sessions repeat weekly as its schedule lists them (seeds: schedules[]."
                       "sessions); capacity defaultCapacity (10 when unset), shared by participants "
                       "(totalParticipants, else the sum of participantsChoices); eventId is "
                       "<scheduleId>-<YYYYMMDDThhmm>Z. A class created through createService has no sessions (Wix "
                       "creates them through the Calendar APIs, which are not part of the Bookings packages)."),
    "slots.courses": D("A course (bookedEntity.schedule) holds defaultCapacity participants in all; over that is "
                       "SCHEDULE_CAPACITY_EXCEEDED; another schedule id of a known service is SCHEDULE_NOT_FOUND.",
                       f"{_CREATE}#L300"),
    "slots.holding": D("A booking holds its capacity while its status is CREATED, PENDING or CONFIRMED; cancel and "
                       "decline give it back; reschedule moves the hold (the booking's own hold does not block its "
                       "new slot)."),
    "slots.past": D("Nothing that starts before the clock's now is listed; booking or rescheduling into it is 403 "
                    "BOOKING_POLICY_VIOLATION unless flowControlSettings.ignoreBookingWindow.", f"{_CREATE}#L293"),
    "slots.listing": D("listAvailabilityTimeSlots: serviceId, fromLocalDate and toLocalDate are required (400 "
                       "REQUIRED_FIELD; at most 62 days); full slots are listed with bookable false and "
                       "nonBookableReasons.noRemainingCapacity unless bookable: true/false filters; timeZone defaults "
                       "to the business's; availableResources lists the free staff (resourceTypeId: the emulator's "
                       "staff resource type); cursorPaging default limit 1000. A CLASS or COURSE service is 400 "
                       "(use event-time-slots). Unknown service: 404 SERVICE_NOT_FOUND; getAvailabilityTimeSlot for "
                       "no such slot: 404 SLOT_NOT_FOUND.", f"{_TS}#L1357 (ListAvailabilityTimeSlotsApplicationErrors)"),
    "slots.events": D("listEventTimeSlots lists the sessions of CLASS services (serviceIds, providerId = the "
                      "instructor's staff or resource id), bookable ones only unless includeNonBookable; "
                      "minBookableCapacity and maxSlotsPerDay apply; eventFilter is not emulated (400). "
                      "getEventTimeSlot of an unknown eventId: 404 SLOT_NOT_FOUND."),
    "slots.multi_service": D("listMultiServiceAvailabilityTimeSlots lists chains of appointment slots, one per service "
                             "in order, each starting exactly when the previous ends, every one with a free staff "
                             "member; 2 to 8 services, else 400 INVALID_SERVICES_SIZE.",
                             f"{_MS}#L1357 (ListMultiServiceAvailabilityTimeSlotsApplicationErrors)"),
    "slots.end_options": D("A service with an hourly duration range (schedule.availabilityConstraints.durationRange."
                           "hourOptions {minDurationInMinutes, maxDurationInMinutes}) offers starts every 30 minutes "
                           "inside the working hours, each lasting the minimum unless customerChoices."
                           "durationInMinutes says otherwise; listAvailabilityTimeSlotEndOptions lists, for "
                           "localStartDate, the ends min, min + 30, ... up to the maximum (maxLocalEndDate caps it "
                           "earlier, never later) that some staff member (resourceTypes[].resourceIds narrow) can "
                           "cover: totalCapacity 1, availableResources empty, the request's location echoed (without "
                           "locationType, as every time slot's: slots.location_type); "
                           "createBooking accepts such a length. Another service: 400 END_OPTIONS_NOT_SUPPORTED; "
                           "MAX_END_DATE_EXCEEDS_MAXIMUM is never answered (the typings say the maximum caps). A daily "
                           "range (dayOptions) is not modeled: its slots have the fixed length, and its end options "
                           "are 400 END_OPTIONS_NOT_SUPPORTED as the typings say. The 30-minute grid is the "
                           "emulator's choice (the typings' smallest duration).",
                           f"{_TS}#L1383 (ListAvailabilityTimeSlotEndOptionsApplicationErrors)"),
    "slots.multi_service_get": D("getMultiServiceAvailabilityTimeSlot returns the chain that starts at localStartDate "
                                 "and ends at localEndDate, also when a slot of it is full (bookable false, "
                                 "remainingCapacity 0, nonBookableReasons.noRemainingCapacity); no such chain: 404 "
                                 "SLOT_NOT_FOUND; 2 to 8 services as for the listing.",
                                 f"{_MS}#L1383 (GetMultiServiceAvailabilityTimeSlotApplicationErrors)"),
    "slots.location_type": D("Time slots leave location.locationType out, so a client can copy a slot's location "
                             "into createBooking; the scenario location-type-business puts it in (BUSINESS / CUSTOM / "
                             "CUSTOMER, as the Time Slots contract declares) and createBooking rejects it. A booking's "
                             "location type is derived from the service's location: BUSINESS→OWNER_BUSINESS, "
                             "CUSTOM→OWNER_CUSTOM, CUSTOMER→CUSTOM.",
                             "`wixcontracts lint-docs` cross-service check (lint.enum_disagreements)"),
    "availability.unknown_service": D("A booking whose service the emulator does not know (not in the state) is "
                                      "accepted without availability checks, as the emulator cannot compute its "
                                      "slots: the stateless use of the emulator (plugin tests, fuzzing) keeps "
                                      "working. Seed or create the service to get availability checks."),
    # --- createBooking ---------------------------------------------------------------------------
    "create.status": D("A new booking is CONFIRMED when flowControlSettings.skipBusinessConfirmation is true, else "
                       "CREATED. A status sent in the request is ignored.", f"{_CREATE}#L24"),
    "create.payment_status": D("Every new booking has paymentStatus UNDEFINED, whatever the request says.",
                               f"{_CREATE}#L24"),
    "create.server_fields": D("id, revision ('1'), createdDate and updatedDate are always set by the emulator; "
                              "values sent for them are ignored."),
    "create.copied_fields": D("Every other booking field of the request is stored and echoed back, except fields "
                              "the contract marks readOnly (at any depth, e.g. booking.createdBy, bookedEntity.title): "
                              "the validator only warns about them and the emulator drops them."),
    "create.derived_fields": D("For a known service the emulator writes what availability resolved: slot.serviceId, "
                               "scheduleId, startDate/endDate (RFC 3339 UTC), timezone, resource (the staff member: "
                               "id = its resourceId, name, email, scheduleId), location (the service's, as Create "
                               "Booking's Location, unless the request gave one with a locationType), eventId for a "
                               "class; bookedEntity.title (the service name) and tags (INDIVIDUAL / GROUP / COURSE); "
                               "booking startDate/endDate; doubleBooked.", f"{_CREATE}#L24"),
    "create.appointment_checks": D("Appointment: slot.startDate and endDate are required (428 VALIDATION_FAILURE), "
                                   "ISO 8601 (400 INVALID_DATE_FORMAT; without an offset they are read in "
                                   "slot.timezone), timezone an IANA name (400 INVALID_TIME_ZONE); (start, end) must "
                                   "be a slot of the service, with slot.resource.id (a staff member of the service) "
                                   "free if given, else the first free staff member in staffMemberIds order; "
                                   "otherwise 428 SLOT_NOT_AVAILABLE.", f"{_CREATE}#L289-L305"),
    "create.class_checks": D("Class: slot.eventId names the session (else the session starting at slot.startDate); "
                             "unknown → 428 SESSION_NOT_FOUND; more participants than places left → 428 "
                             "SESSION_CAPACITY_EXCEEDED; start, end, timezone, resource and location come from the "
                             "session (values sent are ignored).", f"{_CREATE}#L24, #L301, #L305"),
    "create.skip_availability": D("flowControlSettings.skipAvailabilityValidation: needs slot.resource.id (else 428 "
                                  "CAN_NOT_SKIP_AVAILABILITY_VALIDATION_IF_RESOURCE_NOT_PROVIDED); the booking is "
                                  "created even on a busy slot or a full session, with doubleBooked true.",
                                  f"{_CREATE}#L141, #L294"),
    "create.msb_info": D("createBooking with booking.multiServiceBookingInfo → 428 "
                         "CAN_NOT_CREATE_BOOKING_WITH_MULTI_SERVICE_BOOKING_INFO.", f"{_CREATE}#L295"),
    "create.form_submission": D("formSubmission is accepted; the booking gets a formSubmissionId (a new id) and its "
                                "contact details are left as sent (the form fields are not mapped). Under the "
                                "scenario form-submission-revision the id is set by a second write right after the "
                                "create (revision 2, booking_updated), the create call returning revision 1.",
                                f"{_CREATE}#L145"),
    "create.not_produced": D("CONTACT_DETAILS_CONFLICT, INVALID_CHOICES, INVALID_SERVICE_CHOICES, UNAUTHORIZED_OPERATION, "
                             "FAILED_RESOLVING_CUSTOM_CHOICES, INVALID_FLOW_SELECTED_RESOURCES, SLOT_HOLD_UNAVAILABLE "
                             "and FAILED_VALIDATING_AVAILABILITY are never produced (no forms, options, permissions or "
                             "holds are emulated)."),
    # --- single-booking writes -------------------------------------------------------------------
    "cancel.revision_source": D("revision is required by the contract (int64: digit string or integer); a missing "
                                "or malformed revision is a schema violation (400 validationError, field 'revision', "
                                "REQUIRED_FIELD / FORMAT), never an applicationError."),
    "cancel.check_order": D("Order: body/path schema → BOOKING_NOT_FOUND (404) → "
                            "NOT_ALLOWED_TO_UPDATE_BOOKING_IN_MULTI_SERVICE_BOOKING (428) → BOOKING_REVISION_MISMATCH "
                            "(428) → INVALID_BOOKING_STATUS (428).", f"{_BK}#L6719 (CancelBookingApplicationErrors)"),
    "cancel.from_statuses": D("The catalog's from_statuses is empty: any status except CANCELED may be canceled; "
                              "canceling a CANCELED booking → 428 INVALID_BOOKING_STATUS. canceledDate is set."),
    "cancel.side_effects": D("participantNotification, flowControlSettings and waiveCharges are validated and "
                             "otherwise ignored (no notifications, refunds or fees)."),
    "sdk_ops.errors": D("Operations known only from the SDK typings document no error statuses: the emulator uses "
                        "the codes their typings declare, at the statuses of errors.statuses (tolerated by the fuzz "
                        "run as known contract gap G3).", f"{_BK}#L6675 (ConfirmBookingApplicationErrors)"),
    "sdk_ops.from_statuses": D("No preconditions are documented; the emulator uses FROM_STATUSES below: confirm and "
                               "decline (single and multi-service) from CREATED/PENDING/WAITING_LIST (the set "
                               "declineMultiServiceBooking's page documents), mark as pending from CREATED/"
                               "WAITING_LIST, cancelMultiServiceBooking from any status except CANCELED. Any other "
                               "status, including the target status → 428 INVALID_BOOKING_STATUS."),
    "sdk_ops.single.check_order": D("confirmBooking / declineBooking / markBookingAsPending: body/path schema "
                                    "(revision required) → BOOKING_NOT_FOUND (404) → BOOKING_REVISION_MISMATCH (428) "
                                    "→ INVALID_BOOKING_STATUS (428); success sets the status, bumps the revision and "
                                    "returns {booking}."),
    "sdk_ops.single.fields": D("paymentStatus and doubleBooked, when given, are stored on the booking; "
                               "participantNotification, sendSmsReminder and flowControlSettings are validated and "
                               "otherwise ignored."),
    "reschedule.representable": D("A reschedule's slot (V2Slot) types some fields more loosely than the booking "
                                  "that stores them (resource.scheduleId: any text vs a GUID; totalParticipants: any "
                                  "number vs a whole number ≥ 1): a value the booking cannot hold is refused with 400 "
                                  "naming the request field; the booking's own startDate / endDate are set only from "
                                  "slot dates that are date-times."),
    "reschedule.rules": D("rescheduleBooking: BOOKING_NOT_FOUND → NOT_ALLOWED_TO_UPDATE_BOOKING_IN_MULTI_SERVICE_"
                          "BOOKING → BOOKING_REVISION_MISMATCH (the typings list no revision code; the emulator uses "
                          "the one of cancel) → the new slot checked as createBooking checks one, the booking's own "
                          "hold excluded; only CREATED / PENDING / CONFIRMED bookings move (else 428 "
                          "INVALID_BOOKING_STATUS). The status is kept (CONFIRMED with skipBusinessConfirmation); "
                          "totalParticipants / participantsChoices, when given, replace the booking's.",
                          f"{_BK}#L6593 (RescheduleBookingApplicationErrors)"),
    "participants.rules": D("updateNumberOfParticipants needs totalParticipants or participantsChoices (400 "
                            "REQUIRED_FIELD); the new count must fit the session or course (428 *_CAPACITY_EXCEEDED), "
                            "the booking's own places excluded; event booking_number_of_participants_updated.",
                            f"{_BK}#L6799 (UpdateNumberOfParticipantsApplicationErrors)"),
    "confirm_or_decline.rule": D("confirmOrDeclineBooking confirms a CREATED / PENDING / WAITING_LIST booking (it "
                                 "already holds its place), or declines it when it is doubleBooked and "
                                 "declineDoubleBooking is true; other statuses → 428 INVALID_BOOKING_STATUS; "
                                 "paymentStatus is stored.", f"{_BK}#L6079 (ConfirmOrDeclineBookingApplicationErrors)"),
    "submission.extended_fields": D("setBookingSubmissionId stores formSubmissionId; updateExtendedFields replaces "
                                    "extendedFields.namespaces[namespace] and answers {namespace, namespaceData}; both "
                                    "bump the revision (no revision is asked) and record booking_updated.",
                                    f"{_BK}#L6693 (SetBookingSubmissionIdApplicationErrors)"),
    "allowed_actions": D("A booking may be canceled and rescheduled while it is CREATED / PENDING / CONFIRMED and "
                         "has not started (a course booking is never rescheduled); bookAnother is always true; "
                         "refund (extended bookings) is false."),
    # --- bulk --------------------------------------------------------------------------------------
    "bulk.per_item": D("bulkCreateBooking, bulkCancelBooking, bulkConfirmOrDeclineBooking, "
                       "bulkCalculateAllowedActions: each item as the single operation, independently (earlier items "
                       "are committed and hold capacity); a failed item is itemMetadata {originalIndex, success: false, "
                       "error {code, description, data}}; bulkActionMetadata counts them. A booking is in 'item' only "
                       "with returnFullEntity (returnEntity for confirm-or-decline). Duplicate ids → 400 "
                       "DUPLICATE_BOOKING_IDS / DUPLICATED_BOOKINGS for the whole request; no cancellation info → 400 "
                       "MISSING_CANCELLATION_INFO; recurringCancellation cancels the bookings of the recurringGroupId "
                       "starting at or after cancellationStartDate (none: 404 RECURRING_GROUP_NOT_FOUND).",
                       f"{_BK}#L6749 (BulkCancelBookingApplicationErrors)"),
    # --- multi-service bookings ----------------------------------------------------------------------
    "decline.check_order": D("Order: body/path schema (400) → MULTI_SERVICE_BOOKING_NOT_FOUND (404) → per entry: "
                             "bookingId missing (400 REQUIRED_FIELD) / REVISION_MISSING (400) → DUPLICATE_BOOKING_INFO "
                             "(400) → BOOKING_NOT_FOUND (404) → NOT_ALL_BOOKINGS_WERE_SENT (400) → "
                             "BOOKING_REVISION_MISMATCH (428) → ALL_BOOKINGS_ARE_ALREADY_DECLINED (428) → "
                             "INVALID_BOOKING_STATUS (428)."),
    "decline.foreign_booking": D("A bookingId that exists but belongs to another (or no) multi-service booking is "
                                 "BOOKING_NOT_FOUND."),
    "decline.empty_info": D("A missing or empty declineBookingsInfo for a non-empty multi-service booking is "
                            "NOT_ALL_BOOKINGS_WERE_SENT."),
    "decline.revision_compare": D("revision may be a digit string or an integer; compared numerically."),
    "decline.partially_declined": D("If some but not all bookings are DECLINED, the request fails with "
                                    "INVALID_BOOKING_STATUS (DECLINED is not in the catalog's from_statuses)."),
    "decline.payment_status": D("paymentStatus of an entry, when given, replaces the booking's paymentStatus; "
                                "doubleBooked, when given, is stored on every declined booking."),
    "decline.response": D("Response bookings follow the multi-service booking's own order; 'booking' is included "
                          "only when returnFullEntity is true."),
    "decline.side_effects": D("flowControlSettings.withRefund and participantNotification are accepted and ignored; "
                              "SOME_BOOKINGS_UPDATES_FAILED (500) and MULTI_SERVICE_BOOKING_INCLUDES_MULTIPLE_STAFF_"
                              "MEMBERS (403) are never produced."),
    "create_msb.bookings": D("createMultiServiceBooking creates every booking as createBooking does (availability "
                             "checked, each booking seeing the places the earlier ones take) plus "
                             "multiServiceBookingInfo {id, type (when multiServiceBookingType is given)}, all or "
                             "nothing.", f"{_BK}#L6199 (CreateMultiServiceBookingApplicationErrors)"),
    "msb.consecutive": D("A SEQUENTIAL_BOOKINGS (or untyped) multi-service booking's bookings are consecutive: each "
                         "starts when the previous one ends (when both have times), else 428 VALIDATION_FAILURE "
                         "naming the booking; SEPARATE_BOOKINGS and PARALLEL_BOOKINGS are not checked. The same rule "
                         "for rescheduleMultiServiceBooking."),
    "create_msb.response": D("{'multiServiceBooking': {'id', 'bookings': [{'bookingId'}]}}, with 'booking' in each "
                             "item only when returnFullEntity is true."),
    "get_msb.response": D("getMultiServiceBooking returns {'multiServiceBooking': {'id', 'bookings': [{'bookingId', "
                          "'booking'}]}} (always the full bookings; a seeded id with no booking gets only bookingId); "
                          "'metadata' is never returned. Unknown id → 404 MULTI_SERVICE_BOOKING_NOT_FOUND."),
    "confirm_msb.info": D("confirmBookingsInfo (markAsPendingBookingsInfo) is optional. Each entry must carry "
                          "bookingId and revision (missing → 400 REQUIRED_FIELD, listed twice → 400 ruleName "
                          "'unique'); a bookingId not in the multi-service booking → 404 BOOKING_NOT_FOUND; a stale "
                          "revision → 428 BOOKING_REVISION_MISMATCH. Bookings not listed change without a revision "
                          "check.", f"{_BK}#L6337 (ConfirmMultiServiceBookingApplicationErrors)"),
    "confirm_msb.check_order": D("Order: body/path schema → MULTI_SERVICE_BOOKING_NOT_FOUND → BOOKING_NOT_FOUND (a "
                                 "member missing from the state) → entries (400) → BOOKING_NOT_FOUND → "
                                 "BOOKING_REVISION_MISMATCH → INVALID_BOOKING_STATUS; all or nothing; paymentStatus of "
                                 "an entry and doubleBooked are stored. markMultiServiceBookingAsPending: the same, to "
                                 "PENDING."),
    "cancel_msb.revision": D("cancelMultiServiceBooking's request has no revision: none is checked; every booking's "
                             "revision is bumped. All already CANCELED → 428 ALL_BOOKINGS_ARE_ALREADY_CANCELED; some "
                             "→ 428 INVALID_BOOKING_STATUS (all or nothing).",
                             f"{_BK}#L6281 (CancelMultiServiceBookingApplicationErrors)"),
    "reschedule_msb.rules": D("rescheduleMultiServiceBooking: every booking listed (NOT_ALL_BOOKINGS_WERE_SENT), "
                              "once (DUPLICATE_BOOKING_INFO), with its revision (REVISION_MISSING, "
                              "BOOKING_REVISION_MISMATCH); the new slots checked together (the members' old holds do "
                              "not block), a full one → 428 NO_OPEN_SPOTS; consecutive (msb.consecutive).",
                              f"{_BK}#L6237 (RescheduleMultiServiceBookingApplicationErrors)"),
    "msb.single_writes": D("cancelBooking and rescheduleBooking of a booking whose multiServiceBookingInfo names a "
                           "multi-service booking → 428 NOT_ALLOWED_TO_UPDATE_BOOKING_IN_MULTI_SERVICE_BOOKING (a "
                           "booking only grouped by seed() has no such info and is not refused).",
                           f"{_BK}#L6719 (CancelBookingApplicationErrors)"),
    "msb.membership": D("addBookingsToMultiServiceBooking takes CREATED / PENDING / CONFIRMED bookings that belong to "
                        "no other multi-service booking, each with its current revision "
                        "(BOOKING_ALREADY_PART_OF_ANOTHER_MULTI_SERVICE_BOOKING, MULTI_SERVICE_BOOKING_ALREADY_"
                        "INCLUDES_BOOKING, BOOKING_TO_ADD_STATUS_NOT_VALID: 428); removeBookingsFromMultiServiceBooking "
                        "takes members; both bump the revision and record booking_updated.",
                        f"{_BK}#L6429 (AddBookingsToMultiServiceBookingApplicationErrors)"),
    "msb.availability": D("getMultiServiceBookingAvailability: bookable when every booking could be booked again as "
                          "it is (its own places excluded); totalCapacity / remainingCapacity are 1 / 1 or 0."),
    # --- anonymous actions ---------------------------------------------------------------------------
    "anonymous.tokens": D("getAnonymousActionToken(ForMultiServiceBooking) returns one stable token per booking "
                          "(multi-service booking); an unknown token → 404 INVALID_TOKEN (field 'token'). With it: "
                          "getBookingAnonymously (allowedAnonymousActions from allowed_actions), getServiceAnonymously "
                          "(404 SERVICE_NOT_FOUND when the service is not known), cancelBookingAnonymously (revision "
                          "checked; 428 BOOKING_CANNOT_BE_CANCELLED when not allowed), rescheduleBookingAnonymously "
                          "(428 RESCHEDULING_NOT_ALLOWED), getMultiServiceBookingAnonymously, "
                          "cancelMultiServiceBookingAnonymously.",
                          f"{_BK}#L6095 (BookingsCancelBookingAnonymouslyApplicationErrors)"),
    # --- services, staff, resources -------------------------------------------------------------------
    "entities.update": D("updateService / updateStaffMember / updateResource: the entity's revision is required (400 "
                         "REQUIRED_FIELD <entity>.revision) and must be current (428 REVISION_MISMATCH, "
                         "data.currentRevision); with a mask (FieldMask: comma-separated, list or {paths}) only the "
                         "masked paths change, without one every top-level field sent replaces the stored one; id, "
                         "revision and dates cannot be changed.",
                         "npm:@wix/auto_sdk_bookings_services@1.0.285/build/cjs/index.typings.d.ts (updateService: "
                         "NonNullablePaths<UpdateService, `revision`>)"),
    "entities.not_found": D("An unknown id → 404 SERVICE_NOT_FOUND / STAFF_MEMBER_NOT_FOUND / RESOURCE_NOT_FOUND (the "
                            "services, staff-members and resources typings declare no application errors)."),
    "entities.events": D("create / update / delete record <fqdn>_created / _updated / _deleted (wix.bookings."
                         "services.v2.service, wix.bookings.staff.v1.staff_member, wix.bookings.resources.v2.resource); "
                         "a delete's event has no entity."),
    "services.defaults": D("createService: type defaults to APPOINTMENT, defaultCapacity to 1 (appointments) or 10, "
                           "schedule.id is created; staffMemberIds must name staff members (400, field "
                           "service.staffMemberIds[i]); staffMembers [{staffMemberId, name}] is filled in."),
    "services.delete": D("deleteService removes the service; its bookings stay as they are (and are no longer "
                         "availability-checked)."),
    "staff.resource": D("Each staff member is backed by a resource (Resources V2, the emulator's staff resource type) "
                        "whose id is its resourceId: created with it (on the business's default hours), renamed with "
                        "it, deleted with it. Deleting a staff member removes it from every service (service_updated). "
                        "Staff working hours only come from seeds (schedules[].workingHours)."),
    "staff.fields": D("The RequestedFields of the staff-member requests (fields) do not shape the response: staff "
                      "members are always returned whole."),
    "staff.name_required": D("createStaffMember needs staffMember.name; createResource needs resource.name (400 "
                             "REQUIRED_FIELD).", "npm:@wix/auto_sdk_bookings_staff-members@1.0.131/build/cjs/"
                                                 "index.typings.d.ts (createStaffMember: NonNullablePaths<StaffMember, "
                                                 "`name`>)"),
    # --- queries --------------------------------------------------------------------------------------
    "wql.operators": D("Filters: field paths (dotted; a list on the way maps over its elements) with $eq $ne $in $gt "
                       "$gte $lt $lte $exists $hasSome $hasAll $startsWith, several keys ANDed, $and / $or / $not. "
                       "On an array value, $eq $in $gt.. $startsWith match any element; a missing or null field "
                       "matches only $ne and $exists: false; date-times compare as instants; comparisons need both "
                       "sides numbers or both strings. Anything else ($regex, $nin, a non-list $in ...) → 400 "
                       "validationError naming query.filter.<field>.<operator>.",
                       "https://dev.wix.com/docs/api-reference/articles/work-with-wix-apis/data-retrieval/"
                       "about-the-wix-api-query-language"),
    "wql.fields": D("Filter, sort and fields names must be fields of the entity (its response schema): an unknown "
                    "name is 400 'unknown field' naming it. The SDK's _id / _createdDate / _updatedDate are read as "
                    "id / createdDate / updatedDate."),
    "wql.sort": D("sort [{fieldName, order: ASC|DESC}], stable; missing/null first in ASC (last in DESC), then "
                  "booleans, numbers, date-times (as instants), other strings, objects. Default: creation order; "
                  "extended bookings: createdDate DESC.", f"{_XB}#L2377 (queryExtendedBookings defaults)"),
    "wql.paging": D("paging {limit, offset} or cursorPaging {limit, cursor}, not both (400); limit 0 or absent → "
                    "50, more than 100 → 400; offset ≥ 0. A cursor carries the filter, sort and position it was made "
                    "for (a filter / sort sent with it is ignored); an invalid cursor → 400. Endpoints whose query "
                    "has only cursorPaging (staff members, resources, extended bookings) answer with cursors; "
                    "pagingMetadata keeps the fields the response contract declares (count, offset, total, "
                    "tooManyToCount, cursors, hasNext).", f"{_XB}#L2378 (cursorPaging.limit is 50)"),
    "wql.projection": D("query.fields projects each item to the listed dotted paths (id always kept) where the "
                        "query has fields (services); staff members' 'fields' are RequestedFields (staff.fields); the "
                        "deprecated extended-bookings query refuses query.fields / fieldsets (400).",
                        f"{_XB}#L2321 (query.fields and query.fieldsets aren't supported)"),
    "extended.items": D("queryExtendedBookings / query: filters and sorts name the booking's fields; each item is "
                        "{booking} plus allowedActions (withBookingAllowedActions) and attendance NOT_SET "
                        "(withBookingAttendanceInfo); the other with* flags add nothing (no orders, waivers, forms). "
                        "query's sessionId selects bookings whose slot names it. countExtendedBookings counts with the "
                        "same filters."),
    # --- events, scenarios ----------------------------------------------------------------------------
    "events.record": D("Every state change records a DomainEvent (type, entity_id, entity after the change, time, "
                       "operation, id) in Emulator.events, published after the operation commits (none for a failed "
                       "one), in change order; Emulator.on_event(callback) calls callback(event) outside the lock; a "
                       "listener's exception never undoes the change (kept in Emulator.listener_errors). Types: "
                       "booking_created, _confirmed, _declined, _canceled, _rescheduled, _updated, _markedAsPending "
                       "(sic), _number_of_participants_updated; service_*, staff_member_*, resource_* created / "
                       "updated / deleted. GET /_wixcontracts/events lists them. Emulator(max_events=N) keeps the "
                       "newest N (`serve`: 100,000).",
                       "npm:@wix/auto_sdk_bookings_bookings@1.0.241/build/cjs/index.d.ts (EventDefinition types)"),
    "scenario.form-submission-revision": D("Opt-in: see create.form_submission; the returned booking is one revision "
                                           "behind the stored one.", f"{_BK}#L5124 (SetBookingSubmissionIdRequest)"),
    "scenario.location-type-business": D("Opt-in: see slots.location_type.",
                                         "`wixcontracts lint-docs` cross-service check (lint.enum_disagreements)"),
    "scenario.eventual-consistency": D("Opt-in: queries (queryServices, queryStaffMembers, queryResources, "
                                       "queryExtendedBookings, query, the count endpoints) see a write lagSeconds "
                                       "(default 2, emulator clock) after it; reads by id are consistent; seeded "
                                       "entities are visible at once.",
                                       f"{_XB}#L2335 (Query Bookings: eventual consistency)"),
}

# Status rules for the operations whose contract has no preconditions (decision "sdk_ops.from_statuses"):
# op → (from_statuses, to_status); an empty from_statuses means "any status except to_status".
_UNDECIDED = ["CREATED", "PENDING", "WAITING_LIST"]
FROM_STATUSES: dict[str, tuple[list[str], str]] = {
    "bookings.confirmBooking": (_UNDECIDED, "CONFIRMED"),
    "bookings.declineBooking": (_UNDECIDED, "DECLINED"),
    "bookings.markBookingAsPending": (["CREATED", "WAITING_LIST"], "PENDING"),
    "bookings.confirmMultiServiceBooking": (_UNDECIDED, "CONFIRMED"),
    "bookings.markMultiServiceBookingAsPending": (["CREATED", "WAITING_LIST"], "PENDING"),
    "bookings.cancelMultiServiceBooking": ([], "CANCELED"),
}
