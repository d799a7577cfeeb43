"""Career orientation through the intake (issue 19, point 6): « Je souhaite travailler dans
l'ESS » and « Évoluer dans ma carrière ESS » are kinds of request that emplois registers in
lib.intake_kinds; a holder picks one, staff see whom to orient it to and orient it to a
career partner, who answers through the intake's partner private link, unchanged. accueil
never imports emplois (tests/test_layering.py checks every file; this says it for this link)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accueil.models import IntakeRequest, Orientation
from accueil.orientation import orient, recommend
from accueil.services import transition_request
from annuaire.models import Category
from emplois.intake import CAREER_IN_THE_ESS, WORK_IN_THE_ESS
from lib import intake_kinds
from messagerie.models import OutgoingEmail
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

PERSON = {"first_name": "Jessica", "last_name": "Grondin", "email": "jessica@exemple.re", "phone": ""}
PROJECT = {
    "legal_form_kind": "inconnue",
    "title": "Travailler dans une association d'aide à domicile",
    "description": "Aide-soignante depuis dix ans, je voudrais rejoindre une structure de l'ESS.",
    "stage": "emergence",
    "siret": "",
}


def step(name):
    return reverse("accueil:etape", args=[name])


def career_partner(name="France Travail Réunion"):
    category, _ = Category.objects.get_or_create(slug="formation-et-emploi", defaults={"name": "Formation et emploi"})
    return OrganisationFactory(
        name=name, commune=commune(), is_support_structure=True, email="conseil@exemple.re", categories=[category]
    )


def test_emplois_registers_its_two_kinds():
    assert intake_kinds.get_kind("travailler_ess") == WORK_IN_THE_ESS
    assert intake_kinds.get_kind("carriere_ess") == CAREER_IN_THE_ESS
    assert WORK_IN_THE_ESS.label == "Je souhaite travailler dans l'ESS"
    assert set(WORK_IN_THE_ESS.partner_names) == {"Cité des Métiers", "France Travail", "Mission Locale", "APEC"}


def test_a_holder_asks_to_work_in_the_ess_through_the_intake(client):
    assert client.post(step("personne"), {**PERSON, "commune": commune().pk}).status_code == 302
    assert client.post(step("projet"), {**PROJECT, "activity_commune": commune().pk}).status_code == 302
    page = client.get(step("besoin")).content.decode()
    assert "Je souhaite travailler dans l&#x27;ESS" in page and "Évoluer dans ma carrière ESS" in page
    assert "Choix du statut" in page, "the intake's own needs stay"
    assert client.post(step("besoin"), {"needs": ["travailler_ess"]}).status_code == 302
    assert client.post(step("participant"), {}).status_code == 302
    review = client.get(step("envoi")).content.decode()
    assert "Je souhaite travailler dans l&#x27;ESS" in review
    response = client.post(step("envoi"), {"consent": "on"})
    assert response.status_code == 302
    intake = IntakeRequest.objects.get()
    assert intake.needs == ["travailler_ess"]
    assert intake.get_needs_display() == ["Je souhaite travailler dans l'ESS"]


def test_staff_see_the_kind_and_whom_to_orient_it_to(client):
    intake, _ = make_request(needs=("carriere_ess",))
    login_verified(client, StaffFactory(role="Accueil"))
    page = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert "Évoluer dans ma carrière ESS" in page
    assert "À orienter vers : Cité des Métiers, France Travail, Mission Locale, APEC." in page


def test_the_career_partner_is_recommended_then_answers_through_the_partner_link(client):
    partner = career_partner()
    OrganisationFactory(name="Incubateur Sud", commune=commune("97416"), is_support_structure=True)
    intake, token = make_request(needs=("travailler_ess",), activity_commune=commune("97416"))
    transition_request(intake=intake, target="qualification")

    ranked = recommend(intake)
    assert ranked[0].organisation == partner
    assert "Thématique adaptée au besoin : Formation et emploi." in ranked[0].reasons

    staff = StaffFactory(role="Accueil")
    orient(intake=intake, organisations=[partner], by=staff, why={partner.pk: "Conseil en évolution professionnelle."})
    intake.refresh_from_db()
    assert intake.status == IntakeRequest.Status.ORIENTED
    email = sent_email(kind="accueil/orientation_partenaire")
    assert email.to == [partner.email] and "Conseil en évolution professionnelle." in email.body
    link = link_path(email, r"/accompagnement/partenaire/[\w-]+/")

    assert intake.title in client.get(link).content.decode()
    response = client.post(link, {"action": "accepter", "message": "Rendez-vous jeudi à l'agence."})
    assert response.status_code == 302
    assert Orientation.objects.get().status == "acceptee"
    holder_page = client.get(reverse("accueil:suivi", args=[token])).content.decode()
    assert "France Travail Réunion" in holder_page and "Rendez-vous jeudi" in holder_page
    assert OutgoingEmail.objects.filter(kind="accueil/orientation_reponse_porteur", to=intake.email).exists()


def test_accueil_never_imports_emplois():
    for path in (Path(settings.BASE_DIR) / "accueil").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import emplois" not in text and "from emplois" not in text, path
