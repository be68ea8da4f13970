"""A small integrator client for the Wix Bookings REST API (the code under test in this example)."""

from __future__ import annotations

from typing import Any

import httpx

BASE_URL = "https://www.wixapis.com"


class BookingError(Exception):
    def __init__(self, status: int, code: str | None, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code = status, code


class BookingsClient:
    def __init__(self, api_key: str, site_id: str, client: httpx.Client | None = None):
        self.http = client or httpx.Client(base_url=BASE_URL, timeout=10)
        self.headers = {"Authorization": api_key, "wix-site-id": site_id}

    def _post(self, path: str, body: dict) -> dict:
        r = self.http.post(path, json=body, headers=self.headers)
        if r.status_code >= 400:
            data = r.json() if r.content else {}
            code = ((data.get("details") or {}).get("applicationError") or {}).get("code")
            raise BookingError(r.status_code, code, data.get("message", r.reason_phrase))
        return r.json()

    def create_booking(self, service_id: str, schedule_id: str, start: str, end: str, *,
                       email: str | None = None, first_name: str | None = None) -> dict:
        contact = {k: v for k, v in (("email", email), ("firstName", first_name)) if v}
        booking: dict[str, Any] = {"bookedEntity": {"slot": {"serviceId": service_id, "scheduleId": schedule_id,
                                                              "startDate": start, "endDate": end}},
                                   "totalParticipants": 1}
        if contact:
            booking["contactDetails"] = contact
        return self._post("/bookings/v2/bookings", {"booking": booking})["booking"]

    def cancel_booking(self, booking_id: str, revision: str | int) -> dict:
        return self._post(f"/bookings/v2/bookings/{booking_id}/cancel", {"revision": str(revision)})["booking"]

    def decline_multi_service_booking(self, msb_id: str, bookings: list[tuple[str, str | int]], *,
                                      notify: bool = True) -> dict:
        body = {"declineBookingsInfo": [{"bookingId": b, "revision": str(r)} for b, r in bookings],
                "participantNotification": {"notifyParticipants": notify}, "returnFullEntity": True}
        return self._post(f"/bookings/multiServiceBookings/v2/multi_service_bookings/{msb_id}/decline", body)["multiServiceBooking"]

    def decline_safely(self, msb_id: str, bookings: list[tuple[str, str | int]]) -> str:
        """Swallows every error (to show the plugin still fails the test on a contract violation)."""
        try:
            self.decline_multi_service_booking(msb_id, bookings)
            return "declined"
        except Exception:  # noqa: BLE001 - deliberately broad
            return "failed"


class RequestsBookingsClient:
    """The same calls through ``requests``, retrying once on a timeout or a 429/503 (honouring Retry-After)."""

    def __init__(self, api_key: str, site_id: str, sleep=lambda s: None):
        import requests

        self.session = requests.Session()
        self.session.headers.update({"Authorization": api_key, "wix-site-id": site_id})
        self.sleep = sleep

    def cancel_booking(self, booking_id: str, revision: str | int) -> dict:
        import requests

        url = f"{BASE_URL}/bookings/v2/bookings/{booking_id}/cancel"
        for attempt in (1, 2):
            try:
                r = self.session.post(url, json={"revision": str(revision)}, timeout=10)
            except (requests.Timeout, requests.ConnectionError):
                if attempt == 2:
                    raise
                continue
            if r.status_code in (429, 503) and attempt == 1:
                self.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            if r.status_code >= 400:
                code = ((r.json().get("details") or {}).get("applicationError") or {}).get("code")
                raise BookingError(r.status_code, code, r.json().get("message", r.reason))
            return r.json()["booking"]
        raise AssertionError("unreachable")


class AsyncBookingsClient:
    def __init__(self, api_key: str, site_id: str):
        self.http = httpx.AsyncClient(base_url=BASE_URL, timeout=10)
        self.headers = {"Authorization": api_key, "wix-site-id": site_id}

    async def cancel_booking(self, booking_id: str, revision: str | int) -> dict:
        r = await self.http.post(f"/bookings/v2/bookings/{booking_id}/cancel", json={"revision": str(revision)},
                                 headers=self.headers)
        r.raise_for_status()
        return r.json()["booking"]

    async def aclose(self) -> None:
        await self.http.aclose()
