"""An offer's public page: what it says (pay range, time, place, start, closing date, the
sanitised description, how to apply, the organisation), its schema.org JobPosting for
search engines, 410 with similar open offers once closed, 404 before publication, 301 to
the right slug; the RSS feed of new offers and the sitemap."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emplois.models import Contract, Offer
from emplois.selectors import offer_url
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_offer

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
REQUIRED = ("@context", "@type", "title", "description", "datePosted", "validThrough", "hiringOrganization")


def page(client, offer):
    return client.get(offer_url(offer))


def text(response) -> str:
    return unescape(response.content.decode())


def job_postings(response) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


# --- What the page says ---------------------------------------------------------------------------


def test_a_job_page_says_pay_time_place_start_and_closing(client):
    organisation = OrganisationFactory(name="Association Lakaz Kréol", postcode="97400")
    offer = make_offer(
        "Aide à domicile (H/F)",
        organisation=organisation,
        contract=Contract.CDD,
        working_time="temps_partiel",
        hours_per_week=Decimal("24.5"),
        duration_months=12,
        starts_on=date(2027, 2, 1),
        closes_on=timezone.localdate() + timedelta(days=20),
    )
    response = page(client, offer)
    assert response.status_code == 200
    html = text(response)
    assert '<h1 class="mb-1">Aide à domicile (H/F)</h1>' in html
    assert "1\u202f800 – 2\u202f100 € brut par mois" in html
    assert "Temps partiel, 24,5 h par semaine, 12 mois" in html
    assert "Saint-Denis" in html
    assert "Le 1er février 2027" in html
    assert f'href="/annuaire/structure/{organisation.slug}/"' in html
    assert "Assistance auprès d'adultes" in html and "ROME K1302" in html
    assert "<p>Accompagner des personnes âgées à leur domicile : aide au lever, aux repas.</p>" in html


def test_a_pay_without_maximum_or_by_the_hour_reads_naturally(client):
    hourly = make_offer(pay_min=Decimal("11.65"), pay_max=None, pay_period="heure")
    assert "à partir de 11,65 € brut de l'heure" in text(page(client, hourly))
    yearly = make_offer(pay_min=Decimal("30000"), pay_max=Decimal("30000"), pay_period="an")
    assert "30\u202f000 € brut par an" in text(page(client, yearly))


def test_a_volunteering_mission_says_the_time_asked_and_no_pay(client):
    mission = make_offer("Bénévole à l'épicerie solidaire", contract=Contract.VOLUNTEERING, starts_on=None)
    html = text(page(client, mission))
    assert "La mission" in html and "Temps demandé" in html and "2 heures par semaine" in html
    assert "Aucune : mission bénévole" in html
    assert "Dès que possible" in html


def test_the_description_is_rendered_sanitised(client):
    offer = make_offer(description='<p onclick="x()">Bonjour <script>alert(1)</script><strong>équipe</strong></p>')
    html = page(client, offer).content.decode()
    assert "<script>alert(1)" not in html and "onclick" not in html
    assert "<strong>équipe</strong>" in html


def test_how_to_apply_through_the_portal(client):
    offer = make_offer("Aide à domicile")
    html = text(page(client, offer))
    assert f'href="/emplois/offres/{offer.pk}/candidater/">Candidater sur le portail</a>' in html


def test_how_to_apply_by_email_or_on_the_employers_site(client):
    by_email = make_offer("Comptable", apply_mode="courriel", apply_email="rh@lakaz.re")
    html = text(page(client, by_email))
    assert 'href="mailto:rh@lakaz.re?subject=Comptable"' in html
    elsewhere = make_offer("Éducateur", apply_mode="site", apply_url="https://lakaz.re/recrutement")
    html = text(page(client, elsewhere))
    assert 'href="https://lakaz.re/recrutement" rel="noopener nofollow"' in html
    assert "Candidater sur le site de la structure" in html
    assert "/candidater/" not in html


def test_an_organisation_not_in_the_directory_is_named_without_a_link(client):
    organisation = OrganisationFactory(is_published=False, name="Structure discrète")
    offer = make_offer(organisation=organisation)
    html = text(page(client, offer))
    assert "Structure discrète" in html
    assert f"/annuaire/structure/{organisation.slug}/" not in html
    assert "sameAs" not in job_postings(page(client, offer))[0]["hiringOrganization"]


# --- JobPosting -------------------------------------------------------------------------------------


def test_every_published_offer_carries_a_complete_job_posting(client):
    closes = timezone.localdate() + timedelta(days=15)
    offers = [
        make_offer(
            "CDI à Saint-Denis",
            organisation=OrganisationFactory(postcode="97400"),
            closes_on=closes,
            starts_on=date(2027, 1, 4),
        ),
        make_offer("CDD à temps partiel", contract=Contract.CDD, working_time="temps_partiel", commune_code="97415"),
        make_offer("Développeur à distance", commune_code=None, remote="total", rome_code="M1805"),
        make_offer("Télétravail partiel", remote="partiel", pay_max=None),
        make_offer("Bénévole du jardin partagé", contract=Contract.VOLUNTEERING),
        make_offer("Service civique", contract=Contract.CIVIC_SERVICE, pay_min=Decimal("620"), pay_max=Decimal("620")),
    ]
    for offer in Offer.objects.filter(status=Offer.Status.PUBLISHED):
        postings = job_postings(page(client, offer))
        assert len(postings) == 1, offer.title
        data = postings[0]
        for name in REQUIRED:
            assert data.get(name), (offer.title, name)
        assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
        assert data["title"] == offer.title
        assert data["hiringOrganization"]["@type"] == "Organization"
        assert data["hiringOrganization"]["name"] == offer.organisation.name
        assert data["hiringOrganization"]["sameAs"].endswith(f"/annuaire/structure/{offer.organisation.slug}/")
        assert data["datePosted"].startswith(timezone.localtime(offer.published_at).date().isoformat())
        assert data["validThrough"] == f"{offer.closes_on.isoformat()}T23:59:59+04:00"
        assert data["url"].endswith(offer_url(offer))
        assert "jobLocation" in data or data.get("jobLocationType") == "TELECOMMUTE"
        if "jobLocation" in data:
            address = data["jobLocation"]["address"]
            assert address["@type"] == "PostalAddress"
            assert address["addressLocality"] == offer.commune.name
            assert address["addressRegion"] == "La Réunion" and address["addressCountry"] == "FR"
        if offer.is_volunteering:
            assert data["employmentType"] == "VOLUNTEER" and "baseSalary" not in data
        else:
            salary = data["baseSalary"]
            assert salary["@type"] == "MonetaryAmount" and salary["currency"] == "EUR"
            assert salary["value"]["@type"] == "QuantitativeValue"
            assert salary["value"]["minValue"] == float(offer.pay_min)
            assert salary["value"]["unitText"] == "MONTH"

    by_title = {offer.title: job_postings(page(client, offer))[0] for offer in offers}
    assert by_title["CDI à Saint-Denis"]["employmentType"] == "FULL_TIME"
    assert by_title["CDI à Saint-Denis"]["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "MONTH",
        "minValue": 1800,
        "maxValue": 2100,
    }
    assert by_title["CDI à Saint-Denis"]["jobStartDate"] == "2027-01-04"
    assert by_title["CDI à Saint-Denis"]["jobLocation"]["address"]["postalCode"] == "97400"
    assert by_title["CDD à temps partiel"]["employmentType"] == "TEMPORARY"
    assert "postalCode" not in by_title["CDD à temps partiel"]["jobLocation"]["address"]
    remote = by_title["Développeur à distance"]
    assert remote["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in remote
    assert remote["applicantLocationRequirements"] == {"@type": "AdministrativeArea", "name": "La Réunion"}
    assert "maxValue" not in by_title["Télétravail partiel"]["baseSalary"]["value"]
    assert by_title["Service civique"]["employmentType"] == "VOLUNTEER"


def test_the_job_posting_cannot_close_its_script_element(client):
    offer = make_offer("Animateur </script><script>alert(1)</script>")
    response = page(client, offer)
    assert "</script><script>alert(1)" not in response.content.decode()
    assert job_postings(response)[0]["title"] == "Animateur </script><script>alert(1)</script>"


# --- Closed, unpublished, wrong address -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fields", "says"),
    [
        (Offer.Status.EXPIRED, {}, "La date limite de candidature était le"),
        (Offer.Status.FILLED, {}, "Le poste a été pourvu."),
        (Offer.Status.PUBLISHED, {"closes_on": date(2026, 1, 15)}, "était le 15 janvier 2026"),
    ],
)
def test_a_closed_offer_answers_410_with_similar_open_offers(client, status, fields, says):
    closed = make_offer("Aide à domicile de jour", status=status, rome_code="K1302", **fields)
    make_offer("Même fiche, plus ancienne", rome_code="K1302", published_ago=timedelta(days=5))
    make_offer("Même domaine, récente", rome_code="K1303", published_ago=timedelta(hours=1))
    make_offer("Même fiche, récente", rome_code="K1302", published_ago=timedelta(hours=2))
    make_offer("Autre domaine", rome_code="M1203")
    make_offer("Même fiche mais close", rome_code="K1302", status=Offer.Status.EXPIRED)
    response = page(client, closed)
    assert response.status_code == 410
    html = text(response)
    assert "Cette offre n'est plus ouverte aux candidatures." in html
    assert says in html
    assert [card["offer"].title for card in response.context["similar"]] == [
        "Même fiche, récente",
        "Même fiche, plus ancienne",
        "Même domaine, récente",
    ]
    assert "application/ld+json" not in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_at_most_four_similar_offers_in_a_constant_number_of_queries(client):
    closed = make_offer("Close", status=Offer.Status.EXPIRED)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(client, closed).status_code == 410
        return len(captured)

    make_offer("Ouverte 0")
    few = queries()
    for index in range(1, 8):
        make_offer(f"Ouverte {index}")
    assert queries() == few
    assert len(page(client, closed).context["similar"]) == 4


def test_the_open_page_does_a_constant_number_of_queries(client):
    offer = make_offer()
    with CaptureQueriesContext(connection) as captured:
        assert page(client, offer).status_code == 200
    assert len(captured) == 1


@pytest.mark.parametrize("status", [Offer.Status.DRAFT, Offer.Status.REVIEW, Offer.Status.REFUSED])
def test_an_offer_never_published_is_not_found(client, status):
    offer = make_offer(status=status)
    assert page(client, offer).status_code == 404


def test_an_unknown_offer_is_not_found(client):
    assert client.get("/emplois/offres/999999-rien/").status_code == 404


def test_a_wrong_slug_redirects_permanently_to_the_right_one(client):
    offer = make_offer("Aide à domicile")
    response = client.get(f"/emplois/offres/{offer.pk}-ancien-titre/?utm=x")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/emplois/offres/{offer.pk}-aide-a-domicile/"
    closed = make_offer("Ancienne offre", status=Offer.Status.EXPIRED)
    assert client.get(f"/emplois/offres/{closed.pk}-x/").status_code == 301


# --- Feed and sitemap ---------------------------------------------------------------------------------


def test_the_rss_feed_lists_the_newest_open_offers(client):
    make_offer("Aide à domicile", published_ago=timedelta(hours=3))
    make_offer("Bénévole du jardin", contract=Contract.VOLUNTEERING, published_ago=timedelta(hours=1))
    make_offer("Expirée", status=Offer.Status.EXPIRED)
    make_offer("Brouillon", status=Offer.Status.DRAFT)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/emplois/offres.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 — the portal's own feed, in a test
    items = channel.findall("item")
    assert [item.findtext("title").split(" — ")[0] for item in items] == ["Bénévole du jardin", "Aide à domicile"]
    assert items[1].findtext("link").endswith("-aide-a-domicile/")
    assert "1\u202f800 – 2\u202f100 € brut par mois" in items[1].findtext("description")
    assert "Candidatures jusqu'au" in items[1].findtext("description")
    assert len(captured) == 1


def test_the_sitemap_lists_the_open_offers_only(client):
    open_offer = make_offer("Ouverte")
    closed = make_offer("Close", status=Offer.Status.EXPIRED)
    draft = make_offer("Brouillon", status=Offer.Status.DRAFT)
    response = client.get("/sitemap-emplois.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert offer_url(open_offer) in xml
    assert offer_url(closed) not in xml and offer_url(draft) not in xml
