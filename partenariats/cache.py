"""The version of Action 1's public data (partners page, the « partenaires » block of the
territory pages): every committed change to partners, conventions, their commitments and
published figures bumps it (signals in apps.py)."""

from lib import cacheversion

VERSION_KEY = "partenariats:version"


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)
