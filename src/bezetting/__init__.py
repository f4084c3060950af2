"""bezetting: open-source workforce management for customer-service teams.

The pure engines live in :mod:`bezetting.core`; everything else is an adapter around them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bezetting")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
