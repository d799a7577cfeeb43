"""The Prix de l'ESS's pages: the applicant's two steps; a juror's conflicts hold in the
list, the application's page, its files, the CSV export and the JSON answer; other jurors'
scores stay hidden until the deliberation; query counts stay constant."""

import csv
import io
import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appartenance import prix
from appartenance.models_prix import ApplicationStatus, PrixApplication, PrixCampaign
from tests.appartenance.prix_factories import make_applicant, make_application, make_campaign, make_juror, score

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_campaign_page_shows_the_timetable_in_reunion_time(client):
    campaign = make_campaign()
    html = unescape(client.get("/ess/prix/", follow=True).content.decode())
    assert campaign.title in html and "Heures de La Réunion" in html
    for label, when in prix.timetable(campaign):
        assert label in html and when in html
    assert "Coup de cœur" in html and "Ancrage territorial (×2)" in html


def test_a_member_applies_in_two_steps(client):
    campaign = make_campaign()
    organisation, user = make_applicant()
    client.force_login(user)
    category = campaign.categories.get(name="Coopération")
    response = client.post(f"/ess/prix/{campaign.year}/candidater/", {"organisation": organisation.pk,
                                                                       "category": category.pk})  # fmt: skip
    application = PrixApplication.objects.get()
    assert response.headers["Location"] == f"/ess/prix/candidature/{application.pk}/"
    page = f"/ess/prix/candidature/{application.pk}/"
    response = client.post(page, {"project_title": "Kaz à outils", "summary": "", "impact": ""})
    assert response.status_code == 302
    response = client.post(page, {"project_title": "Kaz à outils", "summary": "Prêt d'outils.", "impact": "200 prêts.",
                                  "suite": "1"})  # fmt: skip
    assert response.headers["Location"] == f"/ess/prix/candidature/{application.pk}/pieces/"
    files = response.headers["Location"]
    response = client.post(files, {"action": "ajouter", "title": "Rapport", "file": SimpleUploadedFile("r.pdf", PDF)})
    assert response.status_code == 302
    response = client.post(files, {"action": "deposer"})
    assert "Cochez la case de confirmation" in response.content.decode() and response.status_code == 400
    response = client.post(files, {"action": "deposer", "confirm": "on"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    html = client.get(page).content.decode()
    assert "ne se modifie plus" in html and 'name="project_title"' not in html
    response = client.post(page, {"project_title": "Changé"})
    application.refresh_from_db()
    assert application.project_title == "Kaz à outils"


def test_an_application_of_another_organisation_is_a_404(client):
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user, submit=False)
    _other_organisation, stranger = make_applicant("Autre structure")
    client.force_login(stranger)
    for path in (f"/ess/prix/candidature/{application.pk}/", f"/ess/prix/candidature/{application.pk}/pieces/"):
        assert client.get(path).status_code == 404
        assert client.post(path, {"project_title": "Pris"}).status_code == 404
    application.refresh_from_db()
    assert application.project_title == "Un projet solidaire"


def _conflicted_jury():
    campaign = make_campaign(phase="jury")
    (declared_org, declared_user), (seen_org, seen_user) = make_applicant("Kaz Déclarée"), make_applicant("Kaz Vue")
    declared = make_application(campaign, declared_org, declared_user, title="Projet caché")
    seen = make_application(campaign, seen_org, seen_user, title="Projet visible")
    juror = make_juror(campaign)
    prix.declare_conflict(juror=juror, organisation=declared_org, reason="Trésorière")
    return campaign, juror, declared, seen


def test_a_declared_organisation_is_absent_from_the_jurors_pages_export_and_json(client, tmp_path):
    campaign, juror, declared, seen = _conflicted_jury()
    client.force_login(juror.user)
    base = f"/ess/prix/{campaign.year}/jury/"

    listing = client.get(base).content.decode()
    assert "Kaz Vue" in listing and "Projet caché" not in listing
    # The conflict form offers only what is not declared yet.
    assert f'<option value="{seen.organisation_id}">' in listing
    assert f'<option value="{declared.organisation_id}">' not in listing
    assert client.get(f"{base}candidatures/{seen.pk}/").status_code == 200
    assert client.get(f"{base}candidatures/{declared.pk}/").status_code == 404
    criteria = list(campaign.criteria.all())
    post = {f"critere_{c.pk}": 5 for c in criteria}
    assert client.post(f"{base}candidatures/{declared.pk}/", post).status_code == 404
    assert not declared.evaluations.exists()

    rows = list(
        csv.reader(io.StringIO(client.get(f"{base}export.csv").content.decode().lstrip("\ufeff")), delimiter=";")
    )
    assert [row[1] for row in rows[1:]] == ["Kaz Vue"]
    data = json.loads(client.get(f"{base}candidatures.json").content)
    assert [item["id"] for item in data["candidatures"]] == [seen.pk]


def test_a_file_of_a_declared_organisation_is_a_404_for_the_juror(client):
    campaign = make_campaign()
    (declared_org, declared_user), (seen_org, seen_user) = make_applicant("Kaz Déclarée"), make_applicant("Kaz Vue")
    declared = make_application(campaign, declared_org, declared_user, submit=False)
    seen = make_application(campaign, seen_org, seen_user, submit=False)
    pieces = {}
    for application, user in ((declared, declared_user), (seen, seen_user)):
        pieces[application.pk] = prix.add_attachment(
            application=application, title="Budget", upload=SimpleUploadedFile("b.pdf", PDF), by=user
        )
        prix.submit_application(application=application, by=user)
    juror = make_juror(campaign)
    prix.declare_conflict(juror=juror, organisation=declared_org)
    client.force_login(juror.user)
    assert client.get(f"/ess/prix/candidature/{seen.pk}/pieces/{pieces[seen.pk].pk}/").status_code == 200
    assert client.get(f"/ess/prix/candidature/{declared.pk}/pieces/{pieces[declared.pk].pk}/").status_code == 404


def test_a_juror_never_sees_another_jurors_scores_before_the_deliberation(client):
    campaign = make_campaign(phase="jury")
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user)
    alice, bruno = make_juror(campaign, "alice@exemple.re"), make_juror(campaign, "bruno@exemple.re")
    score(alice, application, 9, 9, 9, comment="Commentaire-secret-d-Alice")
    client.force_login(bruno.user)
    page = f"/ess/prix/{campaign.year}/jury/candidatures/{application.pk}/"
    for path in (page, f"/ess/prix/{campaign.year}/jury/", f"/ess/prix/{campaign.year}/jury/export.csv",
                 f"/ess/prix/{campaign.year}/jury/candidatures.json"):  # fmt: skip
        body = client.get(path).content.decode()
        assert "Commentaire-secret-d-Alice" not in body and "alice@exemple.re" not in body, path
    assert (
        json.loads(client.get(f"/ess/prix/{campaign.year}/jury/candidatures.json").content)["candidatures"][0][
            "mes_notes"
        ]
        == {}
    )

    prix.record_deliberation(campaign=campaign, minutes="Vote.", prizes={application.pk: "Lauréat"}, by=None)
    assert "Commentaire-secret-d-Alice" in client.get(page).content.decode()


