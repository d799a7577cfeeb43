"""The buyer's pages: posting a need (drafts, deadlines around midnight Reunion time, bad
input answered in French and never a 500), the private page (only the need of its link, a
forged or expired link refused, edit and resubmit, the survey, the answers), the public
« besoins inspirants », the staff's buttons and impact page; constant query counts."""

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experimentations import needs, selectors_needs
from experimentations.models import Need, NeedTransition
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory, UserFactory
from tests.experimentations.factories import buyer_token, commune, make_answer, posted_need
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

S = Need.Status
REUNION = ZoneInfo("Indian/Reunion")
NEW = "/financer-et-acheter/achats/nouveau/"


def local_input(moment) -> str:
    return timezone.localtime(moment, REUNION).strftime("%Y-%m-%dT%H:%M")


def form_data(**values) -> dict:
    data = {
        "buyer_kind": "collectivite",
        "buyer_name": "Commune du Port",
        "contact_name": "Jean-Marc Payet",
        "contact_email": "commande@leport.re",
        "contact_phone": "0262 42 00 00",
        "kind": "devis",
        "title": "Repas des centres de loisirs",
        "description": "Repas bio pour 200 enfants.\n\nLivraison chaque mercredi.",
        "sectors": ["I"],
        "commune": str(commune("97407").pk),
        "budget_min": "10000",
        "budget_max": "30000",
        "starts_on": "",
        "ends_on": "",
        "answer_deadline": local_input(timezone.now() + timedelta(days=20)),
        "clauses": ["circuit_court"],
        "clauses_detail": "",
        "how_to_answer": "Un devis par courriel.",
        "wanted_answers": "3",
        "consent": "on",
        "website_url": "",
        "action": "soumettre",
    }
    data.update(values)
    return data


def test_the_form_is_in_french_and_posting_submits_the_need(client, settings):
    assert reverse("experimentations:need-new") == NEW
    page = client.get(NEW).content.decode()
    assert "Publier un besoin d'achat responsable" in page and "Enregistrer en brouillon" in page
    response = client.post(NEW, form_data(), follow=True)
    assert response.status_code == 200, response.context["form"].errors
    need = Need.objects.get()
    assert need.status == S.SUBMITTED and need.reference in response.content.decode()
    assert need.description == "<p>Repas bio pour 200 enfants.</p>\n\n<p>Livraison chaque mercredi.</p>"
    assert need.user is None
    assert OutgoingEmail.objects.filter(to="commande@leport.re").count() == 1
    assert OutgoingEmail.objects.filter(to=settings.CONTACT_EMAIL, kind="experimentations/besoin_equipe").exists()


def test_a_draft_is_kept_on_the_account_of_a_logged_in_buyer(client):
    buyer = UserFactory(email="acheteur@leport.re")
    client.force_login(buyer)
    client.post(NEW, form_data(action="brouillon"))
    need = Need.objects.get()
    assert (need.status, need.user) == (S.DRAFT, buyer)
    assert need.transitions.count() == 0


def test_midnight_reunion_time_is_the_deadline_the_buyer_typed(client):
    tomorrow = timezone.localdate() + timedelta(days=2)
    client.post(NEW, form_data(answer_deadline=f"{tomorrow:%Y-%m-%d}T00:00"))
    deadline = Need.objects.get().answer_deadline
    assert deadline == dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=REUNION)
    # Midnight in La Réunion is 20:00 the day before in UTC.
    assert deadline.astimezone(dt.UTC).hour == 20
    assert deadline.astimezone(dt.UTC).date() == tomorrow - timedelta(days=1)


@pytest.mark.parametrize("minutes, accepted", [(-2, False), (3, True)])
def test_a_deadline_just_past_is_refused_just_ahead_is_accepted(client, minutes, accepted):
    moment = timezone.now() + timedelta(minutes=minutes)
    response = client.post(NEW, form_data(answer_deadline=local_input(moment)))
    assert Need.objects.exists() == accepted
    if not accepted:
        assert response.status_code == 400
        assert "doit être dans le futur (heure de La Réunion)" in response.content.decode()


def test_bad_input_is_explained_in_french(client):
    data = form_data(
        contact_email="pas-une-adresse", budget_min="50000", budget_max="100", sectors=[], consent="",
        answer_deadline="demain",
    )  # fmt: skip
    response = client.post(NEW, data)
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Saisissez une adresse électronique valide.",
        "Le budget maximum doit être supérieur ou égal au budget minimum.",
        "Choisissez au moins un secteur d&#x27;activité.",
        "Votre accord est nécessaire",
        "Saisissez une date et une heure",
    ):
        assert message in page
    assert not Need.objects.exists()


