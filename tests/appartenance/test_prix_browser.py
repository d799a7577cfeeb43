"""An organisation's member applies to the Prix de l'ESS in Chromium, at a phone's and a
desk's width: from the campaign page (timetable in Reunion time) to step 1 saved as a
draft, step 2 with a file, a submission refused until confirmed, then submitted and frozen.
A juror reads their list and scores. axe-core clean, no sideways scroll."""

from pathlib import Path

import pytest
from django.test import Client

from appartenance import prix
from appartenance.models_prix import ApplicationStatus, PrixApplication
from tests.appartenance.prix_factories import make_applicant, make_application, make_campaign, make_juror, score
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _page(chromium, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_member_applies_in_two_steps_saves_a_draft_and_submits(chromium, live_server, width, tmp_path):
    make_campaign()
    _organisation, marie = make_applicant("Association Kaz Solidaire", email="marie@kaz.re")
    page = _page(chromium, live_server, marie, width)

    page.goto(live_server.url + "/ess/")
    page.get_by_role("link", name="Le Prix de l'ESS").click()
    page.get_by_role("heading", name="Le calendrier").wait_for()
    look(page, "prix-campagne")
    page.get_by_label("Structure candidate").select_option(label="Association Kaz Solidaire")
    page.get_by_label("Catégorie", exact=True).select_option(label="Transition écologique")
    page.get_by_role("button", name="Commencer une candidature").click()

    # Step 1, saved as a draft, then completed.
    page.get_by_label("Titre du projet").fill("La recyclerie des Hauts")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    application = PrixApplication.objects.get()
    assert application.project_title == "La recyclerie des Hauts" and application.status == ApplicationStatus.DRAFT
    look(page, "prix-etape-1")
    page.get_by_label("Le projet en bref").fill("Collecte et revente d'objets de seconde main.")
    page.get_by_label("Ses effets, ses résultats").fill("Douze tonnes réemployées, quatre emplois.")
    page.get_by_role("button", name="Enregistrer et passer aux pièces jointes").click()

    # Step 2: a file checked by its content; the submission wants its box ticked.
    rapport = Path(tmp_path) / "rapport.pdf"
    rapport.write_bytes(PDF)
    page.get_by_label("Intitulé de la pièce").fill("Rapport d'activité")
    page.get_by_label("Fichier").set_input_files(str(rapport))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_text("La pièce est ajoutée au brouillon.").wait_for()
    page.get_by_role("button", name="Déposer la candidature").click()
    page.get_by_role("alert").get_by_text("Cochez la case de confirmation pour déposer la candidature.").wait_for()
    look(page, "prix-etape-2-erreur")
    page.get_by_label("Je certifie l'exactitude de cette candidature").check()
    page.get_by_role("button", name="Déposer la candidature").click()
    page.get_by_text("Votre candidature est déposée.").wait_for()
    look(page, "prix-deposee")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.attachments.count() == 1
    assert page.get_by_label("Titre du projet").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_a_juror_scores_an_application(chromium, live_server, width):
    campaign = make_campaign(phase="jury")
    application = make_application(campaign, *make_applicant("Ressourcerie du Port"), title="Réparer plutôt que jeter")
    juror = make_juror(campaign)
    page = _page(chromium, live_server, juror.user, width)
    page.goto(live_server.url + f"/ess/prix/{campaign.year}/jury/")
    look(page, "prix-jury")
    page.get_by_role("link", name="Ressourcerie du Port").click()
    page.get_by_label("Utilité sociale du projet (pondération ×3)").fill("8")
    page.get_by_label("Ancrage territorial (pondération ×2)").fill("11")
    page.get_by_label("Gouvernance (pondération ×1)").fill("6")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    page.get_by_role("alert").get_by_text("« Ancrage territorial » : une note entière de 0 à 10.").wait_for()
    look(page, "prix-grille-erreur")
    page.get_by_label("Ancrage territorial (pondération ×2)").fill("7")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    page.get_by_text("Vos notes sont enregistrées.").wait_for()
    assert sorted(s.points for s in application.evaluations.get().scores.all()) == [6, 7, 8]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_ranking_fits_a_phone_and_passes_axe(chromium, live_server, width):
    from comptes.models import User
    from tests.helpers.auth import login_verified

    campaign = make_campaign(phase="jury")
    jurors = [make_juror(campaign, f"jury.personnalite.qualifiee.{n}@demo.ess-reunion.re") for n in range(3)]
    for name in ("Société coopérative d'intérêt collectif Énergie Soleil Sud", "Ressourcerie Lespas Recyclage"):
        application = make_application(campaign, *make_applicant(name), title="Réparer plutôt que jeter ailleurs")
        for juror in jurors:
            score(juror, application, 6, 7, 8)
    minutes = "Le jury a examiné chaque candidature ; les lauréats sont désignés à la majorité des voix exprimées."
    prix.record_deliberation(campaign=campaign, minutes=minutes, prizes={application.pk: "Lauréat"}, by=None)
    prix.publish_laureates(campaign=campaign, by=None)  # the longest state of the page
    superuser = User.objects.create_superuser(email="admin@exemple.re", password="mot-de-passe-solide-42")
    client = Client()
    login_verified(client, superuser)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/gestion/appartenance/prixcampaign/{campaign.pk}/classement/")
    page.get_by_role("heading", name="Utilité sociale").wait_for()
    look(page, "prix-classement")
