"""Private links: minted when an email leaves, never kept readable in the database.

An email that opens a private page (a holder's tracking page, a structure's orientation,
a password reset, a claim confirmation…) does not hold its link in the outbox. The email's
context names a *builder* instead (`private_link("accueil.suivi", intake=12)`); the
template renders a placeholder, the outbox row keeps the builder's name and parameters,
and the builder mints a fresh link at the moment the message is handed to the mail
server. So an insider reading the outbox finds nothing that opens anything, and a resend
carries a new link.

Builders are registered by the app that owns the page, in its `AppConfig.ready()`; a
builder mints whatever its page checks: a random token stored here hashed
(`issue_token` / `resolve_token`), or a signed token that needs no storage.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lib.tokens import new_token, token_hash
from messagerie.models import PrivateLink

PLACEHOLDER = "[[lien-personnel:{key}]]"
PLACEHOLDER_PATTERN = re.compile(r"\[\[lien-personnel:([\w-]+)\]\]")


class LinkUnavailable(Exception):
    """The page the link would open is gone or closed: the message cannot be sent."""


@dataclass(frozen=True)
class LinkRequest:
    """What an email's context holds instead of a private link."""

    builder: str
    params: dict = field(default_factory=dict)


LinkBuilder = Callable[..., str]
_BUILDERS: dict[str, LinkBuilder] = {}


def register_link_builder(name: str, builder: LinkBuilder) -> None:
    """`builder(**params)` returns an absolute URL holding a fresh secret, or raises
    LinkUnavailable. Called once per message sent, inside the sending worker."""
    _BUILDERS[name] = builder


def private_link(builder: str, **params) -> LinkRequest:
    """A private link to put in an email's context; `params` must be JSON values."""
    if builder not in _BUILDERS:
        raise LookupError(f"No private link builder named {builder!r}.")
    return LinkRequest(builder=builder, params=params)


def extract_links(context: dict) -> tuple[dict, dict]:
    """Split an email context into (context with placeholders, links to store)."""
    links, rendered = {}, {}
    for key, value in context.items():
        if isinstance(value, LinkRequest):
            links[key] = {"builder": value.builder, "params": value.params}
            value = PLACEHOLDER.format(key=key)
        rendered[key] = value
    return rendered, links


def mint_links(links: dict) -> dict[str, str]:
    """One fresh URL per stored link request. Raises LinkUnavailable."""
    urls = {}
    for key, spec in links.items():
        builder = _BUILDERS.get(spec["builder"])
        if builder is None:
            raise LinkUnavailable(f"Aucun fabricant de lien « {spec['builder']} ».")
        urls[key] = builder(**spec["params"])
    return urls


def fill_links(text: str, urls: dict[str, str], *, escape: bool = False) -> str:
    """Put the minted URLs in place of their placeholders (HTML-escaped for HTML bodies)."""

    def replace(match):
        url = urls.get(match.group(1), "")
        return html.escape(url) if escape else url

    return PLACEHOLDER_PATTERN.sub(replace, text)


# --- Tokens stored hashed -----------------------------------------------------------------


def issue_token(*, purpose: str, object_id: int, expires_at: datetime, supersedes: bool = False) -> str:
    """A new random token opening `object_id` for `purpose` until `expires_at`.

    Only its hash is stored. With `supersedes`, the first use of this token ends the
    older tokens of the same object: a renewal asked by anyone who knows an email
    address does not cut the holder off until the holder opens the new link.
    """
    token, stored = new_token()
    PrivateLink.objects.create(
        purpose=purpose, object_id=object_id, token_hash=stored, expires_at=expires_at, supersedes=supersedes
    )
    return token


def resolve_token(*, purpose: str, token: str) -> int | None:
    """The object a live token opens for `purpose`, or None (unknown, expired, superseded)."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    link = PrivateLink.objects.filter(purpose=purpose, token_hash=token_hash(token), expires_at__gt=now).first()
    if link is None:
        return None
    if link.first_used_at is None:
        with transaction.atomic():
            updated = PrivateLink.objects.filter(pk=link.pk, first_used_at__isnull=True).update(first_used_at=now)
            if updated and link.supersedes:
                PrivateLink.objects.filter(
                    purpose=purpose, object_id=link.object_id, created_at__lt=link.created_at, expires_at__gt=now
                ).update(expires_at=now)
    return link.object_id


def expire_tokens(*, purpose: str, object_id: int, at: datetime | None = None) -> int:
    """End the live tokens of an object at `at` (now by default), never later than planned."""
    at = at or timezone.now()
    return PrivateLink.objects.filter(purpose=purpose, object_id=object_id, expires_at__gt=at).update(expires_at=at)


def purge_expired_tokens(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete the hashes of tokens expired for a while. Returns how many."""
    deleted, _ = PrivateLink.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
