"""The intake's block on the territory pages (lib.territory_blocks): how many support
requests were received for projects held in the territory, and how many orientations were
sent to support structures for them, per year over the last three years.

Counts only, never a person, a project or a structure. A count of 1 or 2 is shown as
« moins de 3 », so that nobody can be recognised in a small commune. Two queries whatever
the number of requests."""

from datetime import datetime

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from accueil.cache import current_version
from accueil.models import IntakeRequest, Orientation
from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.models import TerritoryKind

YEARS = 3
THRESHOLD = 3  # the smallest count shown as such
SMALL = f"moins de {THRESHOLD}"


def _in_territory(territory, field: str) -> dict:
    """The lookup of a commune field (`activity_commune`) that places it in the territory."""
    if territory.kind == TerritoryKind.REGION:
        return {}
    if territory.kind == TerritoryKind.EPCI:
        return {f"{field}__parent": territory}
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return {f"{field}__arrondissement": territory}
    return {field: territory}


def shown_count(count: int) -> str:
    """A count as the public reads it: 1 or 2 never appear as such."""
    return SMALL if 0 < count < THRESHOLD else str(count)


def _by_year(queryset, field: str, start) -> dict[int, int]:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(year=ExtractYear(field, tzinfo=tz))
        .order_by()
        .values_list("year")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def territory_intake(territory) -> dict:
    now = timezone.localtime()
    this_year = now.year
    start = datetime(this_year - YEARS + 1, 1, 1, tzinfo=now.tzinfo)
    requests = IntakeRequest.objects.exclude(status=IntakeRequest.Status.DUPLICATE).filter(
        **_in_territory(territory, "activity_commune")
    )
    received = _by_year(requests, "created_at", start)
    oriented = _by_year(
        Orientation.objects.filter(
            sent_at__isnull=False, **_in_territory(territory, "request__activity_commune")
        ).exclude(request__status=IntakeRequest.Status.DUPLICATE),
        "sent_at",
        start,
    )
    # The window moves on the first of January: the rendering expires then.
    context = {EXPIRES_AT: datetime(this_year + 1, 1, 1, tzinfo=now.tzinfo), "intake_url": reverse("accueil:index")}
    if not any(received.values()) and not any(oriented.values()):
        context["empty"] = (
            "Aucune demande d'accompagnement n'a été reçue pour un projet sur ce territoire ces trois dernières années."
        )
        return context
    years = range(this_year - YEARS + 1, this_year + 1)
    context["rows"] = [
        (year, year == this_year, shown_count(received.get(year, 0)), shown_count(oriented.get(year, 0)))
        for year in years
    ]
    context["small"] = SMALL
    context["has_small"] = any(
        0 < count < THRESHOLD for counts in (received, oriented) for year, count in counts.items() if year in years
    )
    return context


BLOCK = TerritoryBlock(
    name="accueil",
    title="L'accompagnement des porteurs de projet",
    order=60,
    template="accueil/_bloc_territoire.html",
    context=territory_intake,
    version=current_version,
)
