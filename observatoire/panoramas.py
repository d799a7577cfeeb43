"""Panoramas on request, and the publications list: what changes them.

Anyone asks for the panorama of a territory and a published millésime with an email
address (`request_panorama`). A panorama already built for the same territory, millésime
and data version is served at once; otherwise a worker builds it (`build_panorama`, from
`observatoire.tasks`) and, when it is ready, every request waiting for it gets an email
through the outbox with a private link (`PANORAMA_LINK`, minted when the email leaves,
stored hashed, valid PANORAMA_LINK_DAYS). The requests hold the only personal data (the
address): they are deleted after PANORAMA_REQUEST_RETENTION_DAYS (`purge_panorama_requests`,
in the beat schedule). Staff publish a built panorama or upload another study
(`publish_panorama`, `validate_study_pdf`) to the public list of publications.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from lib.uploads import validate_document
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import queue_email
from observatoire import report, services
from observatoire.models import (
    Millesime,
    MillesimeState,
    MillesimeTransition,
    Panorama,
    PanoramaRequest,
    PanoramaStatus,
    Publication,
)
from observatoire.reference import current_reference
from referentiels.models import Territory

logger = logging.getLogger(__name__)

PANORAMA_LINK = "observatoire.panorama"
STUDY_MAX_BYTES = 30 * 1024 * 1024


def _publication_changed_at():
    """When a millésime last entered or left « publié »: a panorama built before shows
    figures that changed, whatever the data version says (it lives in the cache and
    starts again at 1 when the cache is emptied)."""
    published = MillesimeState.PUBLISHED
    return MillesimeTransition.objects.filter(Q(to_state=published) | Q(from_state=published)).aggregate(
        at=Max("created_at")
    )["at"]


def _is_current(panorama: Panorama) -> bool:
    """Whether a panorama shows the figures public now: its millésime is published and its
    build started after the last change of publication (a rebuild counts from its own start,
    whatever the row's age)."""
    if panorama.millesime.state != MillesimeState.PUBLISHED or panorama.started_at is None:
        return False
    changed_at = _publication_changed_at()
    return changed_at is None or panorama.started_at >= changed_at


def _available(panorama_id: int) -> Panorama | None:
    """The panorama behind a link, if it may still be downloaded: built, and of a millésime
    still published, from its current figures. A withdrawn millésime's panoramas close."""
    panorama = (
        Panorama.objects.select_related("territory", "millesime")
        .filter(pk=panorama_id, status=PanoramaStatus.READY)
        .first()
    )
    return panorama if panorama is not None and _is_current(panorama) else None


def request_panorama(*, territory: Territory, millesime: Millesime, email: str, consent_text: str) -> PanoramaRequest:
    """Record a request; serve the panorama at once when it is built for the current data
    (the email goes now), else have a worker build it (the email goes when it is ready)."""
    if not millesime.is_published:
        raise ValidationError("Ce millésime n'est pas publié : choisissez une année de la liste.")
    version = services.data_version()
    with transaction.atomic():
        panorama, created = Panorama.objects.get_or_create(
            territory=territory, millesime=millesime, data_version=version
        )
        panorama = Panorama.objects.select_for_update().get(pk=panorama.pk)  # against a build finishing now
        asked = PanoramaRequest(public_id=uuid.uuid4(), panorama=panorama, email=email, consent_text=consent_text)
        asked.full_clean(exclude=["panorama"])
        asked.save()
        if panorama.status == PanoramaStatus.READY and _is_current(panorama):
            _send_links(panorama)
        elif created or panorama.status in (PanoramaStatus.READY, PanoramaStatus.FAILED):
            # New, failed before, or built from figures published since: (re)built.
            Panorama.objects.filter(pk=panorama.pk).update(
                status=PanoramaStatus.QUEUED, step="", error="", queued_at=timezone.now()
            )
            transaction.on_commit(lambda: _enqueue_build(panorama.pk))
    return asked


def _enqueue_build(panorama_id: int) -> None:
    from observatoire.tasks import build_panorama_task

    try:
        build_panorama_task.delay(panorama_id)
    except Exception:  # broker unreachable: `requeue_stalled_panoramas` (beat) queues it again
        logger.warning("Panorama %s en attente : file de tâches injoignable.", panorama_id, exc_info=True)


STALLED_AFTER = timedelta(minutes=10)


def requeue_stalled_panoramas(*, now=None) -> int:
    """Queue again the builds lost on the way (broker down when queued, worker gone while
    building): waiting for more than 10 minutes, or building for more than 30."""
    now = now or timezone.now()
    stalled = list(
        Panorama.objects.filter(
            Q(status=PanoramaStatus.QUEUED, queued_at__lt=now - STALLED_AFTER)
            | Q(status=PanoramaStatus.RUNNING, started_at__lt=now - 3 * STALLED_AFTER)
        ).values_list("pk", flat=True)
    )
    for panorama_id in stalled:
        Panorama.objects.filter(pk=panorama_id).update(status=PanoramaStatus.QUEUED, queued_at=now)
        _enqueue_build(panorama_id)
    return len(stalled)


def _set_step(panorama: Panorama, step: str) -> None:
    Panorama.objects.filter(pk=panorama.pk).update(step=step)


def build_panorama(*, panorama_id: int) -> Panorama:
    """Build the PDF (the worker's part), then email the link to every waiting request.

    Idempotent: a panorama already ready only sends the links still owed. A failure is
    recorded on the row (the request page says so); a new request builds again."""
    with transaction.atomic():
        panorama = Panorama.objects.select_for_update().select_related("territory", "millesime").get(pk=panorama_id)
        if panorama.status == PanoramaStatus.READY:
            _send_links(panorama)
            return panorama
        panorama.status = PanoramaStatus.RUNNING
        panorama.started_at = timezone.now()
        panorama.step = "Lecture des chiffres publiés"
        panorama.save(update_fields=["status", "started_at", "step"])
    try:
        content = report.panorama_content(
            territory=panorama.territory, millesime=panorama.millesime, reference=current_reference()
        )
        _set_step(panorama, "Mise en page et graphiques")
        pdf, pages = report.render_pdf(content)
    except Exception as error:
        logger.exception("Panorama %s non fabriqué.", panorama_id)
        message = str(error) if isinstance(error, report.PanoramaUnavailable) else "erreur pendant la fabrication"
        Panorama.objects.filter(pk=panorama_id).update(
            status=PanoramaStatus.FAILED, step="", error=message, finished_at=timezone.now()
        )
        panorama.refresh_from_db()
        return panorama
    with transaction.atomic():
        panorama = Panorama.objects.select_for_update().select_related("territory", "millesime").get(pk=panorama_id)
        old_name = panorama.file.name
        name = f"panorama-{panorama.territory.code}-{panorama.millesime.year}-v{panorama.data_version}.pdf"
        panorama.file.save(name, ContentFile(pdf), save=False)
        panorama.status = PanoramaStatus.READY
        panorama.step = ""
        panorama.pages = pages
        panorama.finished_at = timezone.now()
        panorama.save()
        if old_name and old_name != panorama.file.name:
            storage = panorama.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        _send_links(panorama)
    return panorama


def _send_links(panorama: Panorama) -> int:
    """One email with a private link to each request of this panorama not yet answered."""
    waiting = list(panorama.requests.filter(notified_at__isnull=True))
    for asked in waiting:
        queue_email(
            to=asked.email,
            template="observatoire/panorama_pret",
            context={
                "title": panorama.title,
                "synthetic": panorama.millesime.is_synthetic,
                "url": private_link(PANORAMA_LINK, panorama=panorama.pk),
                "days": settings.PANORAMA_LINK_DAYS,
            },
        )
    PanoramaRequest.objects.filter(pk__in=[asked.pk for asked in waiting]).update(notified_at=timezone.now())
    return len(waiting)


def build_panorama_link(*, panorama: int) -> str:
    """Link builder (messagerie.links): minted when the email leaves."""
    if _available(panorama) is None:
        raise LinkUnavailable("ce panorama n'est plus disponible.")
    expires_at = timezone.now() + timedelta(days=settings.PANORAMA_LINK_DAYS)
    token = issue_token(purpose=PANORAMA_LINK, object_id=panorama, expires_at=expires_at)
    return settings.SITE_URL + reverse("observatoire:panorama-telechargement", args=[token])


def panorama_from_token(token: str) -> Panorama | None:
    """The ready panorama a live link opens, or None."""
    panorama_id = resolve_token(purpose=PANORAMA_LINK, token=token)
    return None if panorama_id is None else _available(panorama_id)


def purge_panorama_requests(*, now=None) -> int:
    """RGPD: delete the requests (their addresses) older than the retention period."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.PANORAMA_REQUEST_RETENTION_DAYS)
    deleted, _ = PanoramaRequest.objects.filter(created_at__lt=limit).delete()
    return deleted


# --- Publications ------------------------------------------------------------------------


def validate_study_pdf(upload) -> None:
    """A study is a PDF, read from its first bytes whatever its name says."""
    kind = validate_document(upload, max_bytes=STUDY_MAX_BYTES)
    if kind != "pdf":
        raise ValidationError(f"« {upload.name} » n'est pas un PDF : seules les études en PDF sont publiées.")


def publish_panorama(*, panorama: Panorama, summary: str = "") -> Publication:
    """Put a built panorama in the public list of publications (a copy of its file, so
    that the publication stays whatever becomes of the panorama)."""
    if panorama.status != PanoramaStatus.READY:
        raise ValidationError("Ce panorama n'est pas prêt : il ne peut pas être publié.")
    if not _is_current(panorama):
        raise ValidationError(
            "Ce panorama ne montre pas les chiffres publiés aujourd'hui (millésime retiré ou republié depuis) : "
            "demandez-en un nouveau avant de le publier."
        )
    with transaction.atomic():
        publication = Publication(
            title=panorama.title,
            published_on=timezone.localdate(),
            summary=summary
            or (
                f"Les chiffres clés de l'économie sociale et solidaire ({panorama.territory.name}, "
                f"millésime {panorama.millesime.year}) : établissements, emplois, familles, secteurs, "
                "évolution et niches d'activité."
                + (" Données synthétiques de démonstration." if panorama.millesime.is_synthetic else "")
            ),
            territory=panorama.territory,
            panorama=panorama,
        )
        with panorama.file.open("rb") as source:
            publication.file.save(panorama.file.name.rsplit("/", 1)[-1], ContentFile(source.read()), save=False)
        publication.full_clean()
        publication.save()
    return publication
