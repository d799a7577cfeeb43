"""The membership badge: its states, its address (stable, unguessable, revocable), its
headers (cacheable, cookieless, embeddable — the badge alone), the members' snippets."""

import xml.etree.ElementTree as ET
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from appartenance.badges import BadgeState, badge_for_token, badge_token, current_badges, revoke_badge
from appartenance.models_badges import EssVerification, Membership, MembershipState
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def year():
    return timezone.localdate().year


def member(organisation, member_year=None, state=MembershipState.PAID):
    return Membership.objects.create(
        organisation=organisation,
        year=member_year or year(),
        state=state,
        fee_amount="120.00" if state == MembershipState.PAID else None,
        fee_paid_on=date(member_year or year(), 1, 10) if state == MembershipState.PAID else None,
    )


def token_of(organisation):
    return current_badges([organisation])[organisation.pk].token


def svg_of(client, token):
    response = client.get(reverse("appartenance:badge-svg", args=[token]))
    assert response.status_code == 200
    return response, response.content.decode()


# --- States -------------------------------------------------------------------------------------


def test_a_member_of_the_year_has_a_valid_badge_with_its_year(client):
    organisation = OrganisationFactory(name="Lakour Solidaire")
    member(organisation)
    _response, svg = svg_of(client, token_of(organisation))
    assert f"adhérente de la CRESS Réunion {year()}" in svg
    page = client.get(reverse("appartenance:badge-verification", args=[token_of(organisation)])).content.decode()
    assert "Badge valide." in page and "Lakour Solidaire" in page
    assert reverse("annuaire:structure", args=[organisation.slug]) in page
    assert "Vérifié le" in page


def test_the_badge_of_this_year_is_expired_next_year():
    organisation = OrganisationFactory()
    member(organisation)
    token = token_of(organisation)
    next_year = badge_for_token(token, today=date(year() + 1, 1, 15))
    assert next_year.state == BadgeState.EXPIRED and next_year.year == year()
    assert next_year.text == f"Entreprise de l'ESS — adhésion {year()} à la CRESS Réunion échue"
    assert badge_for_token(token).state == BadgeState.VALID


def test_a_membership_of_last_year_shows_expired_on_the_verification_page(client):
    organisation = OrganisationFactory()
    member(organisation, year() - 1)
    member(organisation, year(), MembershipState.PENDING)  # called, not paid: no badge for this year
    page = client.get(reverse("appartenance:badge-verification", args=[token_of(organisation)])).content.decode()
    assert "Badge expiré." in page and f"en {year() - 1}" in page


def test_a_verified_ess_status_without_membership_gives_a_valid_badge(client):
    organisation = OrganisationFactory()
    EssVerification.objects.create(organisation=organisation, note="Statuts vus.")
    badge = current_badges([organisation])[organisation.pk]
    assert badge.state == BadgeState.VALID and badge.year is None
    _response, svg = svg_of(client, badge.token)
    assert "statut vérifié par la CRESS Réunion" in svg


def test_no_membership_no_verification_no_badge(client):
    organisation = OrganisationFactory()
    member(organisation, state=MembershipState.CANCELLED)
    assert current_badges([organisation])[organisation.pk] is None
    token = badge_token(organisation.pk, 1)
    assert client.get(reverse("appartenance:badge-svg", args=[token])).status_code == 404


def test_revoking_makes_the_old_address_answer_revoked_and_gives_a_new_one(client):
    organisation = OrganisationFactory(name="Ti Kaz Bio")
    member(organisation)
    old = token_of(organisation)
    revoke_badge(organisation=organisation, by=None)
    new = token_of(organisation)
    assert new != old
    page = client.get(reverse("appartenance:badge-verification", args=[old])).content.decode()
    assert "Badge révoqué." in page and "Ti Kaz Bio" in page
    _response, svg = svg_of(client, old)
    assert "badge révoqué par la CRESS Réunion" in svg
    _response, svg = svg_of(client, new)
    assert f"adhérente de la CRESS Réunion {year()}" in svg


def test_a_served_badge_is_kept_without_queries_and_a_revocation_shows_at_once(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    member(organisation)
    old = token_of(organisation)
    svg_of(client, old)
    with django_assert_num_queries(0):
        _response, svg = svg_of(client, old)
    assert "adhérente" in svg
    with django_capture_on_commit_callbacks(execute=True):
        revoke_badge(organisation=organisation, by=None)
    _response, svg = svg_of(client, old)
    assert "badge révoqué par la CRESS Réunion" in svg


def test_the_address_is_stable():
    organisation = OrganisationFactory()
    member(organisation)
    assert token_of(organisation) == token_of(organisation) == badge_token(organisation.pk, 1)


# --- Unguessable ---------------------------------------------------------------------------------


def test_a_forged_or_borrowed_address_opens_nothing(client):
    a, b = OrganisationFactory(name="Structure A"), OrganisationFactory(name="Structure B")
    member(a)
    member(b)
    a_token = token_of(a)
    signature = a_token.split("-", 2)[2]
    forged = [
        f"{b.pk}-1-{signature}",  # A's signature on B's id
        f"{a.pk}-2-{signature}",  # a version never given out
        f"{a.pk}-1-{'A' * len(signature)}",
        f"{a.pk}-1",
        "nimporte-quoi",
        badge_token(a.pk, 2),  # signed by us, but a version still to come
    ]
    for token in forged:
        for name in ("appartenance:badge-svg", "appartenance:badge-png", "appartenance:badge-verification"):
            response = client.get(reverse(name, args=[token]))
            assert response.status_code == 404, (name, token)
            assert "Structure B" not in response.content.decode(errors="replace")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=["Cs"]), min_size=1))
