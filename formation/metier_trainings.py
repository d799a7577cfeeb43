"""The catalogue's source for the ESS métiers pages (lib.trainings): the published trainings
that prepare to one of a family's ROME fiches and have a session to come."""

from django.utils import timezone

from formation import cache
from formation.models import Session, Training
from formation.selectors import training_url
from lib.trainings import TrainingItem, TrainingSource

# Upcoming sessions read at most: a training with many sessions to come counts once.
SESSIONS_READ = 200


def trainings_for_rome(rome_codes: list[str], limit: int) -> list[TrainingItem]:
    """Each training's next session, the soonest first, at most `limit`: one query."""
    leading = Training.objects.filter(status=Training.Status.PUBLISHED, rome_fiches__code__in=rome_codes)
    sessions = (
        Session.objects.filter(
            status=Session.Status.PLANNED, starts_at__gt=timezone.now(), training__in=leading.values("pk")
        )
        .select_related("training", "commune")
        .only("starts_at", "commune__name", "training__title", "training__slug", "training__summary")
        .order_by("starts_at", "pk")[:SESSIONS_READ]
    )
    found: dict[int, TrainingItem] = {}
    for session in sessions:
        if session.training_id in found:
            continue
        found[session.training_id] = TrainingItem(
            title=session.training.title,
            url=training_url(session.training),
            next_session=session.starts_at,
            place=session.commune.name if session.commune_id else "À distance",
            summary=session.training.summary,
            source="formation",
        )
        if len(found) == limit:
            break
    return list(found.values())


SOURCE = TrainingSource(name="formation", trainings=trainings_for_rome, version=cache.current_version)