def test_the_honeypot_and_the_rate_limit_refuse(client, settings):
    response = client.post(NEW, form_data(website_url="http://spam.example"))
    assert response.status_code == 400 and not Need.objects.exists()
    settings.NEED_SUBMISSIONS_PER_HOUR = 2  # the robot's attempt counts
    assert client.post(NEW, form_data()).status_code == 302
    response = client.post(NEW, form_data())
    assert response.status_code == 429 and "Trop d&#x27;envois" in response.content.decode()
    assert Need.objects.count() == 1


FIELDS = st.sampled_from(
    ["buyer_kind", "buyer_name", "contact_email", "contact_phone", "kind", "title", "description", "sectors",
     "commune", "budget_min", "budget_max", "starts_on", "ends_on", "answer_deadline", "clauses",
     "how_to_answer", "wanted_answers", "consent", "action"]
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", "0", "-1", "99999999999999", "2026-02-30T25:61", "1900-01-01T00:00", "<script>", "Z"]),
)


@override_settings(NEED_SUBMISSIONS_PER_HOUR=10_000)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(FIELDS, VALUES, max_size=6))
def test_any_input_gives_a_page_never_a_500(client, changes):
    changes = {key: value.replace("\x00", "") for key, value in changes.items()}
    response = client.post(NEW, form_data(**changes))
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "à corriger" in response.content.decode()


# --- The buyer's page -------------------------------------------------------------------------


def buyer_page(token):
    return reverse("experimentations:need-buyer", args=[token])


def test_a_buyer_sees_only_the_need_of_their_link(client):
    _mine, my_token = posted_need(title="Repas des centres de loisirs")
    _other, other_token = posted_need(title="Nettoyage des locaux", contact_email="autre@exemple.re")
    page = client.get(buyer_page(my_token)).content.decode()
    assert "Repas des centres de loisirs" in page and "Nettoyage des locaux" not in page
    page = client.get(buyer_page(other_token)).content.decode()
    assert "Nettoyage des locaux" in page and "Repas des centres de loisirs" not in page


@pytest.mark.parametrize("name", ["experimentations:need-buyer", "experimentations:need-edit"])
def test_a_forged_or_expired_link_is_refused(client, name):
    need, _ = posted_need()
    expired = buyer_token(need, days=-1)
    for token in ("faux-lien-0123456789", expired, "x" * 300):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 404
        assert "Ce lien n'est plus valable" in response.content.decode()
        assert need.title not in response.content.decode()
        assert client.post(reverse(name, args=[token]), {"action": "soumettre"}).status_code == 404


