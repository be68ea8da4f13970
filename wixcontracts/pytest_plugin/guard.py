"""The network guard: while a ``wix_api`` test runs, no connection to a Wix host (``*.wixapis.com``,
``*.wix.com``) leaves the process except through the plugin.

httpx and requests are intercepted above the socket layer (``intercept``); any other client —
``urllib``, ``http.client``, aiohttp, asyncio streams, a raw ``socket`` — reaches ``socket.getaddrinfo``
or ``socket.socket.connect`` with a Wix host name, and is refused there with ``WixNetworkBlocked``
(an ``OSError``, so the client reports it as a connection failure) *and* a violation that fails the
test even if the code swallows the error.  ``--wix-allow-network`` turns the guard off.  The plugin's
own forwarding (``--wix-live``, ``--wix-base-url``, ``passthrough``) runs inside ``allowed()``."""

from __future__ import annotations

import contextlib
import socket
import threading

from .core import is_wix_host

_local = threading.local()
_orig: dict = {}
_on_block = None  # callable(host, port, how) -> str (the message), set by ``install``


class WixNetworkBlocked(ConnectionRefusedError):
    """A connection to a Wix host that the plugin did not make."""


@contextlib.contextmanager
def allowed():
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


def _blocked(host, port, how: str):
    if getattr(_local, "depth", 0) or not isinstance(host, (str, bytes)):
        return
    h = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    if not is_wix_host(h):
        return
    msg = _on_block(h, port, how) if _on_block else f"connection to {h}:{port} blocked by wixcontracts"
    raise WixNetworkBlocked(msg)


def _getaddrinfo(host, port, *args, **kw):
    _blocked(host, port, "getaddrinfo")
    return _orig["getaddrinfo"](host, port, *args, **kw)


def _connect(self, address):
    if isinstance(address, tuple) and address:
        _blocked(address[0], address[1] if len(address) > 1 else None, "connect")
    return _orig["connect"](self, address)


def _connect_ex(self, address):
    if isinstance(address, tuple) and address:
        _blocked(address[0], address[1] if len(address) > 1 else None, "connect")
    return _orig["connect_ex"](self, address)


def install(on_block) -> None:
    global _on_block
    _on_block = on_block
    if _orig:
        return
    _orig.update(getaddrinfo=socket.getaddrinfo, connect=socket.socket.connect, connect_ex=socket.socket.connect_ex)
    socket.getaddrinfo = _getaddrinfo
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex


def uninstall() -> None:
    global _on_block
    _on_block = None
    if not _orig:
        return
    socket.getaddrinfo = _orig["getaddrinfo"]
    socket.socket.connect = _orig["connect"]
    socket.socket.connect_ex = _orig["connect_ex"]
    _orig.clear()
