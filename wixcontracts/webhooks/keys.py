"""A test RSA key pair to sign deliveries with, kept outside any repository.

The pair lives in the user cache: ``$WIXCONTRACTS_CACHE/webhooks/`` when that variable is
set, else ``~/.cache/wixcontracts/webhooks/``.  The private key file is created atomically
(written to a temporary file opened ``O_EXCL`` with mode 0600, then hard-linked into place,
so two processes never see a half-written key and never overwrite each other's); the public
key is derived from it every time, and also written beside it for other tools.

    python -m wixcontracts.webhooks.keys          # prints the public PEM (creates the pair once)
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import WebhookError

KEY_BITS = 2048
DEFAULT_NAME = "test"


@dataclass(frozen=True)
class KeyPair:
    private_pem: bytes
    public_pem: str
    private_path: Path | None = None
    public_path: Path | None = None

    @property
    def kid(self) -> str:
        """A short key ID (SHA-256 of the public key), as a JWT ``kid`` header."""
        return hashlib.sha256(self.public_pem.encode("ascii")).hexdigest()[:16]


def cache_dir() -> Path:
    env = os.environ.get("WIXCONTRACTS_CACHE")
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "wixcontracts"
    return base / "webhooks"


def generate() -> KeyPair:
    """A fresh in-memory pair (nothing written)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return KeyPair(private_pem, _public_pem(key))


def _public_pem(private_key) -> str:
    from cryptography.hazmat.primitives import serialization

    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _write_new(path: Path, data: bytes, mode: int) -> bool:
    """Create ``path`` with ``data`` atomically; False when it already exists."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    try:
        if mode != 0o600 and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here: a rename, unless someone was faster
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _safe_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise WebhookError(f"key name {name!r}: use letters, digits, '-' and '_' only")
    return name


def cached_key_pair(name: str = DEFAULT_NAME, *, directory: Path | None = None, create: bool = True) -> KeyPair:
    """The cached test pair ``name`` (created on first use unless ``create=False``)."""
    from .jwt import private_key_from_pem

    folder = Path(directory) if directory is not None else cache_dir()
    private_path = folder / f"{_safe_name(name)}.private.pem"
    public_path = folder / f"{name}.public.pem"
    try:
        if not private_path.exists():
            if not create:
                raise WebhookError(f"{private_path}: no test key yet (create=True makes one)")
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_new(private_path, generate().private_pem, 0o600)  # a concurrent writer may win: read theirs
        data = private_path.read_bytes()
    except OSError as exc:
        raise WebhookError(f"{private_path}: cannot create or read the test key ({exc.strerror or exc})") from None
    try:
        key = private_key_from_pem(data)
    except (ValueError, TypeError):
        raise WebhookError(f"{private_path}: not an unencrypted PEM private key (delete it to make a new one)") from None
    public = _public_pem(key)
    try:
        if not public_path.exists() or public_path.read_text(encoding="ascii") != public:
            _replace(public_path, public.encode("ascii"), 0o644)
    except OSError:
        public_path = None  # the private key is what matters; the public copy is a convenience
    return KeyPair(data, public, private_path, public_path)


def _replace(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    try:
        if mode != 0o600 and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else DEFAULT_NAME
    try:
        pair = cached_key_pair(name)
    except WebhookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"# private key (mode 0600): {pair.private_path}", file=sys.stderr)
    sys.stdout.write(pair.public_pem)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
