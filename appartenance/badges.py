"""The membership badge: who has one, its state, its address and its images.

An organisation of the directory gets a badge when it is a member of the CRESS for the
year (`Membership` in a MEMBER_STATES state) or when staff verified its ESS status
(`EssVerification`). Its address is `<organisation id>-<version>-<signature>`: the signature
is Django's signing (SECRET_KEY, salted) of the id and the version of its `BadgeKey`, so the
address is stable, cannot be guessed, and nothing secret rests in the database. Revoking
raises the version: the older addresses still verify as signed by us and answer « révoqué ».
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.signing import Signer
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from annuaire.models import Organisation
from appartenance.models_badges import MEMBER_STATES, BadgeKey, EssVerification, Membership

SIGNER = Signer(salt="appartenance.badge")
ISSUER = "la CRESS Réunion"
HEADLINE = "Entreprise de l'ESS"


class BadgeState(models.TextChoices):
    VALID = "valide", "Valide"
    EXPIRED = "expire", "Expiré"
    REVOKED = "revoque", "Révoqué"


# The badge's background (white text on it, contrast ≥ 4.5:1), in the SVG and the PNG.
COLOURS = {BadgeState.VALID: "#0b6e4f", BadgeState.EXPIRED: "#5c636a", BadgeState.REVOKED: "#8a1c1c"}


@dataclass(frozen=True)
class Badge:
    organisation: Organisation
    state: BadgeState
    token: str
    checked_on: date
    year: int | None = None  # the membership's year; None for a verified ESS status
    verified_on: date | None = None

    @property
    def line(self) -> str:
        """The badge's second line, after « Entreprise de l'ESS »."""
        if self.state == BadgeState.REVOKED:
            return f"badge révoqué par {ISSUER}"
        if self.year is None:
            return f"statut vérifié par {ISSUER}"
        if self.state == BadgeState.EXPIRED:
            return f"adhésion {self.year} à {ISSUER} échue"
        return f"adhérente de {ISSUER} {self.year}"

    @property
    def text(self) -> str:
        return f"{HEADLINE} — {self.line}"

    @property
    def svg_url(self) -> str:
        return reverse("appartenance:badge-svg", args=[self.token])

    @property
    def png_url(self) -> str:
        return reverse("appartenance:badge-png", args=[self.token])

    @property
    def verification_url(self) -> str:
        return reverse("appartenance:badge-verification", args=[self.token])

    @property
    def colour(self) -> str:
        return COLOURS[self.state]

    @property
    def etag(self) -> str:
        digest = hashlib.sha256(f"{self.token}|{self.state}|{self.text}".encode()).hexdigest()[:32]
        return f'"{digest}"'


def badge_token(organisation_id: int, version: int) -> str:
    value = f"{organisation_id}-{version}"
    return f"{value}-{SIGNER.signature(value)}"


def _parse_token(token: str) -> tuple[int, int] | None:
    """The organisation id and version a token was signed for, or None if we did not sign it."""
    parts = token.split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 12:
        return None
    value = f"{parts[0]}-{parts[1]}"
    if not constant_time_compare(parts[2], SIGNER.signature(value)):
        return None
    return int(parts[0]), int(parts[1])


def _version(organisation: Organisation) -> int:
    try:
        return organisation.badge_key.version
    except BadgeKey.DoesNotExist:
        return 1


def _verified_on(organisation: Organisation) -> date | None:
    try:
        return organisation.ess_verification.verified_on
    except EssVerification.DoesNotExist:
        return None


def _member_years(organisation_ids) -> dict[int, list[int]]:
    years: dict[int, list[int]] = {}
    rows = Membership.objects.filter(organisation_id__in=organisation_ids, state__in=MEMBER_STATES)
    for organisation_id, year in rows.order_by("-year").values_list("organisation_id", "year"):
        years.setdefault(organisation_id, []).append(year)
    return years


def _state(organisation: Organisation, years: list[int], version: int, today: date) -> Badge | None:
    """The badge an address of `version` shows today, or None if the organisation never had one."""
    token = badge_token(organisation.pk, version)
    verified_on = _verified_on(organisation)
    past = [year for year in years if year <= today.year]
    if version < _version(organisation):
        return Badge(organisation, BadgeState.REVOKED, token, today, past[0] if past else None, verified_on)
    if not past and verified_on is None:
        return None
    if past and past[0] == today.year:
        return Badge(organisation, BadgeState.VALID, token, today, today.year, verified_on)
    if verified_on is not None:
        return Badge(organisation, BadgeState.VALID, token, today, None, verified_on)
    return Badge(organisation, BadgeState.EXPIRED, token, today, past[0], verified_on)


def _organisations():
    return Organisation.objects.select_related("badge_key", "ess_verification")


def badge_for_token(token: str, *, today: date | None = None) -> Badge | None:
    """The badge an address shows (two queries), or None for an address we never gave out."""
    parsed = _parse_token(token)
    if parsed is None:
        return None
    organisation_id, version = parsed
    organisation = _organisations().filter(pk=organisation_id).first()
    if organisation is None or version > _version(organisation):
        return None
    today = today or timezone.localdate()
    return _state(organisation, _member_years([organisation.pk]).get(organisation.pk, []), version, today)


def current_badges(organisations, *, today: date | None = None) -> dict[int, Badge | None]:
    """Each organisation's badge at its current address (two queries whatever their number)."""
    today = today or timezone.localdate()
    organisations = list(_organisations().filter(pk__in=[o.pk for o in organisations]))
    years = _member_years([o.pk for o in organisations])
    return {o.pk: _state(o, years.get(o.pk, []), _version(o), today) for o in organisations}


