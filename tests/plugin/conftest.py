"""The plugin's own tests run pytest inside pytest (``pytester``, registered by the root conftest)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root() -> Path:
    return ROOT


class _Server:
    """A local HTTP server on 127.0.0.1 (a thread), answering with ``answer(method, path, headers, body)``."""

    def __init__(self, answer):
        import http.server
        import threading

        outer = self
        self.requests: list[tuple[str, str, dict, bytes]] = []

        class H(http.server.BaseHTTPRequestHandler):
            def _do(self):
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                outer.requests.append((self.command, self.path, dict(self.headers), body))
                status, headers, data = answer(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _do

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def emulator_server():
    """The emulator behind a real HTTP server: what ``--wix-base-url`` answers from (a "real" source)."""
    import json

    from wixcontracts.emulator.core import Emulator

    emu = Emulator()

    def answer(method, path, headers, body):
        status, h, b = emu.handle(method, path, headers, body)
        return status, dict(h), b"" if b is None else json.dumps(b).encode()

    s = _Server(answer)
    s.emulator = emu
    yield s
    s.close()


@pytest.fixture
def echo_server():
    """Answers every request with 200 {"echo": path}."""
    import json

    s = _Server(lambda m, p, h, b: (200, {"content-type": "application/json"}, json.dumps({"echo": p}).encode()))
    yield s
    s.close()
