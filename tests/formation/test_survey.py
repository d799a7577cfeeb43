"""The survey pages behind a trainee's private link (formation/views_survey.py): one answer
per registration and kind, bad input refused in French, never a 500; the convocation page."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formation import schedule
from formation.models import Registration, Session, SurveyResponse
from tests.formation.schedule_helpers import make_registration, make_session, mark

pytestmark = pytest.mark.django_db

Status = Registration.Status


def text(response) -> str:
    return html.unescape(response.content.decode())


def path_of(url: str) -> str:
    return urlsplit(url).path


def present(**values) -> Registration:
    session = make_session(starts_at=timezone.now() - timedelta(hours=8), hours=7)
    return make_registration(session, status=Status.PRESENT, **values)


def survey_path(registration: Registration, kind: str = "chaud") -> str:
    return path_of(schedule.build_survey_link(registration=registration.pk, kind=kind))


def test_a_trainee_answers_the_hot_survey_once(client):
    registration = present()
    path = survey_path(registration)
    page = client.get(path)
    content = text(page)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "Dans l'ensemble, êtes-vous satisfait·e de cette formation ?" in content
    assert "Avez-vous mis en pratique" not in content, "the hot survey does not ask about work yet"

    response = client.post(path, {"satisfaction": "5", "objectives_met": "4", "comment": "  Très concret.  "})
    assert response.status_code == 302 and response["Location"] == path
    answer = SurveyResponse.objects.get(registration=registration)
    assert (answer.kind, answer.satisfaction, answer.objectives_met) == ("chaud", 5, 4)
    assert answer.comment == "Très concret." and answer.applied_at_work is None

    page = text(client.get(path))
    assert "Merci : vos réponses sont enregistrées." in page
    assert "est enregistrée : une seule réponse par personne" in page and "<form" not in page.split("<main")[-1]

    second = client.post(path, {"satisfaction": "1", "objectives_met": "1"})
    assert second.status_code == 400
    assert "Vous avez déjà répondu à ce questionnaire le " in text(second)
    assert SurveyResponse.objects.get(registration=registration).satisfaction == 5


def test_the_cold_survey_asks_what_changed_at_work_and_needs_a_yes_or_no(client):
    registration = present()
    path = survey_path(registration, "froid")
    content = text(client.get(path))
    assert "Qu'est-ce qui a changé dans votre travail depuis la formation ?" in content
    assert "Avez-vous mis en pratique ce que vous avez appris ?" in content

    refused = client.post(path, {"satisfaction": "4", "objectives_met": "3"})
    assert refused.status_code == 400 and "Répondez par oui ou par non." in text(refused)
    client.post(path, {"satisfaction": "4", "objectives_met": "3", "applied_at_work": "non", "comment": "Rien."})
    answer = SurveyResponse.objects.get(registration=registration, kind="froid")
    assert answer.applied_at_work is False and answer.comment == "Rien."
    # The hot survey is a survey of its own: still open.
    assert client.get(survey_path(registration, "chaud")).status_code == 200
    assert "<form" in text(client.get(survey_path(registration, "chaud")))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez une réponse."),
        ({"satisfaction": "9", "objectives_met": "3"}, "Choisissez une des réponses."),
        ({"satisfaction": "cinq", "objectives_met": "3"}, "Choisissez une des réponses."),
        ({"satisfaction": "5", "objectives_met": "3", "comment": "x" * 3001}, "3 000 caractères au plus"),
    ],
)
def test_bad_input_is_refused_in_french(client, data, message):
    registration = present()
    response = client.post(survey_path(registration), data)
    assert response.status_code == 400 and message in text(response)
    assert not SurveyResponse.objects.exists()


def test_a_person_no_longer_marked_present_cannot_answer(client):
    registration = present()
    path = survey_path(registration)
    mark(registration, Status.ABSENT)
    response = client.post(path, {"satisfaction": "5", "objectives_met": "5"})
    assert response.status_code == 400
    assert "réservé aux personnes présentes" in text(response)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/formations/questionnaire/chaud/faux/",
        "/formations/questionnaire/tiede/faux/",
        "/formations/questionnaire/chaud/" + "x" * 300 + "/",
        "/formations/convocation/faux/",
    ],
)
def test_a_wrong_link_opens_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "Ce lien n'est plus valable" in text(response)
    assert client.post(path, {"satisfaction": "5", "objectives_met": "5"}).status_code in (404, 405)
    assert not SurveyResponse.objects.exists()


def test_a_link_opens_only_its_own_kind_of_survey(client):
    registration = present()
    hot = survey_path(registration, "chaud")
    assert client.get(hot.replace("/chaud/", "/froid/")).status_code == 404
    convocation = path_of(
        schedule.build_convocation_link(registration=make_registration(make_session(starts_at=timezone.now())).pk)
    )
    token = convocation.rstrip("/").split("/")[-1]
    assert client.get(f"/formations/questionnaire/chaud/{token}/").status_code == 404


def test_survey_posts_are_rate_limited_per_link(client, settings):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 2
    path = survey_path(present())
    for _ in range(2):
        assert client.post(path, {}).status_code == 400
    response = client.post(path, {"satisfaction": "5", "objectives_met": "5"})
    assert response.status_code == 429 and "Trop d'envois" in text(response)
    assert not SurveyResponse.objects.exists()
    # Counted per link: the next trainee of the same training room (same address) answers.
    assert client.post(survey_path(present()), {"satisfaction": "5", "objectives_met": "5"}).status_code == 302


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    satisfaction=st.one_of(st.sampled_from(["1", "5", "0", "6", "", "-1", "5.0"]), st.text(max_size=12)),
    objectives=st.one_of(st.sampled_from(["1", "3", "99"]), st.text(max_size=12)),
    applied=st.one_of(st.sampled_from(["oui", "non", "peut-être", ""]), st.text(max_size=12)),
    comment=st.text(max_size=3100),
    kind=st.sampled_from(["chaud", "froid"]),
)
def test_random_answers_never_give_a_500(client, satisfaction, objectives, applied, comment, kind):
    cache.clear()  # the rate limit counts posts per address: each example starts afresh
    registration = present()
    path = survey_path(registration, kind)
    data = {"satisfaction": satisfaction, "objectives_met": objectives, "applied_at_work": applied, "comment": comment}
    response = client.post(path, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        page = text(response)
        assert "Choisissez" in page or "Répondez par oui ou par non." in page or "caractères au plus" in page
    assert SurveyResponse.objects.filter(registration=registration).count() == (response.status_code == 302)


def test_the_convocation_page_says_when_a_session_or_a_registration_is_cancelled(client):
    session = make_session(starts_at=timezone.now() + timedelta(days=5))
    registration = make_registration(session)
    path = path_of(schedule.build_convocation_link(registration=registration.pk))
    assert "n'est plus active" not in text(client.get(path))
    mark(registration, Status.CANCELLED)
    assert "Votre inscription à cette session n'est plus active" in text(client.get(path))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert "Cette session est annulée." in text(client.get(path))


def test_the_convocation_page_shows_the_programme_cleaned(client):
    session = make_session(starts_at=timezone.now() + timedelta(days=5))
    session.training.programme = '<p>Le bureau</p><script>alert("x")</script><img src=x onerror="alert(1)">'
    session.training.save()
    path = path_of(schedule.build_convocation_link(registration=make_registration(session).pk))
    content = text(client.get(path))
    assert "<p>Le bureau</p>" in content
    assert 'alert("x")' not in content and "onerror" not in content