@transaction.atomic
def revoke_badge(*, organisation: Organisation, by) -> BadgeKey:
    """The organisation's badge addresses given out so far answer « révoqué »; a new one is
    made (shown to its members if it still has a badge). The portal forgets its copies of
    the images at once; other sites' caches keep theirs BADGE_MAX_AGE at most."""
    key, _ = BadgeKey.objects.select_for_update().get_or_create(organisation=organisation)
    old = badge_token(organisation.pk, key.version)
    transaction.on_commit(lambda: shared_cache.delete_many([_image_key(old, kind) for kind in IMAGE_KINDS]))
    key.version += 1
    key.revoked_at = timezone.now()
    key.revoked_by = by
    key.full_clean()
    key.save()
    return key


# --- Images ----------------------------------------------------------------------------------

IMAGE_KINDS = ("svg", "png")


def _image_key(token: str, kind: str) -> str:
    return f"appartenance:badge:{kind}:{hashlib.sha256(token.encode()).hexdigest()[:32]}"


def cached_image(token: str, kind: str, render) -> tuple[str | None, bytes | str | None]:
    """The badge image of an address and its ETag, from the cache (no query: the badge is
    embedded in other sites' pages, and served as often as they are shown) or built by
    `render(badge)` and kept BADGE_MAX_AGE, as long as browsers keep it. (None, None) for an
    address we never gave out. A membership or a verification recorded shows within that time;
    a revocation at once (`revoke_badge`)."""
    key = _image_key(token, kind)
    cached = shared_cache.get(key)
    if cached is not None:
        return cached
    badge = badge_for_token(token)
    if badge is None:
        return None, None
    cached = (badge.etag, render(badge))
    shared_cache.set(key, cached, timeout=settings.BADGE_MAX_AGE)
    return cached


PNG_SIZE = (440, 64)


@cache
def _fonts():
    from PIL import ImageFont

    try:
        return ImageFont.truetype(settings.BADGE_FONT, 17), ImageFont.truetype(settings.BADGE_FONT, 14)
    except OSError:  # no such font on this host: Pillow's own (no accents, but an image)
        return ImageFont.load_default(17), ImageFont.load_default(14)


def badge_png(badge: Badge) -> bytes:
    """The PNG version, for email signatures (where an SVG does not show)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", PNG_SIZE, badge.colour)
    draw = ImageDraw.Draw(image)
    headline, line = _fonts()
    draw.text((16, 10), HEADLINE, font=headline, fill="#ffffff")
    draw.text((16, 36), badge.line, font=line, fill="#ffffff")
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
