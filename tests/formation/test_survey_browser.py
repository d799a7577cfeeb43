"""A trainee in Chromium, at a phone's and a desk's width: reads the convocation from its
email, then after the session answers the survey from its email (a forgotten answer first,
told in French), and finds the answer kept. Each page fits the width and is axe-clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from formation import schedule
from formation.models import Registration, SurveyResponse
from tests.formation.schedule_helpers import local, make_registration, make_session, make_training, mark
from tests.helpers import browser
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

Status = Registration.Status


@pytest.mark.parametrize("width", [360, 1280])
def test_a_trainee_reads_the_convocation_then_answers_the_survey(chromium, live_server, width):
    training = make_training(
        title="Créer une SCIC : gouvernance multi-sociétaires et répartition des excédents",
        what_to_bring="Un ordinateur portable et les statuts de votre structure.",
    )
    day = timezone.localdate() + timedelta(days=6)
    session = make_session(starts_at=local(day.year, day.month, day.day, 8, 30), training=training)
    registration = make_registration(session, first_name="Josué", email="josue@exemple.re")
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = context.new_page()

    def look(name):
        browser.look(page, f"formation-{name}")

    schedule.queue_scheduled_emails()
    page.goto(live_server.url + link_path(sent_email(kind=schedule.EmailKind.CONVOCATION), r"/formations/\S+/"))
    assert page.get_by_role("heading", level=1).inner_text() == training.title
    assert page.get_by_text("Un ordinateur portable et les statuts de votre structure.").is_visible()
    assert page.get_by_text("Maison de l'ESS, 12 rue de Paris, Saint-Denis").is_visible()
    look("convocation")

    # The session took place; staff marked Josué present; the next sweep sends the survey.
    mark(registration, Status.PRESENT)
    schedule.queue_scheduled_emails(now=session.ends_at + timedelta(hours=1))
    page.goto(live_server.url + link_path(sent_email(kind=schedule.EmailKind.HOT_SURVEY), r"/formations/\S+/"))
    look("questionnaire")
    page.get_by_label("4 — Satisfait·e").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Choisissez une réponse.").wait_for()
    look("questionnaire-erreur")
    assert page.get_by_label("4 — Satisfait·e").is_checked(), "what was chosen stays chosen"
    page.get_by_label("5 — Tout à fait").check()
    page.get_by_label("Un commentaire, une suggestion").fill("Des exemples réunionnais, très concrets.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Merci : vos réponses sont enregistrées.").wait_for()
    assert page.get_by_role("button", name="Envoyer mes réponses").count() == 0
    look("questionnaire-merci")
    answer = SurveyResponse.objects.get(registration=registration, kind="chaud")
    assert (answer.satisfaction, answer.objectives_met) == (4, 5)
    assert answer.comment == "Des exemples réunionnais, très concrets."
    context.close()
