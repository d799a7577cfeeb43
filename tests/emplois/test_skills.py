"""The skills record (issue 19, point 7): start without an account, the private link, the
experiences and their CléA skills, the compte d'engagement citoyen's reasons, the PDF
summary, deletion and purge; forged, expired and foreign links refused in French."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emplois import skills
from emplois.models_skills import SkillsExperience, SkillsRecord
from messagerie.models import OutgoingEmail, PrivateLink
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_skills_record
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

RECORD_PATH = r"/emplois/competences/dossier/[\w-]+/"
TODAY = timezone.localdate


def experience_data(**overrides):
    data = {
        "role": "Trésorière",
        "organisation_name": "Les Jardins partagés",
        "kind": "benevole",
        "starts_on": (TODAY() - timedelta(days=800)).isoformat(),
        "ends_on": "",
        "hours_total": "",
        "hours_per_week": "5",
        "description": "Tenue des comptes, préparation de l'assemblée générale.",
        "skills": ["1.4", "2.2", "4.2"],
        "association_three_years": "oui",
        "general_interest": "oui",
        "volunteer_role": "direction",
    }
    return data | overrides


def open_record(client, email="benevole@exemple.re"):
    """Start a record through its page; the private page's path from the email."""
    response = client.post(reverse("emplois:competences"), {"email": email, "consent": "on"})
    assert response.status_code == 302
    return link_path(sent_email(kind="emplois/competences_lien", to=email), RECORD_PATH)


# --- The référentiel and the rules as data ----------------------------------------------------


def test_the_clea_referentiel_has_its_seven_domains_and_their_sub_items():
    domains = skills.skill_domains()
    assert [domain.code for domain in domains] == ["1", "2", "3", "4", "5", "6", "7"]
    assert domains[0].label == "Communiquer en français"
    assert all(domain.items for domain in domains)
    assert len(skills.skill_labels()) == sum(len(domain.items) for domain in domains)


def test_the_cec_rules_carry_their_legal_reference_and_amounts():
    rules = skills.cec_rules()
    assert "L5151-7" in rules["references"] and "D5151-14" in rules["references"]
    assert rules["plafond_euros"] == 720
    assert rules["benevolat_associatif"]["euros_par_annee"] == 240
    assert rules["service_civique"]["mois_continus_minimum"] == 6


def test_the_cec_rules_follow_the_texts_in_force_and_say_what_was_not_verified():
    # Loi n° 2024-344 du 15 avril 2024: an association declared for one year (three before).
    rules = skills.cec_rules()
    volunteering = rules["benevolat_associatif"]
    assert volunteering["anciennete_association_annees"] == 1
    assert (volunteering["heures_minimum_annee"], volunteering["heures_minimum_meme_association"]) == (200, 100)
    assert rules["verifie_le"] == "2026-12-04"
    # Each rule names the text consulted; one not found in its official text carries no date.
    assert all(source["texte"] and "verifie_le" in source for source in rules["sources"])
    unverified = [source for source in rules["sources"] if not source["verifie_le"]]
    assert any("720" in source["regle"] for source in unverified)
    assert any("720" in note and "non vérifié" in note for note in rules["non_verifie"])
    [assessment] = skills.cec_assessments([volunteer()], today=date(2025, 6, 1))
    assert assessment.checks[0].label == "Association déclarée depuis au moins 1 an"


# --- The flow ---------------------------------------------------------------------------------


