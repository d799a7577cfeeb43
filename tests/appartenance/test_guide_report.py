"""The good-practices report (issue 20, point 4): what the PDF says (text extracted), who may
ask for it and download it (the organisation's members only), one build and one email per
request, the progress fragment polled without inline script, constant queries."""

import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from annuaire.models import PartnerMembership
from appartenance import report
from appartenance.models_guide import GuideAction
from appartenance.models_report import GuideReport
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment, make_ready_report
from tests.comptes.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = 2026


def member(organisation, email):
    user = UserFactory(email=email)
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def url(name, assessment):
    return reverse(f"appartenance:{name}", args=[assessment.organisation_id, assessment.year])


@pytest.fixture
def kaz():
    return OrganisationFactory(name="Association Kaz Solidaire")


@pytest.fixture
def two_years(kaz):
    make_assessment(kaz, year=THIS_YEAR - 1, answers={"gouvernance.instances": "non"}, actions=0)
    assessment = make_assessment(
        kaz, year=THIS_YEAR, answers={"gouvernance.instances": "oui", "gouvernance.salaries": "partiel"}, actions=0
    )
    GuideAction.objects.create(
        assessment=assessment, theme="gouvernance", title="Ouvrir le conseil d'administration aux salariés",
        owner="La présidente", due_on=date(THIS_YEAR + 1, 3, 31), status=GuideAction.Status.DOING,
    )  # fmt: skip
    return assessment


def test_the_report_says_the_year_the_organisation_each_theme_the_actions_and_the_previous_year(two_years):
    data, pages = report.report_pdf(two_years)
    assert data.startswith(b"%PDF-") and pages >= 2
    text = pdf_text(data)
    assert "Association Kaz Solidaire" in text
    assert f"Auto-évaluation {THIS_YEAR}" in text
    for title in ("Gouvernance démocratique", "Développement durable", "Éthique et déontologie"):
        assert title in text
    assert "Ouvrir le conseil d'administration aux salariés" in text
    assert "La présidente" in text and f"31 mars {THIS_YEAR + 1}" in text and "En cours" in text
    # 2 points for « oui », 1 for « en partie »: 75 % this year, 0 % the year before, « en progrès ».
    assert "75 %" in text and f"Score {THIS_YEAR - 1}" in text and "en progrès" in text
    assert "Établi le" in text


def test_a_first_year_has_no_comparison(kaz):
    text = pdf_text(report.report_pdf(make_assessment(kaz, year=THIS_YEAR))[0])
    assert "Pas d'auto-évaluation d'une année précédente à comparer" in text
    assert f"Score {THIS_YEAR - 1}" not in text


def test_the_chart_is_an_accessible_svg_with_its_figures_in_words(two_years):
    chart = report.report_context(two_years)["chart"]
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "Gouvernance démocratique : 75 % (en 2025 : 0 %)" in chart
    assert "<script" not in chart


def test_a_member_asks_a_worker_builds_once_and_the_person_who_asked_gets_one_email(client, two_years, kaz):
    user = member(kaz, "tresoriere@kaz.re")
    client.force_login(user)
    page = url("guide-report", two_years)
    assert "Aucun rapport n'a encore été préparé" in client.get(page).content.decode()
    assert client.post(page).status_code == 302
    row = GuideReport.objects.get(assessment=two_years)
    assert row.status == GuideReport.Status.QUEUED and row.requested_by == user
    # While it waits, the page polls its state fragment (htmx attributes, no inline script).
    html = client.get(page).content.decode()
    assert 'data-hx-get="' + url("guide-report-state", two_years) in html
    assert "Votre demande attend son tour" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick=" not in html
    # Asking again meanwhile changes nothing.
    client.post(page)
    assert GuideReport.objects.get(assessment=two_years).requested_at == row.requested_at

    assert report.build_report(assessment_id=two_years.pk) is True
    assert report.build_report(assessment_id=two_years.pk) is False  # a redelivered task: nothing more
    emails = OutgoingEmail.objects.filter(kind="appartenance/rapport_pret")
    assert [email.to for email in emails] == ["tresoriere@kaz.re"]
    assert emails[0].attachments == []  # a link, never the PDF
    assert page in emails[0].body_text
    fragment = client.get(url("guide-report-state", two_years)).content.decode()
    assert "Le rapport est prêt" in fragment and "data-hx-get" not in fragment
    response = client.get(url("guide-report-file", two_years))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Association Kaz Solidaire" in pdf_text(b"".join(response.streaming_content))

    # A new request after changes: built again, emailed again.
    client.post(page)
    assert GuideReport.objects.get(assessment=two_years).status == GuideReport.Status.QUEUED
    assert report.build_report(assessment_id=two_years.pk) is True
    assert OutgoingEmail.objects.filter(kind="appartenance/rapport_pret").count() == 2


def test_nobody_outside_the_organisation_asks_for_or_downloads_it(client, two_years, kaz):
    member(kaz, "tresoriere@kaz.re")
    row = report.request_report(assessment=two_years, by=kaz_member(kaz))
    report.build_report(assessment_id=two_years.pk)
    outsider = member(OrganisationFactory(name="Autre structure"), "autre@exemple.re")
    client.force_login(outsider)
    for name in ("guide-report", "guide-report-state", "guide-report-file"):
        assert client.get(url(name, two_years)).status_code == 404
    assert client.post(url("guide-report", two_years)).status_code == 404
    assert GuideReport.objects.get(pk=row.pk).requested_at == row.requested_at
    client.logout()
    response = client.get(url("guide-report-file", two_years))
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def kaz_member(organisation):
    return PartnerMembership.objects.filter(organisation=organisation).first().user


def test_the_file_is_a_404_until_built(client, two_years, kaz):
    client.force_login(member(kaz, "tresoriere@kaz.re"))
    assert client.get(url("guide-report-file", two_years)).status_code == 404
    client.post(url("guide-report", two_years))
    assert client.get(url("guide-report-file", two_years)).status_code == 404


def test_the_report_reads_a_constant_number_of_queries_whatever_the_answers_and_actions(kaz):
    small = make_assessment(kaz, year=THIS_YEAR - 1, actions=1)
    big = make_assessment(
        OrganisationFactory(name="Grande structure"), year=THIS_YEAR, actions=12,
        answers={"gouvernance.instances": "oui", "gouvernance.salaries": "oui", "territoire.cooperation": "partiel"},
    )  # fmt: skip
    make_assessment(big.organisation, year=THIS_YEAR - 1, actions=5)
    counts = []
    for assessment in (small, big):
        with CaptureQueriesContext(connection) as queries:
            report.report_context(assessment)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_reads_a_constant_number_of_queries(client, kaz):
    user = member(kaz, "tresoriere@kaz.re")
    client.force_login(user)
    counts = []
    for actions in (1, 10):
        assessment = make_assessment(kaz, year=THIS_YEAR - actions, actions=actions)
        report.request_report(assessment=assessment, by=user)
        report.build_report(assessment_id=assessment.pk)
        client.get(url("guide-report", assessment))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("guide-report", assessment)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_pdf_leaves_storage_with_its_assessment(django_capture_on_commit_callbacks, kaz):
    assessment = make_assessment(kaz, year=THIS_YEAR)
    row = make_ready_report(assessment)
    storage, name = row.file.storage, row.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.delete()
    assert not storage.exists(name)
