"""Training figures that other actions follow (lib.metrics): the trainees present at the
sessions held in a territory (a territorial plan's indicator, the territory pages)."""

from formation.models import Registration
from lib import metrics
from referentiels.selectors import within_territory

TRAINEES_PRESENT = "formation.stagiaires_presents"


def trainees_present(territory, start, end) -> int | None:
    """Registrations marked present at sessions held in the territory (its commune), by the
    session's first day ([start, end)): a person present at two sessions counts twice; an
    online session, held nowhere, counts in no territory. One query."""
    if territory is None:
        return None
    return Registration.objects.filter(
        within_territory(territory, "session__commune"),
        status=Registration.Status.PRESENT,
        **metrics.period_filter("session__starts_at", start, end),
    ).count()


def register_metrics() -> None:
    metrics.register(
        metrics.Metric(
            key=TRAINEES_PRESENT,
            label="Stagiaires présents aux formations du territoire",
            scope=metrics.Scope.TERRITORY,
            compute=trainees_present,
            unit="stagiaires",
        )
    )
