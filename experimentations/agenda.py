"""The calls for projects' deadlines in the portal's agenda (lib.agenda) and the intake's
« financement » need leading to the finder (lib.need_resources): registered in apps.ready."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from experimentations import cache
from experimentations.models import FinancialTool
from experimentations.selectors_tools import card_fields, tool_url
from lib.agenda import AgendaItem, AgendaSource
from lib.need_resources import NeedResource
from referentiels.models import TerritoryKind

AGENDA_KIND = "appel_a_projets"
AGENDA_KIND_LABEL = "Clôture d'appel à projets"


def _covering(territory) -> Q:
    """Calls that concern a territory: island-wide ones, and those naming it, a territory
    it lies in (the région, a commune's EPCI or arrondissement) or one of its communes."""
    through = FinancialTool.territories.through
    names = Q(pk__in=through.objects.filter(territory__kind=TerritoryKind.REGION).values("financialtool_id"))
    names |= Q(pk__in=through.objects.filter(territory=territory).values("financialtool_id"))
    if territory.kind == TerritoryKind.COMMUNE:
        above = [pk for pk in (territory.parent_id, territory.arrondissement_id) if pk]
        names |= Q(pk__in=through.objects.filter(territory_id__in=above).values("financialtool_id"))
    else:
        inside = Q(territory__parent=territory) | Q(territory__arrondissement=territory)
        names |= Q(pk__in=through.objects.filter(inside).values("financialtool_id"))
    return ~Q(pk__in=through.objects.values("financialtool_id")) | names


def agenda_items(start: datetime | None, end: datetime | None, territory) -> list[AgendaItem]:
    """The published calls closing in the period (a moment: their closing date and time). One query."""
    calls = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED, is_call=True)
    if start is not None:
        calls = calls.filter(closes_at__gt=start)
    if end is not None:
        calls = calls.filter(closes_at__lt=end)
    if territory is not None:
        calls = calls.filter(_covering(territory))
    return [
        AgendaItem(
            title=f"Clôture : {call.name}",
            url=tool_url(call),
            starts_at=call.closes_at,
            ends_at=call.closes_at,
            kind=AGENDA_KIND,
            kind_label=AGENDA_KIND_LABEL,
            place=call.provider.name,
            summary=call.summary,
            source="experimentations",
        )
        for call in card_fields(calls).order_by("closes_at", "name")
    ]


def agenda_next_change() -> datetime | None:
    """The next closing: the call then leaves the agenda's upcoming list."""
    return (
        FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED, is_call=True, closes_at__gt=timezone.now())
        .order_by("closes_at")
        .values_list("closes_at", flat=True)
        .first()
    )


SOURCE = AgendaSource(
    name="experimentations",
    kind=AGENDA_KIND,
    kind_label=AGENDA_KIND_LABEL,
    items=agenda_items,
    version=cache.current_version,
    next_change=agenda_next_change,
)


def funding_need_resource() -> NeedResource:
    """The intake's « financement » need leads to the finder (lib.need_resources)."""
    return NeedResource(
        label="Trouver un financement",
        url=reverse("experimentations:finder"),
        text="Subventions, prêts d'honneur, garanties, fonds propres, appels à projets : répondez à quelques "
        "questions, le portail vous montre les outils qui correspondent à votre projet.",
    )
