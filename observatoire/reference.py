"""What every observatory page needs besides its figures — the published millésimes and
their sources, the territories, the sectors — read once per data version and kept in the
cache, so that a page asks the database only for its own cells."""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from observatoire import selectors, services
from observatoire.models import Millesime, SectorLevel, Source
from referentiels.models import Territory, TerritoryKind


@dataclass
class Reference:
    millesimes: list[Millesime]  # published, oldest first
    sources: dict[int, list[str]]  # year → sources with regional figures, preferred first
    territories: list[Territory]
    sectors: list[tuple[str, str, str]]  # (code, level, label)
    # The long option lists of the filters, rendered once per data version (`selected`
    # is added per request by `with_selected`): 160 options cost 10 ms through templates.
    territory_options: str = ""
    sector_options: str = ""

    @property
    def region(self) -> Territory:
        return next(t for t in self.territories if t.kind == TerritoryKind.REGION)

    @property
    def sector_labels(self) -> dict[str, str]:
        return {code: label for code, _, label in self.sectors}

    @property
    def source_labels(self) -> dict[str, str]:
        return dict(Source.choices)

    @property
    def synthetic(self) -> bool:
        return any(m.is_synthetic for m in self.millesimes)

    def territory(self, code: str) -> Territory | None:
        return next((t for t in self.territories if t.code == code), None)


SECTOR_GROUP_LABELS = {
    SectorLevel.ALL: "Ensemble",
    SectorLevel.GROUPING: "Regroupements de l'ESS",
    SectorLevel.SECTION: "Sections NAF",
    SectorLevel.DIVISION: "Divisions NAF",
}


def _option_groups(groups: dict[str, list[tuple[str, str]]]) -> str:
    return "".join(
        format_html(
            '<optgroup label="{}">{}</optgroup>',
            label,
            format_html_join("", '<option value="{}">{}</option>', options),
        )
        for label, options in groups.items()
        if options
    )


def build_reference() -> Reference:
    millesimes = selectors.published_millesimes()
    territories = selectors.territories()
    sectors = selectors.sectors()
    by_kind: dict[str, list] = {}
    for territory in territories:
        by_kind.setdefault(territory.get_kind_display(), []).append((territory.code, territory.name))
    by_level: dict[str, list] = {label: [] for label in SECTOR_GROUP_LABELS.values()}
    for code, level, label in sectors:
        by_level[SECTOR_GROUP_LABELS[level]].append((code, Truncator(label).chars(80)))
    return Reference(
        millesimes=millesimes,
        sources={m.year: selectors.sources_of(m) for m in millesimes},
        territories=territories,
        sectors=sectors,
        territory_options=_option_groups(by_kind),
        sector_options=_option_groups(by_level),
    )


def with_selected(options: str, value: str) -> str:
    """The pre-rendered options with `value` selected (values are codes: no quote inside)."""
    marker = format_html('<option value="{}">', value)
    return mark_safe(options.replace(marker, marker[:-1] + " selected>", 1))  # noqa: S308 — built by format_html


def current_reference() -> Reference:
    key = f"observatoire:{services.data_version()}:reference"
    reference = cache.get(key)
    if reference is None:
        reference = build_reference()
        cache.set(key, reference, timeout=24 * 3600)
    return reference