def test_any_address_answers_a_badge_or_404_never_an_error(client, token):
    response = client.get(reverse("appartenance:badge-svg", args=[token]))
    assert response.status_code == 404


# --- Headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["appartenance:badge-svg", "appartenance:badge-png"])
def test_the_badge_is_cacheable_cookieless_and_embeddable(client, name, settings):
    settings.BADGE_MAX_AGE = 1234
    organisation = OrganisationFactory()
    member(organisation)
    client.force_login(PartnerMembershipFactory(organisation=organisation).user)  # a session, read on the way
    response = client.get(reverse(name, args=[token_of(organisation)]))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=1234"} <= cache_control
    assert response["ETag"].startswith('"')
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    again = client.get(reverse(name, args=[token_of(organisation)]), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    assert not again.cookies and "cookie" not in again.get("Vary", "").lower()


def test_an_anonymous_visitor_gets_no_cookie_either(client):
    organisation = OrganisationFactory()
    member(organisation)
    response = client.get(reverse("appartenance:badge-svg", args=[token_of(organisation)]))
    assert (not response.cookies and "Vary" not in response) or "cookie" not in response["Vary"].lower()


def test_every_other_page_keeps_the_strict_policy(client):
    organisation = OrganisationFactory()
    member(organisation)
    for url in (
        reverse("appartenance:badge-verification", args=[token_of(organisation)]),
        reverse("appartenance:index"),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "Cross-Origin-Resource-Policy" not in response, url


def test_the_svg_is_accessible_xml_and_the_png_decodes(client):
    organisation = OrganisationFactory(name="Mutuelle Entraide Kréol")
    member(organisation)
    _response, svg = svg_of(client, token_of(organisation))
    root = ET.fromstring(svg)  # noqa: S314 — the portal's own badge, in a test
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title.text == f"Entreprise de l'ESS — adhérente de la CRESS Réunion {year()} : Mutuelle Entraide Kréol"
    assert root.get("aria-labelledby") == title.get("id")
    response = client.get(reverse("appartenance:badge-png", args=[token_of(organisation)]))
    assert response["Content-Type"] == "image/png"
    image = Image.open(BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.size == (440, 64)


# --- Queries -----------------------------------------------------------------------------------------


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_badge_costs_the_same_queries_whatever_the_history(client):
    few, many = OrganisationFactory(), OrganisationFactory()
    member(few)
    for member_year in range(year() - 8, year() + 1):
        member(many, member_year)
    EssVerification.objects.create(organisation=many)
    revoke_badge(organisation=many, by=None)
    assert queries_of(client, reverse("appartenance:badge-svg", args=[token_of(few)])) == queries_of(
        client, reverse("appartenance:badge-svg", args=[token_of(many)])
    )


def test_the_members_page_costs_the_same_queries_whatever_the_number_of_organisations(client):
    person = PartnerMembershipFactory().user
    member(person.memberships.get().organisation)
    client.force_login(person)
    url = reverse("appartenance:badges-membre")
    one = queries_of(client, url)
    for _ in range(3):
        organisation = OrganisationFactory()
        member(organisation)
        EssVerification.objects.create(organisation=organisation)
        PartnerMembershipFactory(user=person, organisation=organisation)
    assert queries_of(client, url) == one


# --- The members' snippets ----------------------------------------------------------------------------


def test_a_member_sees_the_snippets_of_its_organisation_only(client):
    a, b = OrganisationFactory(name="Structure A"), OrganisationFactory(name="Structure B")
    member(a)
    member(b)
    person = PartnerMembershipFactory(organisation=a).user
    PartnerMembershipFactory(organisation=b)
    client.force_login(person)
    page = client.get(reverse("appartenance:badges-membre")).content.decode()
    site = settings.SITE_URL
    assert "Structure A" in page and "Structure B" not in page
    assert f"{site}{reverse('appartenance:badge-svg', args=[token_of(a)])}" in page
    assert f"{site}{reverse('appartenance:badge-png', args=[token_of(a)])}" in page
    assert f"{site}{reverse('appartenance:badge-verification', args=[token_of(a)])}" in page
    assert token_of(b) not in page


def test_a_member_without_a_badge_is_told_how_to_get_one(client):
    person = PartnerMembershipFactory().user
    client.force_login(person)
    page = client.get(reverse("appartenance:badges-membre")).content.decode()
    assert "n'a pas encore de badge" in page


def test_the_members_page_asks_to_log_in(client):
    response = client.get(reverse("appartenance:badges-membre"))
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
