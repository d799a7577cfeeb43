"""Orienting to any published structure of the directory, the recommended ones on top,
after a preview of each structure's email (issue 18, point 5)."""

import pytest
from django.urls import reverse

from accueil.models import Orientation
from accueil.services import transition_request
from annuaire.models import PartnerMembership
from messagerie.models import OutgoingEmail
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    login_verified(client, StaffFactory(role="Accueil"))
    intake, _ = make_request()
    transition_request(intake=intake, target="qualification")
    recommended = OrganisationFactory(
        name="Kaz Initiatives", commune=commune(), is_support_structure=True, email="kaz@exemple.re"
    )
    # Neither a support structure nor nearby: never recommended, found only by a search.
    elsewhere = OrganisationFactory(name="Ressourcerie Kaz Lontan", commune=commune("97416"), email="rkl@exemple.re")
    hidden = OrganisationFactory(name="Kaz Cachée", is_published=False, email="cachee@exemple.re")
    return {"intake": intake, "recommended": recommended, "elsewhere": elsewhere, "hidden": hidden}


def orient_url(intake):
    return reverse("admin:accueil_intakerequest_orient", args=[intake.pk])


def test_the_search_finds_any_published_structure_and_the_recommended_stay_on_top(client, setting):
    page = client.get(orient_url(setting["intake"])).content.decode()
    table = page.index("Structures recommandées")
    assert table < page.index("Kaz Initiatives") < page.index("Chercher une autre structure")
    assert "Installée à Saint-Denis." in page and "Ressourcerie Kaz Lontan" not in page
    assert 'data-ajax--url="/gestion/autocomplete/"' in page  # the admin's own search widget
    found = client.get(
        reverse("admin:autocomplete"),
        {"term": "kaz", "app_label": "accueil", "model_name": "orientation", "field_name": "organisation"},
    ).json()
    names = {result["text"] for result in found["results"]}
    assert {"Kaz Initiatives", "Ressourcerie Kaz Lontan"} <= names and "Kaz Cachée" not in names


def test_staff_see_each_email_before_sending_then_send(client, setting):
    intake, recommended, elsewhere = setting["intake"], setting["recommended"], setting["elsewhere"]
    # The holder's words are shown as text (the email text is rendered without escaping).
    type(intake).objects.filter(pk=intake.pk).update(title="Épicerie <b>solidaire</b>")
    intake.refresh_from_db()
    choice = {"structures": [recommended.pk], "others": [elsewhere.pk]}
    preview = client.post(orient_url(intake), {**choice, "etape": "apercu"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert f"La CRESS vous oriente un projet : Épicerie &lt;b&gt;solidaire&lt;/b&gt; ({intake.reference})" in html
    assert "<b>solidaire" not in html
    kaz = html[html.index("Kaz Initiatives — kaz@exemple.re") : html.index("Ressourcerie Kaz Lontan — rkl@exemple.re")]
    assert "Pourquoi vous : Installée à Saint-Denis." in kaz
    assert "Pourquoi vous" not in html[html.index("Ressourcerie Kaz Lontan — rkl@exemple.re") :]
    assert "créé à l&#x27;envoi" in html  # the private link is not made for a preview
    assert not Orientation.objects.exists() and not OutgoingEmail.objects.filter(kind__contains="orientation").exists()
    # Back to the choice, kept.
    back = client.post(orient_url(intake), {**choice, "etape": "modifier"}).content.decode()
    assert f'value="{recommended.pk}" id="structure-{recommended.pk}" checked' in back
    assert f'<option value="{elsewhere.pk}" selected>Ressourcerie Kaz Lontan</option>' in back
    sent = client.post(orient_url(intake), {**choice, "etape": "envoyer"})
    assert sent.status_code == 302
    assert set(Orientation.objects.values_list("organisation__name", flat=True)) == {
        "Kaz Initiatives",
        "Ressourcerie Kaz Lontan",
    }
    email = sent_email(kind="accueil/orientation_partenaire", to="rkl@exemple.re")
    assert client.get(link_path(email, r"/accompagnement/partenaire/[\w-]+/")).status_code == 200


def test_an_unpublished_structure_or_no_choice_is_refused_in_french(client, setting):
    intake = setting["intake"]
    page = client.post(orient_url(intake), {"others": [setting["hidden"].pk], "etape": "envoyer"})
    assert page.status_code == 200 and "Sélectionnez un choix valide" in page.content.decode()
    page = client.post(orient_url(intake), {"etape": "apercu"}).content.decode()
    assert "Choisissez au moins une structure." in page
    assert not Orientation.objects.exists()


def test_the_preview_names_every_recipient_members_included(client, setting):
    members_only = OrganisationFactory(name="Kaz Membres", commune=commune("97416"), email="")
    PartnerMembership.objects.create(user=UserFactory(email="nadia@kaz-membres.re"), organisation=members_only)
    choice = {"structures": [setting["recommended"].pk], "others": [members_only.pk], "etape": "apercu"}
    html = client.post(orient_url(setting["intake"]), choice).content.decode()
    assert "Kaz Membres — nadia@kaz-membres.re" in html
    assert "aucun destinataire" not in html
