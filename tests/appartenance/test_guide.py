"""The good-practices guide (issue 20, point 3 and the actions of point 4): the eight themes
of the law as data, an organisation's members answering theme by theme (each saving only
what they send), scores, improvement actions, years compared; private to the organisation;
bad input said in French and nothing changed; constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annuaire.models import PartnerMembership
from appartenance import guide
from appartenance.models_guide import GuideAction, GuideAnswer, GuideAssessment
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment
from tests.comptes.factories import UserFactory

pytestmark = pytest.mark.django_db

THEMES = [
    "Gouvernance démocratique",
    "Concertation dans l'élaboration de la stratégie",
    "Territorialisation de l'activité économique et des emplois",
    "Politique salariale et exemplarité sociale",
    "Lien avec les usagers, bénéficiaires et clients",
    "Diversité, lutte contre les discriminations et égalité femmes-hommes",
    "Développement durable",
    "Éthique et déontologie",
]


def member(organisation, email):
    user = UserFactory(email=email, first_name=email.split("@")[0].capitalize())
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user


def theme_url(assessment, theme="gouvernance"):
    return reverse("appartenance:guide-theme", args=[assessment.organisation_id, assessment.year, theme])


def overview_url(assessment):
    return reverse("appartenance:guide-assessment", args=[assessment.organisation_id, assessment.year])


@pytest.fixture
def kaz():
    return OrganisationFactory(name="Association Kaz Solidaire")


def test_the_guide_holds_the_eight_themes_of_the_law_each_question_once():
    data = guide.guide()
    assert [theme.title for theme in data.themes] == THEMES
    ids = [question.id for theme in data.themes for question in theme.questions]
    assert len(ids) == len(set(ids)) == len(data.questions)
    assert all(question.id.startswith(theme.id + ".") for theme in data.themes for question in theme.questions)
    assert {question.type for question in data.questions.values()} == {guide.SCALE, guide.NUMBER, guide.TEXT}
    assert "2014-856" in data.source and data.checked_on


def test_a_member_starts_the_year_and_answers_a_theme(client, kaz):
    marie = member(kaz, "marie@kaz.re")
    client.force_login(marie)
    page = client.get(reverse("appartenance:guide")).content.decode()
    assert "Association Kaz Solidaire" in page and "Commencer l'évaluation" in page
    response = client.post(reverse("appartenance:guide-start"), {"organisation": kaz.pk})
    assessment = GuideAssessment.objects.get(organisation=kaz)
    assert assessment.year == timezone.localdate().year and response.url == overview_url(assessment)

    response = client.post(
        theme_url(assessment),
        {
            "gouvernance.instances": "oui",
            "gouvernance.information": "partiel",
            "gouvernance.salaries": "non",
            "gouvernance.renouvellement": "nsp",
            "gouvernance.participation_ag": "62,5",
        },
    )
    assert response.status_code == 302 and response.url == overview_url(assessment)
    answers = guide.answers_of(assessment)
    assert answers["gouvernance.participation_ag"].number == Decimal("62.50")
    assert answers["gouvernance.instances"].updated_by == marie
    governance = guide.progress(answers)[0]
    # 2 (oui) + 1 (en partie) + 0 (non) out of 2 × 3 scored; « je ne sais pas » does not count.
    assert (governance.answered, governance.total, governance.score) == (5, 5, 50)
    overview = client.get(overview_url(assessment)).content.decode()
    assert "5 / 5" in overview and "50 %" in overview and "complet" in overview


def test_every_theme_page_opens_answered_or_not(client, kaz):
    client.force_login(member(kaz, "marie@kaz.re"))
    fresh = make_assessment(kaz, year=2025, answers={}, actions=0)
    every = {q.id: ("oui" if q.type == "echelle" else "12" if q.type == "nombre" else "Oui.")
             for q in guide.guide().questions.values()}  # fmt: skip
    full = make_assessment(kaz, year=2026, answers=every, actions=0)
    for assessment in (fresh, full):
        for theme in guide.guide().themes:
            response = client.get(theme_url(assessment, theme.id))
            assert response.status_code == 200 and theme.title in response.content.decode().replace("&#x27;", "'")


def test_two_members_answer_without_overwriting_each_other(client, kaz):
    assessment = make_assessment(kaz, answers={}, actions=0)
    marie, paul = member(kaz, "marie@kaz.re"), member(kaz, "paul@kaz.re")
    client.force_login(marie)
    client.post(theme_url(assessment), {"gouvernance.instances": "oui"}, HTTP_ACCEPT="application/json")
    client.force_login(paul)
    response = client.post(theme_url(assessment), {"gouvernance.salaries": "partiel"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"errors": {}, "saved": ["gouvernance.salaries"]}
    answers = guide.answers_of(assessment)
    assert answers["gouvernance.instances"].choice == "oui" and answers["gouvernance.instances"].updated_by == marie
    assert answers["gouvernance.salaries"].updated_by == paul
    page = client.get(theme_url(assessment)).content.decode()
    assert "Répondu par Marie" in page and "Répondu par Paul" in page


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("gouvernance.instances", "peut-être", "Choisissez oui, en partie, non ou je ne sais pas."),
        ("gouvernance.participation_ag", "beaucoup", "Indiquez un nombre, par exemple 42 ou 12,5."),
        ("gouvernance.participation_ag", "140", "Indiquez un nombre d'au plus 100."),
        ("gouvernance.participation_ag", "-3", "Indiquez un nombre d'au moins 0."),
        ("gouvernance.participation_ag", "NaN", "Indiquez un nombre d'au moins 0."),
    ],
)
def test_a_bad_answer_is_said_in_french_and_changes_nothing(client, kaz, question, value, message):
    assessment = make_assessment(kaz, answers={question: "oui" if "instances" in question else "50"}, actions=0)
    client.force_login(member(kaz, "marie@kaz.re"))
    before = list(GuideAnswer.objects.values_list("question", "choice", "number"))
    response = client.post(theme_url(assessment), {question: value})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert list(GuideAnswer.objects.values_list("question", "choice", "number")) == before
    json = client.post(theme_url(assessment), {question: value}, HTTP_ACCEPT="application/json")
    assert json.status_code == 400 and json.json()["errors"] == {question: message}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from([q.id for q in guide.guide().themes[0].questions] + ["autre", "csrfmiddlewaretoken"]),
        st.text(max_size=2100),
        max_size=6,
    )
)
def test_any_input_gets_a_page_never_a_500(client, kaz, data):
    assessment = GuideAssessment.objects.get_or_create(organisation=kaz, year=2026)[0]
    user = PartnerMembership.objects.filter(organisation=kaz).first()
    client.force_login(user.user if user else member(kaz, "fuzz@kaz.re"))
    clean = {key: value.replace("\x00", "") for key, value in data.items()}
    response = client.post(theme_url(assessment), clean)
    assert response.status_code in (302, 400)
    response = client.post(reverse("appartenance:guide-action-new", args=[kaz.pk, 2026]), clean)
    assert response.status_code == 302


def test_another_organisation_s_assessment_does_not_exist_for_you(client, kaz):
    assessment = make_assessment(kaz)
    other = OrganisationFactory(name="Ti Kaz Voisine")
    client.force_login(member(other, "voisin@tikaz.re"))
    for url in (overview_url(assessment), theme_url(assessment)):
        assert client.get(url).status_code == 404
    assert client.post(theme_url(assessment), {"gouvernance.instances": "non"}).status_code == 404
    assert client.post(reverse("appartenance:guide-start"), {"organisation": kaz.pk}).status_code == 302
    assert GuideAssessment.objects.filter(organisation=other).count() == 0
    assert guide.answers_of(assessment)["gouvernance.instances"].choice == "oui"
    # Logged out: to the login page.
    client.logout()
    assert client.get(overview_url(assessment)).url.startswith(reverse("comptes:connexion"))


def test_actions_are_added_and_followed(client, kaz):
    assessment = make_assessment(kaz, actions=0)
    client.force_login(member(kaz, "marie@kaz.re"))
    url = reverse("appartenance:guide-action-new", args=[kaz.pk, assessment.year])
    response = client.post(url, {"theme": "durable", "title": "", "owner": "", "due_on": "demain"}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert "L'action n'est pas ajoutée" in page and "Décrivez l'action." in page and "Indiquez une date" in page
    assert not GuideAction.objects.exists()
    client.post(
        url, {"theme": "durable", "title": "Trier les biodéchets", "owner": "Le trésorier", "due_on": "2027-06-30"}
    )
    action = GuideAction.objects.get()
    assert action.status == GuideAction.Status.TODO and action.theme == "durable"
    status_url = reverse("appartenance:guide-action-status", args=[kaz.pk, assessment.year, action.pk])
    client.post(status_url, {"status": "faite"})
    action.refresh_from_db()
    assert action.status == GuideAction.Status.DONE
    client.post(status_url, {"status": "oubliee"})
    action.refresh_from_db()
    assert action.status == GuideAction.Status.DONE
    assert "Trier les biodéchets" in client.get(overview_url(assessment)).content.decode()


def test_years_are_compared_theme_by_theme(client, kaz):
    make_assessment(kaz, year=2025, answers={"gouvernance.instances": "non", "durable.energie": "oui"})
    current = make_assessment(kaz, year=2026, answers={"gouvernance.instances": "oui"})
    years = guide.compare_years(kaz)
    assert [year for year, _rows in years] == [2026, 2025]
    assert years[0][1][0].score == 100 and years[1][1][0].score == 0
    client.force_login(member(kaz, "marie@kaz.re"))
    page = client.get(overview_url(current)).content.decode()
    assert "D'une année à l'autre" in page


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_make_the_same_number_of_queries_whatever_the_answers(client, kaz):
    client.force_login(member(kaz, "marie@kaz.re"))
    small = make_assessment(kaz, year=2025, answers={"gouvernance.instances": "oui"}, actions=1)
    counts_small = (queries(client, overview_url(small)), queries(client, theme_url(small)))
    every = {q.id: ("oui" if q.type == "echelle" else "12" if q.type == "nombre" else "Oui.")
             for q in guide.guide().questions.values()}  # fmt: skip
    large = make_assessment(kaz, year=2026, answers=every, actions=8)
    make_assessment(kaz, year=2024, answers=every, actions=3)
    assert (queries(client, overview_url(large)), queries(client, theme_url(large))) == counts_small


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_assessment_at_once_wait_for_each_other_never_a_500():
    """The page's script saves a question while the form is sent: both create the same answer."""
    import threading

    from django.db import connections

    assessment = guide.start_assessment(organisation=OrganisationFactory(), year=2026)
    theme = guide.guide().theme("gouvernance")
    start = threading.Barrier(4)
    failures = []

    def save(choice):
        try:
            start.wait()
            guide.save_answers(assessment=assessment, theme=theme, values={"gouvernance.instances": choice}, by=None)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(choice,)) for choice in ("oui", "non", "partiel", "oui")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert GuideAnswer.objects.filter(assessment=assessment, question="gouvernance.instances").count() == 1
