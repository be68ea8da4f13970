"""Every behaviour of the emulator that the Wix docs do not pin down, in one place.

Keys are stable identifiers (tests and reports may cite them); values explain the choice.
Anything the emulator does that is *not* listed here is read from the contracts
(catalog errors / preconditions, JSON Schemas)."""

DECISIONS: dict[str, str] = {
    # --- transport ---------------------------------------------------------------------------
    "body.no_content_type": "A request without Content-Type (or with any Content-Type) is parsed as JSON.",
    "body.empty": "An empty request body is treated as the empty JSON object {}; a body that is JSON null is 400 "
                  "validationError (field '', ruleName 'type'), like any other non-object body.",
    "body.invalid_json": "A body that is not JSON gets 400 with a validationError envelope (one fieldViolation, "
                         "field '', violatedRule 'OTHER') and message 'INVALID_ARGUMENT: ...'. applicationError is "
                         "not used because the documented applicationError codes are closed enums without "
                         "INVALID_ARGUMENT.",
    "route.unknown": "An unknown path gets 404 with applicationError code 'NOT_FOUND'; a known path with another "
                     "method gets 405 with an Allow header and code 'METHOD_NOT_ALLOWED'.",
    "route.raw_path": "Path parameters are matched on the raw (percent-encoded) path and decoded afterwards, so an "
                      "encoded '/' stays inside the parameter. Empty path segments still match a route and are "
                      "then rejected by the path-parameter schema.",
    "route.query": "The query string is ignored.",
    "success.status": "Every success is exactly HTTP 200 with a JSON body.",
    "auth": "By default the Authorization header is not checked. With Emulator(require_auth=True) (used by the "
            "fuzz run, `serve --require-auth`) a missing Authorization header → 401 applicationError "
            "UNAUTHENTICATED, checked after routing and before validation; its value is never verified. 401 is "
            "undocumented in the contract.",
    # --- validation ----------------------------------------------------------------------------
    "validation.scope": "Every operation's path parameters and body are validated by the validation engine "
                        "(wixcontracts.validate.Contracts.validate_request on schemas/rest/<op>.{path,request}.json, "
                        "formats enforced) before any state is read. Its errors give 400 validationError with one "
                        "fieldViolation per finding (description = the finding's message); path errors, when "
                        "present, are reported alone. Its warnings (read-only fields, fields of objects only the "
                        "engine's strict variant closes) do not fail the request.",
    "validation.field_names": "fieldViolations[].field is the finding's JSON pointer as a dotted path with [i] "
                              "for array indices, e.g. 'booking.contactDetails.email', "
                              "'declineBookingsInfo[0].revision'; for a missing required field or an undocumented "
                              "field it names that field; a one-of group violation names the object holding it.",
    "validation.violated_rule": "violatedRule maps the engine's finding rule: required/oneOf-required→"
                                "REQUIRED_FIELD, format/int64→FORMAT, minLength→MIN_LENGTH, maxLength→MAX_LENGTH, "
                                "minimum→MIN, maximum→MAX, minItems→MIN_SIZE, maxItems→MAX_SIZE, anything else "
                                "(type, enum, undocumented-field, oneOf-at-most-one, ...)→OTHER; ruleName carries "
                                "the finding rule itself.",
    # --- createBooking -------------------------------------------------------------------------
    "create.status": "A new booking is CONFIRMED when flowControlSettings.skipBusinessConfirmation is true, else "
                     "CREATED. A status sent in the request is ignored.",
    "create.server_fields": "id (uuid4), revision ('1'), createdDate and updatedDate (RFC3339 UTC with 'Z', "
                            "millisecond precision) are always set by the emulator; values sent for them are ignored.",
    "create.copied_fields": "All other booking fields of the request are stored and echoed back unchanged, except "
                            "fields the contract marks readOnly (at any depth, e.g. booking.createdBy, "
                            "bookedEntity.title): the validator only warns about them and the emulator drops them.",
    "create.business_rules": "No availability, policy, contact-conflict or time-zone checks: the documented 400/403/"
                             "428 application errors of createBooking are never produced (slice 1).",
    "create.msb": "createBooking never creates a multi-service booking; multi-service bookings only come from "
                  "seed({'multiServiceBookings': {...}}).",
    # --- declineMultiServiceBooking ------------------------------------------------------------
    "decline.check_order": "Order: body/path schema (400 validationError) → MULTI_SERVICE_BOOKING_NOT_FOUND (404) → "
                           "per entry: bookingId missing (400 validationError REQUIRED_FIELD) / REVISION_MISSING (400) "
                           "→ DUPLICATE_BOOKING_INFO (400) → BOOKING_NOT_FOUND (404) → NOT_ALL_BOOKINGS_WERE_SENT (400) "
                           "→ BOOKING_REVISION_MISMATCH (428) → ALL_BOOKINGS_ARE_ALREADY_DECLINED (428) → "
                           "INVALID_BOOKING_STATUS (428).",
    "decline.foreign_booking": "A bookingId that exists but belongs to another (or no) multi-service booking is "
                               "BOOKING_NOT_FOUND.",
    "decline.empty_info": "A missing or empty declineBookingsInfo for a non-empty multi-service booking is "
                          "NOT_ALL_BOOKINGS_WERE_SENT.",
    "decline.revision_compare": "revision may be a digit string or an integer; compared numerically.",
    "decline.partially_declined": "If some but not all bookings are DECLINED, the request fails with "
                                  "INVALID_BOOKING_STATUS (DECLINED is not in the catalog's from_statuses).",
    "decline.payment_status": "paymentStatus of an entry, when given, replaces the booking's paymentStatus; "
                              "doubleBooked, when given, is stored on every declined booking.",
    "decline.response": "Response bookings follow the multi-service booking's own order; 'booking' is included only "
                        "when returnFullEntity is true.",
    "decline.side_effects": "flowControlSettings.withRefund and participantNotification are accepted and ignored; "
                            "SOME_BOOKINGS_UPDATES_FAILED (500) and "
                            "MULTI_SERVICE_BOOKING_INCLUDES_MULTIPLE_STAFF_MEMBERS (403) are never produced.",
    # --- cancelBooking (catalog: complete since the SDK merge, but no documented errors) --------
    "cancel.revision_source": "body.revision is required by the contract (int64: digit string or integer); a "
                              "missing or malformed revision is a schema violation (400 validationError, field "
                              "'revision', REQUIRED_FIELD / FORMAT), never an applicationError.",
    "cancel.side_effects": "participantNotification, flowControlSettings (ignoreCancellationPolicy, withRefund, "
                           "waiveCancellationFee) and waiveCharges are validated and otherwise ignored.",
    "cancel.not_found": "Unknown bookingId → 404 applicationError BOOKING_NOT_FOUND (undocumented status).",
    "cancel.revision_mismatch": "Stale revision → 428 BOOKING_REVISION_MISMATCH (undocumented status).",
    "cancel.from_statuses": "The catalog's from_statuses is empty: any status except the to_status (CANCELED) may be "
                            "canceled; canceling a CANCELED booking → 428 INVALID_BOOKING_STATUS.",
    "cancel.response": "Response is {'booking': <updated booking>}, as the contract's response schema says.",
    "cancel.check_order": "Order: body/path schema → BOOKING_NOT_FOUND → "
                          "BOOKING_REVISION_MISMATCH → INVALID_BOOKING_STATUS.",
    # --- operations from the SDK typings only (no docs page, no documented error codes, no preconditions) ---
    "sdk_ops.errors": "confirmBooking, declineBooking, markBookingAsPending, createMultiServiceBooking, "
                      "getMultiServiceBooking, confirmMultiServiceBooking and cancelMultiServiceBooking document no "
                      "error codes (only 200 and the generic 400 validationError). The emulator uses the codes it "
                      "already uses for cancelBooking / declineMultiServiceBooking: 404 BOOKING_NOT_FOUND / "
                      "MULTI_SERVICE_BOOKING_NOT_FOUND, 428 BOOKING_REVISION_MISMATCH / INVALID_BOOKING_STATUS "
                      "(tolerated by the fuzz run as known contract gap G3). A 400 is always a validationError, "
                      "never an applicationError, because their OpenAPI 400 is WixValidationError only.",
    "sdk_ops.from_statuses": "No preconditions are documented; the emulator uses FROM_STATUSES below: confirm and "
                             "decline (single and multi-service) from CREATED/PENDING/WAITING_LIST (the set "
                             "declineMultiServiceBooking's page documents), markBookingAsPending from CREATED/"
                             "WAITING_LIST, cancelMultiServiceBooking from any status except CANCELED (as "
                             "cancelBooking). Any other status, including the target status → 428 "
                             "INVALID_BOOKING_STATUS.",
    "sdk_ops.single.check_order": "confirmBooking / declineBooking / markBookingAsPending: body/path schema "
                                  "(revision required int64, as cancelBooking) → BOOKING_NOT_FOUND (404) → "
                                  "BOOKING_REVISION_MISMATCH (428) → INVALID_BOOKING_STATUS (428); success sets "
                                  "the status, increments revision and returns {'booking'}.",
    "sdk_ops.single.fields": "paymentStatus and doubleBooked, when given, are stored on the booking; "
                             "participantNotification, sendSmsReminder and flowControlSettings are validated and "
                             "otherwise ignored.",
    "create_msb.bookings": "createMultiServiceBooking creates every booking of 'bookings' as createBooking does "
                           "(same server fields, read-only fields dropped, CONFIRMED when flowControlSettings."
                           "skipBusinessConfirmation else CREATED) plus multiServiceBookingInfo {id, type (when "
                           "multiServiceBookingType is given)}, and a multi-service booking (uuid4) holding them in "
                           "request order. No availability or business checks.",
    "create_msb.response": "{'multiServiceBooking': {'id', 'bookings': [{'bookingId'}]}}, with 'booking' in each "
                           "item only when returnFullEntity is true (as declineMultiServiceBooking).",
    "get_msb.response": "getMultiServiceBooking returns {'multiServiceBooking': {'id', 'bookings': [{'bookingId', "
                        "'booking'}]}} (always the full bookings; a seeded id with no booking gets only bookingId); "
                        "'metadata' is never returned. Unknown id → 404 MULTI_SERVICE_BOOKING_NOT_FOUND.",
    "confirm_msb.info": "confirmBookingsInfo is optional. Each entry must carry bookingId and revision (missing → "
                        "400 validationError REQUIRED_FIELD, listed twice → 400 validationError, ruleName "
                        "'unique'); a bookingId not in the multi-service booking → 404 BOOKING_NOT_FOUND; a stale "
                        "revision → 428 BOOKING_REVISION_MISMATCH. Bookings not listed are confirmed without a "
                        "revision check (the contract does not require the list, and the derived link from "
                        "createMultiServiceBooking can only supply the id).",
    "confirm_msb.check_order": "Order: body/path schema → MULTI_SERVICE_BOOKING_NOT_FOUND → entries (400) → "
                               "BOOKING_NOT_FOUND → BOOKING_REVISION_MISMATCH → INVALID_BOOKING_STATUS; all or "
                               "nothing. paymentStatus of an entry and doubleBooked are stored; response as "
                               "declineMultiServiceBooking.",
    "cancel_msb.revision": "cancelMultiServiceBooking's request has no revision: none is checked; every booking's "
                           "revision is incremented. Order: MULTI_SERVICE_BOOKING_NOT_FOUND → INVALID_BOOKING_STATUS "
                           "(any booking already CANCELED; all or nothing). Response as declineMultiServiceBooking.",
    # --- state -------------------------------------------------------------------------------
    "state.shape": "State is {'bookings': {id: booking}, 'multiServiceBookings': {id: [bookingId, ...]}}; seed() "
                   "accepts that shape (revisions may be ints) and also a list of bookings / of "
                   "{'id','bookings':[{'bookingId'}|id]} objects.",
    "state.atomicity": "One lock serialises every write; a request either applies all its changes or none.",
    "state.revision": "Every successful write sets revision to previous+1 and updatedDate to the clock.",
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