def test_the_buyer_edits_a_draft_then_submits_it_from_their_page(client):
    need, token = posted_need(submit=False)
    edit = reverse("experimentations:need-edit", args=[token])
    page = client.get(edit).content.decode()
    assert "Tonte et taille dans douze écoles" in page and "&lt;p&gt;" not in page
    data = form_data(title="Entretien des cours d'école")
    data.pop("consent")
    response = client.post(edit, {**data, "action": "brouillon"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.status) == ("Entretien des cours d'école", S.DRAFT)
    client.post(buyer_page(token), {"action": "soumettre"})
    need.refresh_from_db()
    assert need.status == S.SUBMITTED
    # Once submitted, it is no longer edited.
    response = client.get(edit)
    assert response.status_code == 302
    assert client.post(buyer_page(token), {"action": "soumettre"}).status_code == 400


def test_a_need_to_change_shows_the_request_and_is_resubmitted(client):
    need, token = posted_need()
    needs.request_need_changes(need=need, by=None, reason="Précisez le nombre de repas.")
    page = client.get(buyer_page(token)).content.decode()
    assert "Précisez le nombre de repas." in page and "Soumettre de nouveau" in page
    client.post(buyer_page(token), {"action": "soumettre"})
    assert NeedTransition.objects.filter(subject=need, from_state=S.CHANGES, to_state=S.SUBMITTED).count() == 1


def test_the_buyer_sees_the_interested_suppliers_only(client):
    need, token = posted_need(status=S.SENT)
    make_answer(need, name="Jardins de l'Ouest")
    make_answer(need, name="Ressourcerie du Sud", interested=False, email="sud@exemple.re")
    make_answer(need, name="Atelier pas encore transmis", shared=False, email="atelier@exemple.re")
    page = client.get(buyer_page(token)).content.decode()
    assert "Jardins de l&#x27;Ouest" in page and "contact@jardins-ouest.re" in page
    assert "Ressourcerie du Sud" not in page and "Atelier pas encore transmis" not in page


def test_the_buyer_page_makes_the_same_queries_whatever_the_answers(client):
    need, token = posted_need(status=S.SENT)
    make_answer(need, name="Premier fournisseur", email="un@exemple.re")
    client.get(buyer_page(token))  # the link's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get(buyer_page(token))
    for index in range(5):
        make_answer(need, name=f"Fournisseur {index}", email=f"f{index}@exemple.re")
    with CaptureQueriesContext(connection) as many:
        client.get(buyer_page(token))
    assert len(many) == len(few)


def test_the_survey_is_answered_on_the_buyer_page(client):
    need, token = posted_need(status=S.SENT)
    page = client.get(buyer_page(token)).content.decode()
    assert "Une question sur la suite donnée" not in page
    Need.objects.filter(pk=need.pk).update(answer_deadline=timezone.now() - timedelta(days=8))
    needs.send_due_surveys()
    page = client.get(buyer_page(token)).content.decode()
    assert "Une question sur la suite donnée" in page
    response = client.post(buyer_page(token), {"action": "enquete", "deal_made": "oui", "deal_amount": ""})
    assert response.status_code == 400 and "Indiquez le montant" in response.content.decode()
    client.post(buyer_page(token), {"action": "enquete", "deal_made": "oui", "deal_amount": "18000"})
    need.refresh_from_db()
    assert (need.deal_made, need.deal_amount) == (True, 18000)
    assert "18" in client.get(buyer_page(token)).content.decode()


# --- Besoins inspirants ----------------------------------------------------------------------


def test_inspiring_needs_are_listed_without_the_buyer_contact_in_constant_queries(client):
    url = reverse("experimentations:needs-inspiring")
    need, _ = posted_need(status=S.SENT)
    needs.set_inspiring(need=need, is_inspiring=True, text="Une commune confie ses espaces verts à l'ESS.")
    posted_need(status=S.SENT, title="Pas publié")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Une commune confie ses espaces verts" in page and "Pas publié" not in page
    for text in ("Mireille Grondin", "achats@saint-paul.re", "0262 45 67 89"):
        assert text not in page
    for index in range(4):
        other, _ = posted_need(status=S.SENT, title=f"Besoin {index}", sectors=("N", "I"))
        needs.set_inspiring(need=other, is_inspiring=True, text=f"Un achat inspirant n°{index}.")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Staff -----------------------------------------------------------------------------------


def staff_client(client, role="Partenariats"):
    login_as(client, StaffFactory(role=role, email=f"{role.lower()}@cress.re"))
    return client


def test_staff_validate_with_the_button_and_the_buyer_is_told(client):
    need, token = posted_need()
    staff_client(client)
    change = reverse("admin:experimentations_need_change", args=[need.pk])
    page = client.get(change).content.decode()
    assert "Valider" in page and "Demander une modification" in page
    assert token not in page
    response = client.post(reverse("admin:experimentations_need_transition", args=[need.pk, S.CHANGES]))
    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).status == S.SUBMITTED  # no reason: refused, said in French
    client.post(reverse("admin:experimentations_need_transition", args=[need.pk, S.VALIDATED]))
    assert Need.objects.get(pk=need.pk).status == S.VALIDATED
    assert OutgoingEmail.objects.filter(to=need.contact_email, subject__contains="validé").count() == 1


def test_the_inspiring_text_is_checked_in_the_admin(client):
    need, _ = posted_need(status=S.SENT)
    staff_client(client)
    change = reverse("admin:experimentations_need_change", args=[need.pk])
    response = client.post(change, {"is_inspiring": "on", "inspiring_text": "Merci à Mireille Grondin.",
                                     "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})  # fmt: skip
    assert response.status_code == 200 and "Le texte cite le nom du contact" in response.content.decode()
    assert not Need.objects.get(pk=need.pk).is_inspiring


def test_the_impact_page_counts_the_funnel_and_deals_in_constant_queries(client):
    staff_client(client, role="Direction")
    url = reverse("admin:experimentations_need_impact")
    need, _ = posted_need(status=S.SENT)
    make_answer(need, name="Un", email="un@exemple.re")
    Need.objects.filter(pk=need.pk).update(
        survey_sent_at=timezone.now(), survey_answered_at=timezone.now(), deal_made=True, deal_amount=15000
    )
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert need.reference in page and "15" in page
    for index in range(4):
        other, _ = posted_need(status=S.SENT, contact_email=f"b{index}@exemple.re")
        make_answer(other, name=f"F{index}", email=f"f{index}@exemple.re", interested=bool(index % 2))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    (year,) = selectors_needs.impact_per_year()
    assert (year["needs"], year["answers"], year["deals"], year["amount"]) == (5, 5, 1, 15000)


def test_anonymous_visitors_and_other_roles_do_not_reach_the_impact_page(client):
    url = reverse("admin:experimentations_need_impact")
    assert client.get(url).status_code == 302
    staff_client(client, role="Formation")
    assert client.get(url).status_code == 403
