"""The employer's space (/emplois/espace/): who gets in, the list by state with the counts of
applications, creating, editing, submitting, publishing, duplicating; bad input answered in
French, never a 500; the list's query count constant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from annuaire.models import PartnerMembership
from emplois.forms_offers import OfferForm
from emplois.models import Application, Offer, OfferTransition
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.emplois.factories import commune, make_application, make_offer, rome
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
Status = Offer.Status


@pytest.fixture
def django_settings(settings):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 100_000  # many posts in a row: the limit is not tested here
    return settings


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Ti Kaz Solidaire")


@pytest.fixture
def member(organisation):
    user = UserFactory(email="rh@tikaz.re")
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def employer(client, member):
    client.force_login(member)
    return client


def form_data(**overrides) -> dict:
    return {
        "title": "Animateur ou animatrice périscolaire",
        "rome": str(rome("G1203").pk),
        "contract": "cdd",
        "working_time": "temps_partiel",
        "hours_per_week": "24",
        "duration_months": "10",
        "volunteer_time": "",
        "pay_min": "1200",
        "pay_max": "1400",
        "pay_period": "mois",
        "commune": str(commune("97415").pk),
        "remote": "non",
        "starts_on": "",
        "closes_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "description": "Animer les temps du midi.\n\nUne équipe de six.",
        "profile": "",
        "apply_mode": "portail",
        "apply_email": "",
        "apply_url": "",
        "contact_email": "rh@tikaz.re",
        **overrides,
    }


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_the_login_page(client):
    response = client.get(reverse("emplois:employer"))
    assert response.status_code == 302 and reverse("comptes:connexion") in response["Location"]


@pytest.mark.parametrize("who", ["user", "staff"])
def test_someone_who_acts_for_no_organisation_gets_a_french_403(client, who):
    if who == "staff":
        login_verified(client, StaffFactory(role="Formation"))
    else:
        client.force_login(UserFactory())
    for name in ("emplois:employer", "emplois:employer-new"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "rattaché à aucune structure" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("emplois:employer-offer", "get", []),
        ("emplois:employer-edit", "get", []),
        ("emplois:employer-edit", "post", []),
        ("emplois:employer-duplicate", "post", []),
        ("emplois:employer-move", "post", ["pourvue"]),
    ],
)
def test_another_organisations_offer_does_not_exist_for_a_member(employer, name, method, extra):
    other = make_offer("Offre d'une autre structure")
    response = getattr(employer, method)(reverse(name, args=[other.pk, *extra]), form_data())
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED and Offer.objects.count() == 1


def test_a_member_of_several_organisations_picks_one(client, member, organisation):
    second = OrganisationFactory(name="Ressourcerie du Sud")
    PartnerMembership.objects.create(user=member, organisation=second)
    make_offer("Valoriste", organisation=second)
    make_offer("Aide à domicile", organisation=organisation)
    client.force_login(member)
    page = client.get(reverse("emplois:employer")).content.decode()
    assert "Pour quelle structure" in page and "Ressourcerie du Sud" in page and "Valoriste" not in page
    page = client.get(reverse("emplois:employer"), {"structure": second.pk}).content.decode()
    assert "Valoriste" in page and "Aide à domicile" not in page
    assert "Pour quelle structure" in client.get(reverse("emplois:employer-new")).content.decode()
    response = client.get(reverse("emplois:employer"), {"structure": OrganisationFactory().pk})
    assert "Pour quelle structure" in response.content.decode(), "not a structure of theirs: the picker again"


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_the_offers_by_state_with_their_applications_by_state(employer, organisation):
    published = make_offer("Aide à domicile", organisation=organisation)
    make_application(published)
    make_application(published, status=Application.Status.INTERVIEW)
    make_application(published, status=Application.Status.REJECTED)
    make_offer("Comptable", status=Status.REVIEW, organisation=organisation, rome_code="M1203")
    make_offer("Jardinier", status=Status.REFUSED, organisation=organisation, rome_code="A1203")
    make_offer("Offre d'ailleurs")
    page = employer.get(reverse("emplois:employer")).content.decode()
    assert "Aide à domicile" in page and "Comptable" in page and "Jardinier" in page
    assert "Offre d'ailleurs" not in page
    assert "3 : 1 reçue, 1 entretien proposé, 1 non retenue" in page
    assert page.index("Aide à domicile") < page.index("Comptable") < page.index("Jardinier")


def test_the_lists_queries_do_not_grow_with_its_offers(employer, organisation):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert employer.get(reverse("emplois:employer")).status_code == 200
        return len(queries)

    for number in range(10):
        make_application(make_offer(f"Offre {number}", organisation=organisation))
    ten = count_queries()
    for number in range(10, 30):
        make_application(make_offer(f"Offre {number}", organisation=organisation, status=Status.DRAFT))
    assert count_queries() == ten


# --- Creating, editing, moving --------------------------------------------------------------


def test_a_member_creates_a_draft_then_submits_it_to_the_cress(employer, organisation, member):
    response = employer.post(reverse("emplois:employer-new"), form_data())
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("emplois:employer-offer", args=[offer.pk])
    assert offer.organisation == organisation and offer.created_by == member and offer.status == Status.DRAFT
    assert offer.description == "<p>Animer les temps du midi.</p>\n\n<p>Une équipe de six.</p>"
    page = employer.get(response["Location"]).content.decode()
    assert "Soumettre à la CRESS" in page and ">Publier<" not in page
    response = employer.post(reverse("emplois:employer-move", args=[offer.pk, Status.REVIEW]), follow=True)
    assert "soumise à la CRESS" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.REVIEW
    # In review, the offer is no longer edited: back to its page with a French message.
    response = employer.get(reverse("emplois:employer-edit", args=[offer.pk]), follow=True)
    assert "ne se modifie plus" in response.content.decode()


def test_a_trusted_organisation_publishes_at_once(employer, organisation, settings):
    settings.EMPLOIS_TRUSTED_AFTER = 0
    offer = make_offer(status=Status.DRAFT, organisation=organisation)
    page = employer.get(reverse("emplois:employer-offer", args=[offer.pk])).content.decode()
    assert ">Publier<" in page and "Soumettre à la CRESS" not in page
    employer.post(reverse("emplois:employer-move", args=[offer.pk, Status.PUBLISHED]))
    offer.refresh_from_db()
    assert offer.status == Status.PUBLISHED and offer.published_at


def test_an_untrusted_organisation_cannot_publish_by_forging_the_button(employer, organisation):
    offer = make_offer(status=Status.DRAFT, organisation=organisation)
    response = employer.post(reverse("emplois:employer-move", args=[offer.pk, Status.PUBLISHED]), follow=True)
    assert "relues par la CRESS" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).status == Status.DRAFT


def test_a_refused_offer_is_edited_and_shows_its_reason(employer, organisation):
    offer = make_offer("Jardinier", status=Status.REFUSED, organisation=organisation)
    page = employer.get(reverse("emplois:employer-edit", args=[offer.pk])).content.decode()
    assert "Offre incomplète." in page
    response = employer.post(reverse("emplois:employer-edit", args=[offer.pk]), form_data(title="Jardinier en CDD"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Jardinier en CDD" and offer.status == Status.REFUSED


def test_a_published_offer_is_marked_filled_then_duplicated_as_a_draft(employer, organisation):
    offer = make_offer("Aide à domicile", organisation=organisation)
    employer.post(reverse("emplois:employer-move", args=[offer.pk, Status.FILLED]))
    offer.refresh_from_db()
    assert offer.status == Status.FILLED
    assert OfferTransition.objects.filter(subject=offer, to_state=Status.FILLED).exists()
    response = employer.post(reverse("emplois:employer-duplicate", args=[offer.pk]))
    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert response["Location"] == reverse("emplois:employer-edit", args=[copy.pk])
    assert copy.status == Status.DRAFT and copy.title == offer.title and copy.copy_of is None


def test_the_offers_page_lists_its_applications(employer, organisation):
    offer = make_offer(organisation=organisation)
    application = make_application(offer, name="Josette Hoarau")
    page = employer.get(reverse("emplois:employer-offer", args=[offer.pk])).content.decode()
    assert application.reference in page and "Josette Hoarau" in page


def test_a_volunteering_mission_asks_for_the_time_and_no_pay(employer):
    response = employer.post(
        reverse("emplois:employer-new"),
        form_data(contract="benevolat", pay_min="", pay_max="", pay_period="", volunteer_time="2 heures par semaine"),
    )
    assert response.status_code == 302
    assert Offer.objects.get().kind == "benevolat"


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Indiquez l&#x27;intitulé du poste ou de la mission."),
        ({"pay_min": "", "pay_max": ""}, "Indiquez la rémunération (au moins le minimum)"),
        ({"pay_period": ""}, "Indiquez si la rémunération est horaire, mensuelle ou annuelle."),
        ({"pay_min": "3000", "pay_max": "2000"}, "La rémunération maximale doit être supérieure"),
        ({"pay_min": "beaucoup"}, "Saisissez un montant en euros"),
        ({"pay_min": "-5"}, "Saisissez un nombre positif."),
        ({"contract": "benevolat", "pay_min": "", "pay_max": "", "pay_period": ""}, "Indiquez le temps demandé"),
        ({"contract": "benevolat", "volunteer_time": "2 h"}, "Une mission bénévole n&#x27;est pas rémunérée"),
        ({"contract": "freelance"}, "Choisissez un contrat de la liste."),
        ({"rome": "999999"}, "Choisissez un métier de la liste."),
        ({"commune": ""}, "Choisissez la commune du poste, ou indiquez qu&#x27;il est à distance."),
        ({"apply_mode": "courriel"}, "Indiquez l&#x27;adresse à laquelle candidater."),
        ({"apply_mode": "site", "apply_url": "pas une adresse"}, "Saisissez une adresse web complète"),
        ({"closes_on": "2020-01-01"}, "La date limite de candidature ne peut pas être passée."),
        ({"closes_on": "demain"}, "Saisissez une date (par exemple 15/03/2027)."),
        ({"contact_email": "rh@"}, "Saisissez une adresse électronique valide."),
        ({"title": "x" * 200}, "150 caractères au plus."),
    ],
)
def test_bad_input_is_answered_in_french_on_its_field(employer, overrides, message):
    response = employer.post(reverse("emplois:employer-new"), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Offer.objects.exists()


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_posted_form_is_answered_without_a_server_error(employer, data, django_settings):
    text = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=30)
    fields = list(form_data())
    posted = data.draw(st.dictionaries(st.sampled_from(fields), text, max_size=len(fields)))
    response = employer.post(reverse("emplois:employer-new"), {**form_data(), **posted})
    assert response.status_code in (302, 400)
    Offer.objects.all().delete()


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(form=from_form(OfferForm, rome=st.just(None), commune=st.just(None)))
def test_the_form_validates_anything_without_raising(form):
    form.is_valid()  # builds its errors; any exception fails the test
