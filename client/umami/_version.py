"""The installed version of this distribution."""

from importlib import metadata

DISTRIBUTION_NAME = "umami"

try:
    __version__: str = metadata.version(DISTRIBUTION_NAME)
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
