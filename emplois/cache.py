"""The version of the offers' public data: part of the key of every cached search summary
(total and facet counts). Every committed change to an offer bumps it (signals connected
by `connect_signals()`, from the app's `ready()`); the local day is part of the keys as
well, since an offer leaves the list the day after its closing date with no write.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from lib import cacheversion

VERSION_KEY = "emplois:offres:version"


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def _bump_on_commit(sender, **kwargs) -> None:
    transaction.on_commit(bump_version)


def connect_signals() -> None:
    from emplois.models import Offer

    post_save.connect(_bump_on_commit, sender=Offer, dispatch_uid="emplois-offer-version-save")
    post_delete.connect(_bump_on_commit, sender=Offer, dispatch_uid="emplois-offer-version-delete")
    _connect_metiers_signals()


# --- The métiers de l'ESS ------------------------------------------------------------------------
# The list's options hold each family's ROME fiches: a change by staff re-keys them, and the
# search summaries too (their counts by family).
METIERS_VERSION_KEY = "emplois:metiers:version"


def metiers_version() -> int:
    return cacheversion.current(METIERS_VERSION_KEY)


def _bump_metiers() -> None:
    cacheversion.bump(METIERS_VERSION_KEY)
    bump_version()


def _bump_metiers_on_commit(sender, **kwargs) -> None:
    transaction.on_commit(_bump_metiers)


def _connect_metiers_signals() -> None:
    from emplois.models import MetierFamily

    post_save.connect(_bump_metiers_on_commit, sender=MetierFamily, dispatch_uid="emplois-metiers-version")
    m2m_changed.connect(
        _bump_metiers_on_commit, sender=MetierFamily.rome_fiches.through, dispatch_uid="emplois-metiers-fiches"
    )
