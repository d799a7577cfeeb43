"""The public registration forms, the organisation suggestions and « mon inscription »."""

import html
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formation import registrations
from formation.models import Registration, RegistrationGroup, Training
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.formation.factories_registration import fill, make_session, make_training, person
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

S = Registration.Status
PRIVATE = r"/formations/mon-inscription/[\w-]+/"


def form_data(number=1, **values):
    return {**person(number), "phone": "0262 00 00 00", "job_title": "Trésorière", "consent": "on", **values}


def page_errors(response) -> str:
    return " ".join(
        re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</', response.content.decode(), re.S)
    )


def test_a_person_registers_through_the_form(client):
    organisation = OrganisationFactory(name="Ressourcerie du Port", is_published=True)
    session = make_session(capacity=3)
    url = reverse("formation:inscription", args=[session.pk])
    page = client.get(url).content.decode()
    assert "3 places restantes sur 3" in page and 'name="website_url"' in page
    response = client.post(url, form_data(organisation=organisation.pk, organisation_name="Ressourcerie"))
    assert response.status_code == 200
    assert "Votre place est réservée" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == S.REGISTERED and registration.organisation == organisation
    assert registration.consent_text.startswith("J'accepte que la CRESS")


def test_a_name_typed_without_the_suggestions_is_linked_when_it_is_one_published_organisation(client):
    organisation = OrganisationFactory(name="Kaz Initiatives", is_published=True)
    session = make_session()
    client.post(reverse("formation:inscription", args=[session.pk]), form_data(organisation_name="kaz initiatives"))
    assert Registration.objects.get().organisation == organisation


def test_a_full_session_says_the_person_joins_the_waiting_list(client):
    session = make_session(capacity=1)
    fill(session, 1)
    url = reverse("formation:inscription", args=[session.pk])
    assert "Complet" in client.get(url).content.decode()
    response = client.post(url, form_data())
    assert "liste d'attente" in response.content.decode()
    assert Registration.objects.get(email="personne1@exemple.re").status == S.WAITING


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "Votre accord est nécessaire"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"website_url": "http://robot"}, "rempli automatiquement"),
        ({"phone": "abc"}, "Saisissez un numéro de téléphone"),
        ({"organisation": "999999"}, "pas dans l'annuaire"),
    ],
)
def test_bad_input_gets_a_french_message(client, change, message):
    session = make_session()
    response = client.post(reverse("formation:inscription", args=[session.pk]), form_data(**change))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Registration.objects.exists()


def test_a_second_registration_of_the_same_address_is_refused_on_the_page(client):
    session = make_session()
    url = reverse("formation:inscription", args=[session.pk])
    client.post(url, form_data())
    response = client.post(url, form_data())
    assert response.status_code == 400 and "déjà inscrite" in response.content.decode()


