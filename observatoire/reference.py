"""What every observatory page needs besides its figures — the published millésimes and
their sources, the territories, the sectors — read once per data version and kept in the
cache, so that a page asks the database only for its own cells.

Each build gets a stamp; the cache holds the build under its stamp and, under one fixed
key, the (data version, stamp) in force. A process keeps the build it last read: while the
stamp in force is still its own, it reads nothing more than that small entry (unpickling
the reference cost a page a third of a millisecond)."""

import html
import secrets
from dataclasses import dataclass, field

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
    stamp: str = ""  # names this build (see the module's docstring)
    # What pages derive from the reference once per process (`derived`): never pickled.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self):
        return {name: value for name, value in self.__dict__.items() if name != "memo"}

    def __setstate__(self, state):
        self.__dict__.update(state, memo={})

    def derived(self, name: str, build):
        """`build()` once per process and reference build (labels, option lists, the
        explorer's filter form…): they change only when the data version does."""
        try:
            return self.memo[name]
        except KeyError:
            value = self.memo[name] = build()
            return value

    @property
    def region(self) -> Territory:
        return next(t for t in self.territories if t.kind == TerritoryKind.REGION)

    @property
    def sector_labels(self) -> dict[str, str]:
        return self.derived("sector_labels", lambda: {code: label for code, _, label in self.sectors})

    @property
    def source_labels(self) -> dict[str, str]:
        return dict(Source.choices)

    @property
    def synthetic(self) -> bool:
        return any(m.is_synthetic for m in self.millesimes)

    def territory(self, code: str) -> Territory | None:
        return self.territories_by_code.get(code)

    @property
    def territories_by_code(self) -> dict[str, Territory]:
        return self.derived("territories_by_code", lambda: {t.code: t for t in self.territories})


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
    value = html.escape(value)
    return mark_safe(options.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1))  # noqa: S308 — escaped


STAMP_KEY = "observatoire:reference"
TIMEOUT = 24 * 3600
_latest: list[Reference] = []  # this process's last build read, if any


def current_reference() -> Reference:
    return current_reference_with([])[0]


def current_reference_with(keys: list[str]) -> tuple[Reference, dict]:
    """The reference in force, and the cache values of `keys` read in the same round trip
    as the data version (pages keep entries under unversioned keys, with the stamp of the
    reference they were made with inside: see `observatoire.explorer_page.shown`)."""
    version, found = services.data_version_with([STAMP_KEY, *keys])
    in_force = found.pop(STAMP_KEY, None)
    if in_force is not None and in_force[0] == version:
        stamp = in_force[1]
        if _latest and _latest[0].stamp == stamp:
            return _latest[0], found
        reference = cache.get(f"observatoire:reference:{stamp}")
        if reference is not None and reference.stamp == stamp:
            _latest[:] = [reference]
            return reference, found
    reference = build_reference()
    reference.stamp = secrets.token_hex(8)
    # The build first, then the stamp that names it: a reader never finds a stamp whose
    # build is missing (but for eviction, which only costs a rebuild).
    cache.set(f"observatoire:reference:{reference.stamp}", reference, timeout=TIMEOUT)
    cache.set(STAMP_KEY, (version, reference.stamp), timeout=TIMEOUT)
    _latest[:] = [reference]
    return reference, found
