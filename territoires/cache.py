"""The version of Action 2's public data (plan pages, the « plan et politiques » block of
the territory pages): every committed change to plans, axes, actions, indicators, their
values and policies bumps it (signals in apps.py)."""

from lib import cacheversion

VERSION_KEY = "territoires:version"


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)
