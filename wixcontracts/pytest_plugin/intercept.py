"""Client adapters: every client a Python integration uses gets the same exchange.

* **httpx** (``Client`` and ``AsyncClient``): a respx router (``wix_api.router``, base URL
  ``https://www.wixapis.com``).  Routes you add to it answer first; then every request to a Wix host
  goes through ``WixApi.exchange``; a request to any other host passes through to the network untouched
  (or to the next respx router, when your own ``respx_mock`` is active too).
* **requests**: ``HTTPAdapter.send`` is wrapped (as the ``responses`` library does): a request to a Wix
  host goes through the same exchange and comes back as a real ``requests.Response``; any other host is
  sent as usual.
* everything else: the network guard (``guard``)."""

from __future__ import annotations

import io

from .core import BASE_URL, Outcome, WixApi, is_wix_host

_REQUESTS_ORIG = None
_ACTIVE: list[WixApi] = []


def _active() -> WixApi | None:
    return _ACTIVE[-1] if _ACTIVE else None


# ------------------------------------------------------------------------------------------ httpx
def _httpx_response(out: Outcome, request):
    import httpx

    if out.kind == "respond":
        return httpx.Response(out.status, headers=out.headers, content=out.content, request=request)
    if out.kind == "timeout":
        raise httpx.ReadTimeout("The read operation timed out (injected by wix_api.timeout)", request=request)
    if out.kind == "disconnect":
        raise httpx.RemoteProtocolError("Server disconnected without sending a response "
                                        "(injected by wix_api.disconnect)", request=request)
    raise out.error  # type: ignore[misc]


def make_router(api: WixApi):
    import httpx
    import respx

    def side_effect(request: httpx.Request):
        out = api.exchange(request.method, str(request.url), {k.lower(): v for k, v in request.headers.items()},
                           request.content, request=request, client="httpx")
        if out.kind == "passthrough":
            status, headers, data = api.forward_raw(request.method, str(request.url), dict(request.headers),
                                                    request.content, out.target)
            resp = httpx.Response(status, headers=headers, content=data, request=request)
        else:
            resp = _httpx_response(out, request)
        if out.call is not None:
            out.call.response = resp
        return resp

    class WixRouter(respx.MockRouter):
        """User routes first, then the contract check for Wix hosts, then pass-through."""

        def _fallback(self, request):
            if is_wix_host(request.url.host):
                return self._wix_route
            mocker = getattr(self, "Mocker", None)
            routers = list(getattr(mocker, "routers", []) or [])
            if self in routers and routers.index(self) < len(routers) - 1:
                return None  # another respx router decides (or raises "not mocked")
            return self._pass_route

        def resolve(self, request):
            with self.resolver(request) as resolved:
                for route in list(self.routes) + [None]:
                    route = route if route is not None else self._fallback(request)
                    if route is None:
                        break
                    prospect = route.match(request)
                    if prospect is not None:
                        resolved.route = route
                        resolved.response = prospect
                        break
            if resolved.response is not None and isinstance(resolved.response, httpx.Response) \
                    and isinstance(resolved.response.stream, httpx.ByteStream):
                resolved.response.read()
            return resolved

        async def aresolve(self, request):
            import inspect

            from respx.models import SideEffectError

            with self.resolver(request) as resolved:
                for route in list(self.routes) + [None]:
                    route = route if route is not None else self._fallback(request)
                    if route is None:
                        break
                    prospect = route.match(request)
                    if inspect.isawaitable(prospect):
                        try:
                            prospect = await prospect
                        except Exception as error:
                            raise SideEffectError(route, origin=error) from error
                    if prospect is not None:
                        resolved.route = route
                        resolved.response = prospect
                        break
            if resolved.response is not None and isinstance(resolved.response, httpx.Response) \
                    and isinstance(resolved.response.stream, httpx.ByteStream):
                await resolved.response.aread()
            return resolved

    router = WixRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)
    router._wix_route = respx.Route().mock(side_effect=side_effect)
    router._pass_route = respx.Route().pass_through()
    return router


# ------------------------------------------------------------------------------------------ requests
def _requests_send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
    from urllib.parse import urlsplit

    api = _active()
    host = urlsplit(request.url).hostname
    if api is None or not is_wix_host(host):
        return _REQUESTS_ORIG(self, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                              proxies=proxies)
    import requests
    from urllib3.response import HTTPResponse

    body = request.body
    if body is None:
        content = b""
    elif isinstance(body, str):
        content = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray)):
        content = bytes(body)
    elif hasattr(body, "read"):
        content = body.read()
        content = content.encode() if isinstance(content, str) else content
    else:  # an iterable of chunks
        content = b"".join(c.encode() if isinstance(c, str) else c for c in body)
    headers = {str(k).lower(): v for k, v in request.headers.items()}
    out = api.exchange(request.method, request.url, headers, content, request=request, client="requests")
    if out.kind == "passthrough":
        status, rh, data = api.forward_raw(request.method, request.url, dict(request.headers), content, out.target)
        out = Outcome("respond", status, rh, data, out.call)
    if out.kind == "timeout":
        raise requests.exceptions.ReadTimeout("Read timed out (injected by wix_api.timeout)", request=request)
    if out.kind == "disconnect":
        raise requests.exceptions.ConnectionError(
            "Connection aborted: RemoteDisconnected('Remote end closed connection without response') "
            "(injected by wix_api.disconnect)", request=request)
    if out.kind == "violation":
        raise out.error  # type: ignore[misc]
    from http.client import responses as reasons

    raw = HTTPResponse(body=io.BytesIO(out.content), headers=out.headers, status=out.status,
                       reason=reasons.get(out.status, ""), preload_content=False, decode_content=False)
    resp = self.build_response(request, raw)
    if not stream:
        resp.content  # noqa: B018 - read now, as the real adapter's callers expect
    if out.call is not None:
        out.call.response = resp
    return resp


def start_requests(api: WixApi) -> None:
    global _REQUESTS_ORIG
    _ACTIVE.append(api)
    if _REQUESTS_ORIG is not None:
        return
    try:
        from requests.adapters import HTTPAdapter
    except ImportError:  # requests is optional: nothing to intercept
        return
    _REQUESTS_ORIG = HTTPAdapter.send
    HTTPAdapter.send = _requests_send


def stop_requests(api: WixApi) -> None:
    global _REQUESTS_ORIG
    if api in _ACTIVE:
        _ACTIVE.remove(api)
    if _ACTIVE or _REQUESTS_ORIG is None:
        return
    from requests.adapters import HTTPAdapter

    HTTPAdapter.send = _REQUESTS_ORIG
    _REQUESTS_ORIG = None
