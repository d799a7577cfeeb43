"""A real Celery worker builds the good-practices report a member asks for on its page, shows
its progress, stores the PDF (its text extracted and checked) and emails the person who
asked, once, through a real SMTP server."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from annuaire.models import PartnerMembership
from appartenance.models_report import GuideReport
from appartenance.tasks import build_guide_report_task
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment
from tests.comptes.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def worker(celery_worker_process):
    return celery_worker_process


def test_the_worker_builds_the_report_asked_for_and_emails_its_link_once(client, worker, smtp_sink):
    kaz = OrganisationFactory(name="Association Kaz Solidaire")
    user = UserFactory(email="presidente@kaz.re")
    PartnerMembership.objects.create(user=user, organisation=kaz)
    make_assessment(kaz, year=2025, answers={"gouvernance.instances": "partiel"}, actions=0)
    assessment = make_assessment(kaz, year=2026, answers={"gouvernance.instances": "oui"}, actions=2)
    client.force_login(user)
    page = reverse("appartenance:guide-report", args=[kaz.pk, 2026])

    assert client.post(page).status_code == 302
    worker.wait_until_idle(tasks=2, timeout=180)  # the build, then the email
    report = GuideReport.objects.get(assessment=assessment)
    assert report.status == GuideReport.Status.READY and report.pages >= 2
    state = client.get(reverse("appartenance:guide-report-state", args=[kaz.pk, 2026])).content.decode()
    assert "Télécharger le rapport (PDF)" in state
    response = client.get(reverse("appartenance:guide-report-file", args=[kaz.pk, 2026]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    assert "Association Kaz Solidaire" in text and "Auto-évaluation 2026" in text
    assert "Action n°2" in text and "La présidente" in text
    assert "Score 2025" in text and "100 %" in text and "50 %" in text

    smtp_sink.wait_for(1, timeout=30)
    [entry] = smtp_sink.messages
    assert str(entry["message"]["Subject"]) == "Le rapport de bonnes pratiques 2026 est prêt"
    assert entry["message"]["To"] == "presidente@kaz.re"
    assert page in entry["message"].get_body().get_content()

    # The same request run again (a redelivered task): nothing built, nothing sent.
    build_guide_report_task.delay(assessment.pk)
    worker.wait_until_idle(tasks=3, timeout=60)
    assert GuideReport.objects.get(pk=report.pk).built_at == report.built_at
    assert OutgoingEmail.objects.filter(kind="appartenance/rapport_pret").count() == 1
