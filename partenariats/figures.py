"""The figures a partnership follows, computed by the action that holds the data through
the registry `lib.metrics` (never by importing it): a commitment's linked figure over its
convention's period, and the yearly figures staff choose to publish about a partner.

A figure about a partner is the metric of scope « organisation » computed for the partner's
directory organisation (its primary key), over days [start, end).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from lib import metrics
from partenariats.models import Commitment, Convention

# A page computes at most this many figures (one or two queries each); beyond, it says so.
FIGURES_PER_PAGE = 50


def convention_period(convention: Convention) -> tuple[date, date]:
    """The days a convention covers, as [start, end): its end date is its last day."""
    return convention.start_date, convention.end_date + timedelta(days=1)


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


@dataclass(frozen=True)
class LinkedFigure:
    label: str
    value: int | None  # None: the metric is no longer computed (an app removed, a key renamed)
    target: int | None
    unit: str = ""
    computed: bool = True  # False: over the page's budget of figures, not computed here

    def __str__(self) -> str:
        if not self.computed:
            return f"{self.label} : non calculé sur cette page (trop de chiffres suivis)"
        if self.value is None:
            return f"{self.label} : chiffre indisponible"
        unit = f" {self.unit}" if self.unit else ""
        text = f"{self.label} : {self.value}{unit}"
        if self.target is not None:
            text += f" sur une cible de {self.target}"
            if self.target:
                text += f" ({round(100 * self.value / self.target)} %)"
        return text


class FigureCalculator:
    """Computes linked figures for one page: each (metric, organisation, period) once, and
    at most `limit` of them (FIGURES_PER_PAGE), so that a page's queries stay bounded
    whatever its rows."""

    def __init__(self, limit: int | None = None):
        self.limit = FIGURES_PER_PAGE if limit is None else limit
        self._values: dict[tuple, int | None] = {}

    def for_commitment(self, commitment: Commitment) -> LinkedFigure | None:
        """The commitment's linked figure over its convention's period, for the organisation
        of the party engaged; None when it follows no figure. Reads `commitment.party` and
        `commitment.convention`: select them with it."""
        if not commitment.metric or commitment.party_id is None:
            return None
        metric = metrics.get(commitment.metric)
        label = metric.label if metric else f"« {commitment.metric} »"
        unit = metric.unit if metric else ""
        start, end = convention_period(commitment.convention)
        memo = (commitment.metric, commitment.party.organisation_id, start, end)
        if memo not in self._values:
            if len(self._values) >= self.limit:
                return LinkedFigure(label=label, value=None, target=commitment.target, unit=unit, computed=False)
            self._values[memo] = metrics.value(*memo)
        return LinkedFigure(label=label, value=self._values[memo], target=commitment.target, unit=unit)
