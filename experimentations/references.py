"""The financial tools as a reference source (lib.references): Accueil staff attach published
tools to an intake request whose needs include « financement », and the holder sees them on
the tracking page. accueil stores the source's name, the tool's key and a copied title; it
never imports this app.
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q
from django.urls import reverse

from experimentations.models import FinancialTool
from lib.references import Reference, ReferenceSource, register_reference_source

SOURCE_NAME = "experimentations.outil"


def tool_url(slug: str) -> str:
    return reverse("experimentations:tool", args=[slug])


def _reference(tool: FinancialTool) -> Reference:
    return Reference(
        source=SOURCE_NAME,
        key=str(tool.pk),
        title=tool.name,
        url=tool_url(tool.slug),
        detail=f"{tool.get_instrument_display()} — {tool.provider.name}",
    )


def _published():
    return (
        FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED)
        .select_related("provider")
        .only("pk", "name", "slug", "instrument", "provider__name")
    )


def search_tools(text: str) -> list[Reference]:
    """Published tools matching `text` (French full text, or part of the name), best first."""
    tools = _published()
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="fr")
        tools = (
            tools.filter(Q(search_vector=query) | Q(name__icontains=text))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "name")
        )
    else:
        tools = tools.filter(name__icontains=text).order_by("name")
    return [_reference(tool) for tool in tools[:20]]


def resolve_tools(keys: Iterable[str]) -> dict[str, Reference]:
    """The published tools among `keys`, in one query (an archived or unknown tool is absent)."""
    ids = [int(key) for key in keys if str(key).isdigit()]
    return {str(tool.pk): _reference(tool) for tool in _published().filter(pk__in=ids)}


SOURCE = ReferenceSource(
    name=SOURCE_NAME,
    label="Outils financiers et appels à projets",
    need="financement",
    search=search_tools,
    resolve=resolve_tools,
)


def register() -> None:
    register_reference_source(SOURCE)
