"""The intake's figures that other actions follow (lib.metrics): orientations sent to a
structure (a partner's commitment), intake requests of a territory (the territory pages).
Counts only, one query each: no personal data leaves the intake."""

from accueil.models import IntakeRequest, Orientation
from lib import metrics
from referentiels.selectors import within_territory

ORIENTATIONS_SENT = "accueil.orientations_envoyees"
REQUESTS = "accueil.demandes"


def orientations_sent(organisation_id, start, end) -> int | None:
    """Orientations sent to the organisation, by the day they were made ([start, end));
    one merely proposed (never sent) does not count."""
    if organisation_id is None:
        return None
    return (
        Orientation.objects.filter(organisation_id=organisation_id, **metrics.period_filter("created_at", start, end))
        .exclude(status=Orientation.Status.PROPOSED)
        .count()
    )


def requests_in_territory(territory, start, end) -> int | None:
    """Requests filed for a project whose activity commune lies in the territory, by their
    filing day ([start, end)); duplicates of another request do not count."""
    if territory is None:
        return None
    return (
        IntakeRequest.objects.filter(
            within_territory(territory, "activity_commune"), **metrics.period_filter("created_at", start, end)
        )
        .exclude(status=IntakeRequest.Status.DUPLICATE)
        .count()
    )


def register_metrics() -> None:
    metrics.register(
        metrics.Metric(
            key=ORIENTATIONS_SENT,
            label="Orientations envoyées vers la structure",
            scope=metrics.Scope.ORGANISATION,
            compute=orientations_sent,
            unit="orientations",
        )
    )
    metrics.register(
        metrics.Metric(
            key=REQUESTS,
            label="Demandes d'accompagnement du territoire",
            scope=metrics.Scope.TERRITORY,
            compute=requests_in_territory,
            unit="demandes",
        )
    )
