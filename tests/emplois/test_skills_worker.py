"""A real Celery worker builds the PDF summary asked for on the record's page, once per
request, and emails its link once (through a real SMTP server)."""

import pytest
from django.urls import reverse

from emplois.models_skills import SkillsRecord
from emplois.tasks_skills import build_skills_pdf_task
from messagerie.models import OutgoingEmail
from tests.emplois.factories import make_skills_record
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def worker(smtp_sink, tmp_path, settings):
    """The worker writes its files where this test reads them (MEDIA_ROOT)."""
    purge_broker()
    process = WorkerProcess(
        smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log", extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    )
    process.start()
    yield process
    process.stop()


def test_the_worker_builds_each_summary_asked_for_once_and_emails_it_once(client, worker, smtp_sink):
    record = make_skills_record(experiences=3, name_on_summary="Camille Hoarau")
    page = reverse("emplois:competences-dossier", args=[record.token])
    assert client.post(page, {"action": "synthese"}).status_code == 302
    worker.wait_until_idle(tasks=2, timeout=180)  # the build, then the email
    record.refresh_from_db()
    assert record.pdf_ready
    response = client.get(reverse("emplois:competences-synthese", args=[record.token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "Télécharger la synthèse (PDF)" in client.get(page).content.decode()
    smtp_sink.wait_for(1, timeout=30)
    assert [str(entry["message"]["Subject"]) for entry in smtp_sink.messages] == [
        "Votre synthèse de compétences est prête"
    ]

    # The same request run again (a redelivered task): nothing built, nothing sent.
    built_at = record.pdf_built_at
    build_skills_pdf_task.delay(record.pk)
    worker.wait_until_idle(tasks=3, timeout=60)
    assert SkillsRecord.objects.get(pk=record.pk).pdf_built_at == built_at
    assert OutgoingEmail.objects.filter(kind="emplois/competences_synthese").count() == 1

    # A new request: one more build, one more email.
    assert client.post(page, {"action": "synthese"}).status_code == 302
    worker.wait_until_idle(tasks=5, timeout=120)
    assert SkillsRecord.objects.get(pk=record.pk).pdf_built_at > built_at
    smtp_sink.wait_for(2, timeout=30)
    assert OutgoingEmail.objects.filter(kind="emplois/competences_synthese").count() == 2
    assert len(smtp_sink.messages) == 2
