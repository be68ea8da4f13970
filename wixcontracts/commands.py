"""Every command of the CLI, each in the module beside its feature; importing this module registers
them on ``wixcontracts.cli.app`` (the app does it itself the first time its command list is read)."""

from . import build_cli  # noqa: F401  build
from . import catalog_cli  # noqa: F401  ops, schema, explain
from .validate import cli as _validate  # noqa: F401  validate
from .emulator import serve as _serve  # noqa: F401  serve
from . import fuzz_cli  # noqa: F401  fuzz
from . import lint_cli  # noqa: F401  lint-docs
from . import check_cli  # noqa: F401  check
from .fixtures import cli as _fixtures  # noqa: F401  fixtures check
from .drift import cli as _drift  # noqa: F401  drift, diff, nightly
from .live import cli as _live  # noqa: F401  live run
from .docsfetch import cli as _docsfetch  # noqa: F401  docs fetch
from .webhooks import cli as _webhooks  # noqa: F401  webhook list|key|build|send, spi test
from . import init_cmd  # noqa: F401  init
