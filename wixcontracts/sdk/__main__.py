"""``python -m wixcontracts.sdk [SPEC|TGZ|DIR] [--internal] [--pin-latest] [--verbose]``

Without SPEC: fetches every package pinned in ``contracts/sdk-pin.json`` (one ``npm pack`` for those not
in the cache, each checked against its integrity) and prints one line per service: REST operations, or
"service plugin".  With SPEC: one package, with its operations.  ``--pin-latest`` first re-pins every
``@wix/auto_sdk_bookings_*`` package of the newest ``@wix/bookings``.  Failures print one line on stderr
and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys

from .fetch import UMBRELLA, SdkFetchError, fetch_all, fetch_package, pin_latest
from .model import SdkModelError, load_sdk_model, load_service


def _print_ops(model) -> None:
    for op in model.operations.values():
        rest = op.surfaces["rest"]
        print(f"  {rest.http_method:6} {op.name:45} {rest.url}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m wixcontracts.sdk", description=__doc__.splitlines()[0])
    ap.add_argument("spec", nargs="?", help="package@version, a local .tgz or an extracted folder (default: every pin)")
    ap.add_argument("--internal", action="store_true", help="SPEC: read the internal typings (with @internal fields)")
    ap.add_argument("--pin-latest", action="store_true", help=f"re-pin every SDK package of the newest {UMBRELLA} first")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every operation and diagnostic")
    args = ap.parse_args(argv)
    try:
        if args.pin_latest:
            pins = pin_latest()
            print(f"pinned {len(pins.packages)} packages of {pins.umbrella}")
        if args.spec:
            model = load_sdk_model(fetch_package(args.spec), internal=args.internal)
            sdk = model.sources["sdk"]
            print(f"{sdk['package']}@{sdk['version']}: {len(model.operations)} operations, {len(model.types)} types")
            _print_ops(model)
            diagnostics = model.diagnostics
        else:
            services = [load_service(d) for d in fetch_all().values()]
            diagnostics = []
            total = 0
            for s in services:
                n = len(s.model.operations)
                total += n
                what = f"{n} REST operations" if s.kind == "rest" else "service plugin"
                print(f"{s.slug:40} {s.package}@{s.version}  {what}")
                if args.verbose:
                    _print_ops(s.model)
                diagnostics += s.model.diagnostics
            print(f"{len(services)} packages, {total} REST operations")
    except (SdkFetchError, SdkModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for d in diagnostics:
        if args.verbose or d.severity != "info":
            print(f"  {d.severity}: {d.where}: {d.message}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        sys.exit(0)
