"""``python -m wixcontracts.sdk [SPEC|TGZ|DIR] [--internal] [--pin-latest]``

Fetches (default: the pinned package), imports it and prints a short summary:
operation count and names, type count, diagnostics.  Failures print one line on
stderr and exit with status 2.  ``--pin-latest`` rewrites ``contracts/sdk-pin.json``
with the newest published version first.
"""

from __future__ import annotations

import argparse
import sys

from .fetch import DEFAULT_PACKAGE, SdkFetchError, fetch_package, pin_latest
from .model import SdkModelError, load_sdk_model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m wixcontracts.sdk", description=__doc__.splitlines()[0])
    ap.add_argument("spec", nargs="?", help="package@version, a local .tgz or an extracted folder (default: the pin)")
    ap.add_argument("--internal", action="store_true", help="read the internal typings (with @internal fields)")
    ap.add_argument("--pin-latest", action="store_true", help=f"pin the newest {DEFAULT_PACKAGE} first")
    args = ap.parse_args(argv)
    try:
        if args.pin_latest:
            pin = pin_latest()
            print(f"pinned {pin.spec} {pin.integrity}")
        pkg = fetch_package(args.spec)
        model = load_sdk_model(pkg, internal=args.internal)
    except (SdkFetchError, SdkModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sdk = model.sources["sdk"]
    print(f"{sdk['package']}@{sdk['version']}: {len(model.operations)} operations, {len(model.types)} types")
    for op in model.operations.values():
        rest = op.surfaces["rest"]
        print(f"  {rest.http_method:6} {op.name:45} {rest.url}")
    for d in model.diagnostics:
        print(f"  {d.severity}: {d.where}: {d.message}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        sys.exit(0)
