"""Figures one action counts that another action follows: « orientations envoyées vers la
CMA » (counted by the intake) on a convention's commitment, « structures de l'ESS » (counted
by the directory) on a territorial plan's indicator, the trainees of a territory.

The app that holds the data registers a metric in its `AppConfig.ready()`; the app that
follows a figure stores only the metric's key (a CharField) and asks the registry for its
value, never importing the other app (DESIGN.md, « Where two actions meet: registries »):

    metrics.register(Metric(key="accueil.orientations_envoyees", label="Orientations envoyées "
                            "vers la structure", scope=Scope.ORGANISATION, compute=...))

`compute(subject, start, end)` returns an int (or None when it cannot count), for
`start <= date < end` (either may be None: open side). `subject` is an organisation's
primary key for `Scope.ORGANISATION`, a `referentiels.models.Territory` for
`Scope.TERRITORY`, None for `Scope.REGION`. It runs a bounded number of queries, returns no
personal data, and may be cached by the caller. A provider that counts rows by a timestamp
bounds it with `period_filter` (local days); one about territories filters on the rows'
commune with `referentiels.selectors.within_territory`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from django.utils import timezone


class Scope(StrEnum):
    ORGANISATION = "organisation"  # about one organisation of the directory (a partner)
    TERRITORY = "territoire"  # about one territory
    REGION = "region"  # about the whole island


@dataclass(frozen=True)
class Metric:
    key: str  # stored by the follower: « accueil.orientations_envoyees »
    label: str  # shown in French: « Orientations envoyées vers la structure »
    scope: Scope
    compute: Callable[[object, date | None, date | None], int | None]
    unit: str = ""


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    """Add (or replace, by key) a metric."""
    _METRICS[metric.key] = metric


def unregister(key: str) -> None:
    _METRICS.pop(key, None)


def get(key: str) -> Metric | None:
    return _METRICS.get(key)


def choices(scope: Scope | None = None) -> list[tuple[str, str]]:
    """(key, label) of the metrics of a scope, for a form's select; sorted by label."""
    found = [m for m in _METRICS.values() if scope is None or m.scope == scope]
    return [(m.key, m.label) for m in sorted(found, key=lambda m: m.label)]


def value(key: str, subject=None, start: date | None = None, end: date | None = None) -> int | None:
    """The metric's value, or None if no app registered that key (an app removed, a typo)."""
    metric = _METRICS.get(key)
    return None if metric is None else metric.compute(subject, start, end)


def period_filter(field: str, start: date | None, end: date | None) -> dict:
    """Lookups for `start <= field < end` on a DateTimeField, in Réunion's time: a metric
    counts the rows of the days [start, end) as people there read them. An open side adds
    nothing. Pass to `filter(**...)`."""
    tz = timezone.get_current_timezone()
    lookups = {}
    if start is not None:
        lookups[f"{field}__gte"] = datetime.combine(start, time.min, tzinfo=tz)
    if end is not None:
        lookups[f"{field}__lt"] = datetime.combine(end, time.min, tzinfo=tz)
    return lookups
