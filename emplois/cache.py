"""The version of the offers' public data: part of the key of every cached search summary
(total and facet counts). Every committed change to an offer bumps it (signals connected
by `connect_signals()`, from the app's `ready()`); the local day is part of the keys as
well, since an offer leaves the list the day after its closing date with no write.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

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