def test_start_email_page_experience_skills_cec_and_pdf(client):
    path = open_record(client)
    record = SkillsRecord.objects.get()
    assert record.consent_text == skills.CONSENT_TEXT and record.consent_at
    # The link is stored hashed only.
    assert path.strip("/").split("/")[-1] not in str(list(PrivateLink.objects.values()))
    page = client.get(path)
    assert page.status_code == 200
    assert "Aucune expérience pour l'instant" in page.content.decode()
    directory = OrganisationFactory(name="Les Jardins partagés", is_published=True)

    response = client.post(path + "experience/", experience_data())
    assert response.status_code == 302
    experience = SkillsExperience.objects.get()
    assert experience.organisation == directory  # picked from the directory by its name
    assert experience.skills == ["1.4", "2.2", "4.2"]

    page = client.get(path).content.decode()
    assert "Écrire" in page and "Travailler en équipe" in page
    assert "Compte d'engagement citoyen" in page
    year = TODAY().year - 1
    assert f"année {year}" in page
    assert "Peut ouvrir des droits (240 €" in page  # 5 h a week all year: 260 h, director
    assert "pas une promesse" in page
    assert "Le plafond de 720 € n'a pas été retrouvé dans le texte officiel : non vérifié." in unescape(page)

    response = client.post(path, {"action": "synthese"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.pdf_pending
    assert "en préparation" in client.get(path).content.decode()


def test_the_worker_part_builds_the_pdf_once_per_request(client, django_capture_on_commit_callbacks, monkeypatch):
    record = make_skills_record(experiences=2)
    calls = []
    monkeypatch.setattr(skills, "_enqueue", calls.append)
    with django_capture_on_commit_callbacks(execute=True):
        skills.request_pdf(record=record)
    assert calls == [record.pk]
    assert skills.build_pdf(record_id=record.pk) is True
    assert skills.build_pdf(record_id=record.pk) is False  # the same request: nothing more
    record.refresh_from_db()
    assert record.pdf_ready
    assert OutgoingEmail.objects.filter(kind="emplois/competences_synthese").count() == 1
    response = client.get(reverse("emplois:competences-synthese", args=[record.token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # A new request: one more build and one more email.
    skills.request_pdf(record=record)
    assert not SkillsRecord.objects.get(pk=record.pk).pdf_ready
    assert skills.build_pdf(record_id=record.pk) is True
    assert OutgoingEmail.objects.filter(kind="emplois/competences_synthese").count() == 2


def test_edit_and_delete_an_experience(client):
    record = make_skills_record(experiences=2)
    first, second = record.experiences.order_by("pk")
    page = reverse("emplois:competences-experience", args=[record.token, first.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, experience_data(role="Présidente", kind="salarie"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.role == "Présidente" and first.volunteer_role == ""  # CEC answers only for volunteers
    assert client.post(page, {"action": "supprimer"}).status_code == 302
    assert list(record.experiences.all()) == [second]


# --- The compte d'engagement citoyen --------------------------------------------------------


def volunteer(**fields):
    values = {
        "kind": SkillsExperience.Kind.VOLUNTEER, "role": "Bénévole", "organisation_name": "Asso",
        "starts_on": date(2024, 1, 1), "ends_on": date(2024, 12, 31), "hours_total": 250,
        "association_three_years": "oui", "general_interest": "oui", "volunteer_role": "encadrement",
    }  # fmt: skip
    return SkillsExperience(**(values | fields))


def statuses(assessment):
    return [check.status for check in assessment.checks]


def test_cec_every_condition_met_may_open_rights_never_a_promise():
    [assessment] = skills.cec_assessments([volunteer()], today=date(2025, 6, 1))
    assert assessment.status == skills.MET and "sous réserve" in assessment.conclusion
    assert skills.cec_possible_total([assessment]) == 240


def test_cec_each_condition_not_met_or_unknown_says_so():
    today = date(2025, 6, 1)
    [role] = skills.cec_assessments([volunteer(volunteer_role="autre")], today=today)
    assert role.status == skills.NOT_MET and skills.NOT_MET in statuses(role)
    [young] = skills.cec_assessments([volunteer(association_three_years="non")], today=today)
    assert young.status == skills.NOT_MET
    [unknown] = skills.cec_assessments([volunteer(general_interest="nsp")], today=today)
    assert unknown.status == skills.UNKNOWN and "Impossible à dire" in unknown.conclusion
    [few] = skills.cec_assessments([volunteer(hours_total=150)], today=today)
    assert few.status == skills.NOT_MET  # 150 h: under 200 in the year
    [no_hours] = skills.cec_assessments([volunteer(hours_total=None)], today=today)
    assert no_hours.status == skills.UNKNOWN


def test_cec_200_hours_across_associations_with_100_in_the_same_one():
    today = date(2025, 6, 1)
    a, b = volunteer(hours_total=120), volunteer(hours_total=90, organisation_name="Autre")
    first, second = skills.cec_assessments([a, b], today=today)
    assert first.status == skills.MET  # 210 h in 2024, 120 of them here
    assert second.status == skills.NOT_MET  # under 100 h in that association


def test_cec_hours_are_counted_per_civil_year():
    spanning = volunteer(starts_on=date(2023, 7, 1), ends_on=date(2024, 6, 30), hours_total=365)
    first, second = skills.cec_assessments([spanning], today=date(2025, 1, 10))
    assert "2023" in first.title and "2024" in second.title
    assert first.status == second.status == skills.NOT_MET  # about 184 h each year


def test_cec_civic_service_of_six_continuous_months_and_the_cap():
    today = date(2026, 6, 1)
    six = SkillsExperience(kind="service_civique", starts_on=date(2024, 9, 1), ends_on=date(2025, 2, 28))
    five = SkillsExperience(kind="service_civique", starts_on=date(2024, 9, 1), ends_on=date(2025, 1, 31))
    running = SkillsExperience(kind="service_civique", starts_on=today - timedelta(days=30), ends_on=None)
    assert skills.cec_assessments([six], today=today)[0].status == skills.MET
    assert skills.cec_assessments([five], today=today)[0].status == skills.NOT_MET
    assert skills.cec_assessments([running], today=today)[0].status == skills.UNKNOWN
    many = [volunteer(starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)) for y in range(2019, 2024)]
    assessments = skills.cec_assessments(many, today=today)
    assert len(assessments) == 5 and all(a.status == skills.MET for a in assessments)
    assert skills.cec_possible_total(assessments) == 720


def test_employees_get_no_cec_assessment():
    employee = volunteer(kind=SkillsExperience.Kind.EMPLOYEE)
    assert skills.cec_assessments([employee], today=date(2025, 6, 1)) == []


# --- Links and access -------------------------------------------------------------------------


def test_forged_and_expired_links_answer_a_french_page(client):
    record = make_skills_record()
    for name in (
        "emplois:competences-dossier", "emplois:competences-experience-ajout", "emplois:competences-synthese",
        "emplois:competences-effacer",
    ):  # fmt: skip
        response = client.get(reverse(name, args=["jeton-invente-0123456789abcdef"]))
        assert response.status_code == 404
        assert "Ce lien n'est plus valable" in response.content.decode()
    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("emplois:competences-dossier", args=[record.token]))
    assert response.status_code == 404 and "Ce lien n'est plus valable" in response.content.decode()


def test_another_persons_record_is_unreachable(client):
    mine, theirs = make_skills_record("moi@exemple.re"), make_skills_record("autre@exemple.re")
    their_experience = theirs.experiences.get()
    page = reverse("emplois:competences-experience", args=[mine.token, their_experience.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "supprimer"}).status_code == 404
    assert client.post(page, experience_data()).status_code == 404
    assert SkillsExperience.objects.filter(pk=their_experience.pk, role="Bénévole n°1").exists()
    content = client.get(reverse("emplois:competences-dossier", args=[mine.token])).content.decode()
    assert "autre@exemple.re" not in content


def same_page(response) -> str:
    """The page without what changes at each response (nonces, CSRF tokens)."""
    return re.sub(r'(nonce|value|content)="[^"]*"', "", response.content.decode())


def test_the_new_link_page_never_reveals_whether_an_email_exists(client):
    make_skills_record("connu@exemple.re")
    page = reverse("emplois:competences-nouveau-lien")
    known = client.post(page, {"email": "connu@exemple.re"})
    unknown = client.post(page, {"email": "inconnu@exemple.re"})
    assert known.status_code == unknown.status_code == 200
    assert same_page(known) == same_page(unknown)
    assert "Si un dossier de compétences correspond à cette adresse" in known.content.decode()
    assert OutgoingEmail.objects.filter(kind="emplois/competences_nouveau_lien").count() == 1
    path = link_path(sent_email(kind="emplois/competences_nouveau_lien"), RECORD_PATH)
    assert client.get(path).status_code == 200


# --- RGPD -------------------------------------------------------------------------------------


def test_the_person_deletes_the_record_at_once(client):
    record = make_skills_record(experiences=3)
    skills.request_pdf(record=record)
    skills.build_pdf(record_id=record.pk)
    page = reverse("emplois:competences-effacer", args=[record.token])
    assert "définitivement" in client.get(page).content.decode()
    response = client.post(page)
    assert response.status_code == 200 and "Votre dossier est effacé" in response.content.decode()
    assert not SkillsRecord.objects.exists() and not SkillsExperience.objects.exists()
    assert client.get(reverse("emplois:competences-dossier", args=[record.token])).status_code == 404


def test_the_purge_deletes_idle_records_only(settings):
    settings.SKILLS_RECORD_DAYS = 365
    idle, active = make_skills_record("ancien@exemple.re"), make_skills_record("actif@exemple.re")
    SkillsRecord.objects.filter(pk=idle.pk).update(last_activity_at=timezone.now() - timedelta(days=366))
    SkillsRecord.objects.filter(pk=active.pk).update(last_activity_at=timezone.now() - timedelta(days=364))
    assert skills.purge_idle_records() == 1
    assert list(SkillsRecord.objects.values_list("email", flat=True)) == ["actif@exemple.re"]
    assert SkillsExperience.objects.filter(record_id=idle.pk).count() == 0
    assert PrivateLink.objects.get(object_id=idle.pk, purpose=skills.RECORD_LINK).expires_at <= timezone.now()


def test_the_purge_runs_each_day_by_beat():
    from cress.celery import app

    entry = app.conf.beat_schedule["emplois-purge-idle-skills-records"]
    assert entry["task"] in app.tasks


def test_a_visit_restarts_the_purge_clock(client):
    record = make_skills_record()
    old = timezone.now() - timedelta(days=200)
    SkillsRecord.objects.filter(pk=record.pk).update(last_activity_at=old)
    client.get(reverse("emplois:competences-dossier", args=[record.token]))
    assert SkillsRecord.objects.get(pk=record.pk).last_activity_at > old


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, record) -> int:
    url = reverse("emplois:competences-dossier", args=[record.token])
    client.get(url)  # the first visit marks the link used
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_record_page_makes_as_many_queries_with_3_or_12_experiences(client):
    three = _queries(client, make_skills_record("trois@exemple.re", experiences=3))
    twelve = _queries(client, make_skills_record("douze@exemple.re", experiences=12))
    assert three == twelve
    assert twelve <= 8