def test_a_juror_scores_through_the_grid_and_bad_input_is_said_in_french(client):
    campaign = make_campaign(phase="jury")
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user)
    juror = make_juror(campaign)
    client.force_login(juror.user)
    page = f"/ess/prix/{campaign.year}/jury/candidatures/{application.pk}/"
    criteria = list(campaign.criteria.all())
    response = client.post(page, {f"critere_{criteria[0].pk}": "12", f"critere_{criteria[1].pk}": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "« Utilité sociale du projet » : une note entière de 0 à 10." in html
    assert "Notez « Gouvernance » de 0 à 10." in html
    response = client.post(page, {f"critere_{c.pk}": "7" for c in criteria})
    assert response.status_code == 302
    assert [s.points for s in juror.evaluations.get().scores.all()] == [7, 7, 7]


def test_jury_pages_are_for_jurors_only(client):
    campaign = make_campaign(phase="jury")
    _organisation, member = make_applicant()
    for path in (f"/ess/prix/{campaign.year}/jury/", f"/ess/prix/{campaign.year}/jury/export.csv",
                 f"/ess/prix/{campaign.year}/jury/candidatures.json"):  # fmt: skip
        assert client.get(path).status_code == 302  # to the login
    client.force_login(member)
    assert client.get(f"/ess/prix/{campaign.year}/jury/").status_code == 404


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_jury_list_and_the_laureates_page_take_a_constant_number_of_queries(client):
    campaign = make_campaign(phase="jury")
    juror = make_juror(campaign)
    client.force_login(juror.user)
    applications = []

    def add(count):
        for _ in range(count):
            organisation, user = make_applicant(f"Structure {len(applications)}")
            applications.append(make_application(campaign, organisation, user))
            score(juror, applications[-1], 5, 6, 7)

    add(2)
    prix.declare_conflict(juror=juror, organisation=applications[0].organisation)
    few = _count(client, f"/ess/prix/{campaign.year}/jury/")
    few_json = _count(client, f"/ess/prix/{campaign.year}/jury/candidatures.json")
    add(6)
    assert _count(client, f"/ess/prix/{campaign.year}/jury/") == few
    assert _count(client, f"/ess/prix/{campaign.year}/jury/candidatures.json") == few_json

    prix.record_deliberation(campaign=campaign, minutes="Vote.", prizes={applications[1].pk: "Lauréat"}, by=None)
    prix.publish_laureates(campaign=campaign, by=None)
    client.logout()
    one = _count(client, f"/ess/prix/{campaign.year}/laureats/")
    PrixCampaign.objects.filter(pk=campaign.pk).update(published_at=None)
    prix.record_deliberation(
        campaign=campaign, minutes="Vote.", prizes={a.pk: "Lauréat" for a in applications}, by=None
    )
    PrixCampaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now())
    assert _count(client, f"/ess/prix/{campaign.year}/laureats/") == one
