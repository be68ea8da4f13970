"""Importer for Wix's JavaScript SDK package (typings + REST wiring) into the IR.

    pkg = fetch_package()                  # the pin in contracts/sdk-pin.json
    model = load_sdk_model(pkg)            # ApiModel with origins {"sdk"}
"""

from .fetch import SdkFetchError, fetch_package
from .model import SdkModelError, load_sdk_model

__all__ = ["SdkFetchError", "SdkModelError", "fetch_package", "load_sdk_model"]
