"""The directory's figures that other actions follow (lib.metrics): the ESS organisations
published in a territory (a territorial plan's indicator, the territory pages)."""

from annuaire.models import Organisation
from lib import metrics
from referentiels.selectors import within_territory

ESS_ORGANISATIONS = "annuaire.structures_ess"


def ess_organisations(territory, start, end) -> int | None:
    """A stock, not a flow: the published ESS actors located in the territory and recorded
    in the directory before `end` (`start` does not apply). One query."""
    if territory is None:
        return None
    organisations = Organisation.objects.filter(
        within_territory(territory, "commune"), is_published=True, is_ess_actor=True
    )
    if end is not None:
        organisations = organisations.filter(**metrics.period_filter("created_at", None, end))
    return organisations.count()


def register_metrics() -> None:
    metrics.register(
        metrics.Metric(
            key=ESS_ORGANISATIONS,
            label="Structures de l'ESS publiées dans l'annuaire",
            scope=metrics.Scope.TERRITORY,
            compute=ess_organisations,
            unit="structures",
        )
    )
