"""The intake's review step, its error summary, its personal fields and its legal forms."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accueil.models import IntakeRequest
from referentiels.models import LegalForm
from tests.accueil.factories import commune, make_request
from tests.accueil.test_intake import PERSON, PROJECT, fill_until_send, step

pytestmark = pytest.mark.django_db


def project(**changes):
    return {**PROJECT, "activity_commune": commune("97411").pk, **changes}


def test_the_review_shows_every_answer_with_a_link_to_change_each_step(client):
    fill_until_send(client, project={"legal_form_kind": "scic"}, participant={"sex": "femme"})
    response = client.get(step("envoi"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vérifiez votre demande" in html
    for answer in [
        "Céline", "Dijoux", "celine@exemple.re", "0692 12 34 56", "Saint-Denis", "Épicerie solidaire du Chaudron",
        "Une épicerie à petits prix pour les familles du quartier.", "Création",
        "SCIC (société coopérative d&#x27;intérêt collectif)", "Financement, Choix du statut", "Femme",
    ]:  # fmt: skip
        assert answer in html, answer
    assert "Je préfère ne pas répondre" in html, "an FSE question left unanswered says so"
    assert re.search(r"<dt[^>]*>Secteur d&#x27;activité</dt><dd[^>]*>Je ne sais pas</dd>", html), "the step's words"
    links = re.findall(r'href="(/accompagnement/demande/[a-z]+/\?revoir=1)"', html)
    assert links == [step(name) + "?revoir=1" for name in ["personne", "projet", "besoin", "participant"]]
    assert IntakeRequest.objects.count() == 0, "nothing is sent before the review"


def test_a_step_changed_from_the_review_goes_back_to_it(client):
    fill_until_send(client)
    changed = project(title="Ressourcerie de Saint-André")
    response = client.post(step("projet") + "?revoir=1", changed)
    assert response.headers["Location"] == step("envoi")
    assert "Ressourcerie de Saint-André" in client.get(step("envoi")).content.decode()
    # Without the link, a step leads to the next one, as before.
    assert client.post(step("projet"), changed).headers["Location"] == step("besoin")


def test_the_review_sends_back_to_a_step_left_to_do(client):
    response = client.post(step("personne") + "?revoir=1", {**PERSON, "commune": commune().pk})
    assert response.headers["Location"] == step("envoi")
    assert client.get(step("envoi")).headers["Location"] == step("projet")


def test_a_failed_step_lists_each_error_with_a_link_to_its_field(client):
    response = client.post(step("personne"), {"first_name": "", "last_name": "Dijoux", "email": "pas-une-adresse"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Erreur — " in html
    summary = re.search(r'<div class="alert alert-danger error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert "3 réponses sont à corriger" in summary.group(1)
    assert re.findall(r'href="#(id_\w+)"', summary.group(1)) == ["id_first_name", "id_email", "id_commune"]
    # Each field in error says so and points to its message.
    email = re.search(r'<input type="email"[^>]*id="id_email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email and "id_email_error" in email
    assert 'id="id_email_error"' in html
    # A group of radios is linked through its first choice, which exists in the page.
    fields = client.post(step("personne"), {**PERSON, "commune": commune().pk})
    assert fields.status_code == 302
    html = client.post(step("projet"), {"legal_form_kind": "inconnue"}).content.decode()
    assert 'href="#id_stage_0"' in html and 'id="id_stage_0"' in html
    assert "Une réponse est à corriger" not in html
    one = client.post(step("projet"), project(stage="")).content.decode()
    assert "Une réponse est à corriger" in one


def test_personal_fields_say_what_they_hold(client):
    html = client.get(step("personne")).content.decode()
    for name, kind, purpose in [
        ("first_name", "text", "given-name"),
        ("last_name", "text", "family-name"),
        ("email", "email", "email"),
        ("phone", "tel", "tel"),
    ]:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'type="{kind}"' in tag and f'autocomplete="{purpose}"' in tag, tag
    assert re.search(r'<select[^>]*name="commune"[^>]*autocomplete="address-level2"', html)
    assert 'autocomplete="email"' in client.get("/accompagnement/suivi/").content.decode()


def test_common_ess_forms_come_first_then_the_whole_insee_list(client):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    html = client.get(step("projet")).content.decode()
    select = re.search(r'<select name="legal_form_kind".*?</select>', html, re.S).group(0)
    labels = [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]
    assert labels == [
        "Choisissez une réponse", "Association loi 1901", "SCOP (société coopérative et participative)",
        "SCIC (société coopérative d&#x27;intérêt collectif)", "CAE (coopérative d&#x27;activité et d&#x27;emploi)",
        "Mutuelle", "Fondation", "Fonds de dotation", "Société commerciale de l&#x27;ESS (SAS, SARL…)",
        "Je ne sais pas encore", "Une autre forme (liste INSEE)",
    ]  # fmt: skip
    listed = re.findall(r'<option value="([^"]*\(\d{4}\))"></option>', html)
    assert len(listed) == LegalForm.objects.count() > 60
    assert "Alsace" not in listed[0] and "droit local" not in listed[0]
    assert all("droit local" in entry for entry in listed[-2:]), "local-law forms close the list"


@pytest.mark.parametrize(
    "answer, typed, code",
    [
        ("insee", "5710", "5710"),
        ("insee", "SAS, société par actions simplifiée (5710)", "5710"),
        ("insee", "  sas, SOCIETE par actions simplifiee ", "5710"),
        ("association", "", "9220"),
        ("fondation", "", "9300"),
        ("scop", "", None),
        ("fonds_dotation", "", None),
        ("inconnue", "", None),
    ],
)
def test_the_legal_form_is_stored_as_answered(client, answer, typed, code):
    fill_until_send(client, project={"legal_form_kind": answer, "legal_form": typed})
    assert client.post(step("envoi"), {"consent": "on"}).status_code == 302
    intake = IntakeRequest.objects.select_related("legal_form").get()
    assert intake.legal_form_kind == answer
    assert (intake.legal_form.code if intake.legal_form else None) == code


@pytest.mark.parametrize(
    "answer, typed, message",
    [
        ("insee", "", "Choisissez une forme dans la liste"),
        ("insee", "Société imaginaire", "Choisissez une forme dans la liste"),
        ("insee", "9999", "Choisissez une forme dans la liste"),
        ("scop", "5710", "Vous avez choisi une forme courante"),
        ("", "", "Choisissez une forme juridique, ou « Je ne sais pas encore »."),
        ("sarl", "", "Sélectionnez un choix valide."),
    ],
)
def test_a_legal_form_that_cannot_be_stored_is_explained(client, answer, typed, message):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    response = client.post(step("projet"), project(legal_form_kind=answer, legal_form=typed))
    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.content.decode()


def test_the_database_refuses_a_legal_form_that_contradicts_the_answer():
    intake, _token = make_request()
    for kind, form in [("insee", None), ("inconnue", LegalForm.objects.get(code="9220"))]:
        with pytest.raises(IntegrityError), transaction.atomic():
            IntakeRequest.objects.filter(pk=intake.pk).update(legal_form_kind=kind, legal_form=form)


@pytest.mark.parametrize("typed", ["aide à domicile", "AIDE A DOMICILE", "8810a", "88.10A — Aide à domicile"])
def test_the_activity_is_found_by_its_words_or_its_code(client, typed):
    fill_until_send(client, project={"naf_activity": typed})
    assert "88.10A — Aide à domicile" in client.get(step("envoi")).content.decode()
    client.post(step("envoi"), {"consent": "on"})
    intake = IntakeRequest.objects.select_related("naf_activity", "sector").get()
    assert intake.naf_activity.code == "88.10A"
    assert intake.sector.code == "Q", "the sector follows the activity when left blank"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("8899", "Plusieurs activités correspondent. Précisez, ou tapez le code de la vôtre : 88.99A"),
        ("88.99", "88.99B — Action sociale sans hébergement n.c.a."),
        ("hebergement", " ; …."),
        ("zzzz", "Aucune activité ne correspond"),
    ],
)
def test_an_activity_that_is_not_one_is_explained(client, typed, message):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    response = client.post(step("projet"), project(naf_activity=typed))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_naf_activity"' in response.content.decode()


def test_activity_suggestions_follow_the_words_or_the_code_typed(client):
    address = reverse("accueil:activites")
    assert client.get(address, {"q": "8899"}).json() == {
        "results": [
            "88.99A — Autre accueil ou accompagnement sans hébergement d’enfants et d’adolescents",
            "88.99B — Action sociale sans hébergement n.c.a.",
        ]
    }
    assert "88.10A — Aide à domicile" in client.get(address, {"q": "AIDE a DOMICILE"}).json()["results"]
    assert len(client.get(address, {"q": "hébergement"}).json()["results"]) == 10, "ten at most"
    for typed in ["", "a", "zzzz", "'; select", "x" * 5000]:
        response = client.get(address, {"q": typed})
        assert response.status_code == 200 and response.json() == {"results": []}
    assert client.post(address, {"q": "8899"}).status_code == 405


def test_a_refused_sending_keeps_the_review_and_links_to_the_consent(client):
    fill_until_send(client)
    response = client.post(step("envoi"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_consent"' in html and 'id="id_consent"' in html
    assert "Épicerie solidaire du Chaudron" in html, "the answers stay under the eyes"
    assert IntakeRequest.objects.count() == 0
