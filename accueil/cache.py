"""The version of the intake's public figures (the « accompagnement » block of the
territory pages): every committed write to a request or an orientation bumps it (signals
in apps.py). One counter in the cache: cheap, even on the busiest write path."""

from lib import cacheversion

VERSION_KEY = "accueil:version"


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)
