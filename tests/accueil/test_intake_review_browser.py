"""The intake as a holder makes it in Chromium, on a phone and on a desktop: a failed step
and its error summary, the review, a change from the review, the sending, then a
withdrawal that asks for confirmation."""

import pytest

from accueil.models import IntakeRequest, RequestTransition
from tests.helpers import browser
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


@pytest.mark.parametrize("width", [360, 1280])
def test_holder_corrects_reviews_sends_then_withdraws(page, live_server, width):
    def look(name):
        browser.look(page, f"porteur-{name}")

    page.set_viewport_size({"width": width, "height": 800})
    base = live_server.url
    page.goto(base + "/accompagnement/demande/personne/")
    look("etape-personne")

    # A step sent with mistakes: the summary says so, takes the focus and leads to each field.
    page.get_by_label("Adresse électronique").fill("celine-at-exemple.re")
    page.get_by_role("button", name="Continuer").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "4 réponses sont à corriger"
    assert "error-summary" in focused(page)
    assert page.title().startswith("Erreur — ")
    look("erreurs")
    summary.get_by_role("link", name="Adresse électronique : Saisissez une adresse e-mail valide.").click()
    assert focused(page) == "id_email"
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"

    page.get_by_label("Prénom").fill("Céline")
    page.locator("#id_last_name").fill("Dijoux")
    page.get_by_label("Adresse électronique").fill("celine@exemple.re")
    page.get_by_label("Commune de résidence").select_option(label="Saint-Denis")
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Nom ou titre du projet").fill("Épicerie solidaire du Chaudron")
    page.get_by_label("Décrivez votre projet").fill("Une épicerie à petits prix pour les familles.")
    page.get_by_label("Commune où le projet aura lieu").select_option(label="Saint-Denis")
    # The activity: suggestions as one types, by the code without its dot, chosen with the keyboard.
    activity = page.get_by_role("combobox", name="Activité précise (facultatif)")
    activity.fill("8899")
    suggestions = page.get_by_role("listbox", name="Activités suggérées")
    suggestions.get_by_role("option").first.wait_for()
    assert suggestions.get_by_role("option").all_inner_texts() == [
        "88.99A — Autre accueil ou accompagnement sans hébergement d’enfants et d’adolescents",
        "88.99B — Action sociale sans hébergement n.c.a.",
    ]
    assert activity.get_attribute("aria-expanded") == "true"
    look("activite-suggestions")
    activity.press("ArrowDown")
    activity.press("ArrowDown")
    activity.press("Enter")
    assert activity.input_value() == "88.99B — Action sociale sans hébergement n.c.a."
    assert not suggestions.is_visible() and activity.get_attribute("aria-expanded") == "false"
    page.get_by_label("Création").check()
    listed = page.get_by_label("Autre forme : tapez un mot de son nom ou son code INSEE")
    assert not listed.is_visible(), "the INSEE list shows only for « Une autre forme »"
    page.get_by_label("Forme juridique envisagée ou existante").select_option(
        label="SCOP (société coopérative et participative)"
    )
    assert not listed.is_visible()
    page.get_by_label("Forme juridique envisagée ou existante").select_option(label="Une autre forme (liste INSEE)")
    assert listed.is_visible()
    page.get_by_label("Autre forme : tapez un mot de son nom ou son code INSEE").fill("5710")
    look("etape-projet")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Financement").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Continuer").click()  # every FSE question refused

    # The review: every answer, a « Modifier » link per step; nothing is sent yet.
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre demande"
    for answer in [
        "celine@exemple.re", "Épicerie solidaire du Chaudron", "88.99B — Action sociale sans hébergement n.c.a.",
        "SAS, société par actions simplifiée (5710)",
    ]:  # fmt: skip
        assert page.get_by_text(answer, exact=True).is_visible(), answer
    assert page.get_by_role("link", name="Modifier").count() == 4
    assert IntakeRequest.objects.count() == 0
    look("verification")
    page.get_by_role("link", name="Modifier : votre projet").click()
    page.get_by_label("Nom ou titre du projet").fill("Épicerie solidaire de Sainte-Clotilde")
    page.get_by_role("button", name="Continuer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre demande"
    assert page.get_by_text("Épicerie solidaire de Sainte-Clotilde", exact=True).is_visible()

    page.locator("#id_consent").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande/envoyee/")
    intake = IntakeRequest.objects.get()
    assert (intake.title, intake.legal_form_kind, intake.legal_form.code) == (
        "Épicerie solidaire de Sainte-Clotilde", "insee", "5710",
    )  # fmt: skip

    # Withdrawing: the button leads to a confirmation; only the confirmation withdraws.
    page.goto(base + link_path(sent_email(kind="accueil/confirmation"), r"/accompagnement/suivi/\S+/"))
    page.get_by_role("link", name="Retirer ma demande").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Retirer votre demande ?"
    intake.refresh_from_db()
    assert intake.status == "nouvelle"
    page.get_by_label("Pourquoi retirez-vous votre demande ? (facultatif)").fill("Le local n'est plus disponible.")
    look("retrait")
    page.get_by_role("button", name="Oui, retirer ma demande").click()
    page.get_by_text("Votre demande est retirée.").wait_for()
    intake.refresh_from_db()
    assert intake.status == "retiree"
    assert (
        RequestTransition.objects.get(subject=intake, to_state="retiree").comment == "Le local n'est plus disponible."
    )
