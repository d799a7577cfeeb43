"""The intake's block on the territory pages (lib.territory_blocks): how many support
requests were received for projects held in the territory, and how many orientations were
sent to support structures for them, per year over the last three years.

Counts only, never a person, a project or a structure. A count of 1 or 2 is never shown,
nor one that would give it away by difference with the totals published beside it (the
intercommunality minus its other communes): they read « s », as lib.small_counts decides
for every territory at once, so that nobody can be recognised in a small commune. Three
queries whatever the number of requests."""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from accueil.cache import current_version
from accueil.models import IntakeRequest, Orientation
from lib.small_counts import SHOWN, protect
from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.selectors import territory_tree

YEARS = 3
MASKED = "s"


def _by_commune_and_year(queryset, commune: str, field: str, start) -> dict[int, dict[int, int]]:
    """year -> commune pk -> count, for the rows since `start` (one query)."""
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(year=ExtractYear(field, tzinfo=tz))
        .order_by()
        .values_list("year", commune)
        .annotate(count=Count("pk"))
    )
    found = defaultdict(dict)
    for year, commune_pk, count in rows:
        found[year][commune_pk] = count
    return found


def _published(tree, per_commune: dict[int, int], territory) -> str:
    """The territory's count as published: the figure, or « s » when it is small or would
    give a small one away by difference with the others (lib.small_counts)."""
    counts = tree.totals(per_commune)
    if not counts.get(territory.pk):
        return "0"
    state = protect(counts, tree.groups)
    return str(counts[territory.pk]) if state[territory.pk] == SHOWN else MASKED


def territory_intake(territory) -> dict:
    now = timezone.localtime()
    this_year = now.year
    start = datetime(this_year - YEARS + 1, 1, 1, tzinfo=now.tzinfo)
    real = ~Q(status=IntakeRequest.Status.DUPLICATE)
    received = _by_commune_and_year(IntakeRequest.objects.filter(real), "activity_commune", "created_at", start)
    oriented = _by_commune_and_year(
        Orientation.objects.filter(sent_at__isnull=False).exclude(request__status=IntakeRequest.Status.DUPLICATE),
        "request__activity_commune",
        "sent_at",
        start,
    )
    # The window moves on the first of January: the rendering expires then.
    context = {EXPIRES_AT: datetime(this_year + 1, 1, 1, tzinfo=now.tzinfo), "intake_url": reverse("accueil:index")}
    tree = territory_tree()
    years = range(this_year - YEARS + 1, this_year + 1)
    context["rows"] = [
        (
            year,
            year == this_year,
            _published(tree, received.get(year, {}), territory),
            _published(tree, oriented.get(year, {}), territory),
        )
        for year in years
    ]
    if all(received_ == oriented_ == "0" for _, _, received_, oriented_ in context["rows"]):
        return {
            **context,
            "rows": [],
            "empty": "Aucune demande d'accompagnement n'a été reçue pour un projet sur ce territoire "
            "ces trois dernières années.",
        }
    context["masked"] = MASKED
    context["has_masked"] = any(MASKED in row[2:] for row in context["rows"])
    return context


BLOCK = TerritoryBlock(
    name="accueil",
    title="L'accompagnement des porteurs de projet",
    order=60,
    template="accueil/_bloc_territoire.html",
    context=territory_intake,
    version=current_version,
)