def test_a_session_that_started_or_a_draft_training(client):
    started = make_session(days=-1)
    url = reverse("formation:inscription", args=[started.pk])
    assert "Les inscriptions à cette session sont fermées" in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 400
    draft = make_session(training=make_training(status=Training.Status.DRAFT))
    assert client.get(reverse("formation:inscription", args=[draft.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_registrations_are_rate_limited(client, settings):
    settings.FORMATION_REGISTRATIONS_PER_HOUR = 2
    session = make_session()
    url = reverse("formation:inscription", args=[session.pk])
    assert [client.post(url, form_data(n)).status_code for n in range(3)] == [200, 200, 429]
    assert Registration.objects.count() == 2


def test_the_organisation_suggestions_show_published_organisations_only(client):
    OrganisationFactory(name="Épicerie solidaire de Bras-Panon", is_published=True)
    OrganisationFactory(name="Epicerie cachée", is_published=False)
    response = client.get(reverse("formation:structures"), {"organisation_name": "epicerie"})
    page = response.content.decode()
    assert "Épicerie solidaire de Bras-Panon" in page and "cachée" not in page
    assert 'type="radio" name="organisation"' in page
    assert "Aucune" in client.get(reverse("formation:structures"), {"organisation_name": "zzzz"}).content.decode()


def test_a_group_registers_for_one_structure(client):
    session = make_session(capacity=2, allow_groups=True)
    url = reverse("formation:inscription-groupe", args=[session.pk])
    data = {
        "organisation_name": "Kaz Initiatives",
        "contact_email": "rh@kaz.re",
        "participants": "Céline Payet, celine@kaz.re\nPaul Hoarau ; paul@kaz.re\nLise Grondin, lise@kaz.re",
        "consent": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "3 personnes inscrites, dont 1 sur la liste d'attente" in (
        response.content.decode()
    )
    group = RegistrationGroup.objects.get()
    assert group.registrations.count() == 3 and group.organisation_name == "Kaz Initiatives"


def test_a_group_form_names_the_wrong_lines(client):
    session = make_session(allow_groups=True)
    data = {"organisation_name": "Kaz", "contact_email": "rh@kaz.re", "participants": "Céline\nPaul, paul@@kaz"}
    response = client.post(reverse("formation:inscription-groupe", args=[session.pk]), {**data, "consent": "on"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Ligne 1 : écrivez « Prénom Nom, adresse électronique »." in page
    assert "Ligne 2 : l'adresse électronique n'est pas valide." in page


def test_groups_only_where_staff_allowed_them(client):
    session = make_session()
    response = client.get(reverse("formation:inscription-groupe", args=[session.pk]))
    assert response.status_code == 302 and response.headers["Location"] == reverse(
        "formation:inscription", args=[session.pk]
    )


# --- « Mon inscription » ------------------------------------------------------------------


def private_page(client, registration, kind="formation/registration_confirmation") -> str:
    return link_path(sent_email(kind=kind, to=registration.email), PRIVATE)


def test_the_person_cancels_from_the_private_link_and_the_place_goes_to_the_next(client):
    session = make_session(capacity=1)
    registration = registrations.register_person(session=session, person=person(1), consent_text="ok")
    waiting = registrations.register_person(session=session, person=person(2), consent_text="ok")
    path = private_page(client, registration)
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200 and "Votre place est réservée" in page
    assert response.headers["Referrer-Policy"] == "same-origin"
    refused = client.post(path, {"action": "annuler"})
    assert refused.status_code == 400 and "Cochez la case pour confirmer" in refused.content.decode()
    response = client.post(path, {"action": "annuler", "confirm": "on"}, follow=True)
    assert "Votre inscription est annulée" in response.content.decode()
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == S.CANCELLED and waiting.status == S.OFFERED


def test_the_person_accepts_an_offer_from_the_private_link(client):
    session = make_session(capacity=1)
    [holder] = fill(session, 1)
    waiting = registrations.register_person(session=session, person=person(2), consent_text="ok")
    registrations.cancel_registration(holder)
    path = private_page(client, waiting, kind="formation/registration_offer")
    assert "Une place vous est proposée jusqu" in client.get(path).content.decode()
    response = client.post(path, {"action": "accepter"}, follow=True)
    assert "la place est à vous" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    again = client.post(path, {"action": "accepter"})
    assert again.status_code == 400 and "Aucune place ne vous est proposée" in again.content.decode()


def test_the_person_leaves_the_waiting_list(client):
    session = make_session(capacity=1)
    fill(session, 1)
    waiting = registrations.register_person(session=session, person=person(2), consent_text="ok")
    path = private_page(client, waiting, kind="formation/registration_waiting")
    assert "en position 1" in client.get(path).content.decode()
    client.post(path, {"action": "quitter"})
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED


@pytest.mark.parametrize("token", ["faux", "x" * 43])
def test_a_forged_link_opens_nothing(client, token):
    assert client.get(reverse("formation:mon-inscription", args=[token])).status_code == 404
    assert client.post(reverse("formation:mon-inscription", args=[token]), {"action": "annuler"}).status_code == 404


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=300),
    short=st.text(max_size=40),
    consent=st.sampled_from(["on", "", "non"]),
    action=st.one_of(
        st.sampled_from(["annuler", "accepter", "decliner", "quitter", "confirmer"]), st.text(max_size=20)
    ),
)
def test_random_input_on_the_registration_pages_never_gives_a_500(client, text, short, consent, action):
    OutgoingEmail.objects.all().delete()
    session = make_session(capacity=1, allow_groups=True)
    registration = registrations.register_person(session=session, person=person(7), consent_text="ok")
    private = private_page(client, registration)
    fields = {
        "first_name": short, "last_name": text, "email": short, "phone": short, "job_title": text,
        "organisation_name": text, "organisation": short, "needs_adaptation": text, "consent": consent,
        "website_url": "",
    }  # fmt: skip
    responses = [
        client.post(reverse("formation:inscription", args=[session.pk]), fields),
        client.post(
            reverse("formation:inscription-groupe", args=[session.pk]),
            {
                "organisation_name": short,
                "organisation": short,
                "contact_email": short,
                "participants": text,
                "consent": consent,
            },
        ),
        client.get(reverse("formation:structures"), {"organisation_name": text}),
        client.post(private, {"action": action, "confirm": consent}),
        client.get(f"/formations/mon-inscription/{quote(text or 'x', safe='')}/"),
    ]
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    for response in responses[:2]:
        if response.status_code == 400:
            errors = page_errors(response)
            assert errors.strip(), "a refused form says why"
            assert not re.search(r"\b(This field|Enter a valid|is required)\b", errors), errors


@pytest.mark.parametrize("path", ["form", "private"])
def test_the_pages_query_count_does_not_grow_with_the_registrations(
    client, django_assert_num_queries, django_assert_max_num_queries, path
):
    def page_of(size):
        OutgoingEmail.objects.all().delete()
        session = make_session(capacity=30)
        fill(session, size, start=size * 100)
        registration = registrations.register_person(session=session, person=person(size), consent_text="ok")
        url = (
            reverse("formation:inscription", args=[session.pk])
            if path == "form"
            else private_page(client, registration)
        )
        client.get(url)  # warm up: the first visit of a private link records its first use
        return url

    small = page_of(2)
    with django_assert_max_num_queries(50) as queries:
        assert client.get(small).status_code == 200
    count = len(queries.captured_queries)  # read now: the next request empties the log
    assert count >= 2
    large = page_of(12)
    with django_assert_num_queries(count):
        assert client.get(large).status_code == 200


def test_a_nul_character_in_the_suggestions_query_is_ignored(client):
    OrganisationFactory(name="Kaz Initiatives", is_published=True)
    response = client.get(reverse("formation:structures"), {"organisation_name": "K\x00az"})
    assert response.status_code == 200 and "Kaz Initiatives" in response.content.decode()
