"""The public partners page and a partner's page: only what staff chose to publish, a kind
filter that never fails, logos served with long cache headers, a cache that never shows
stale data, and a query count that does not grow with the partners."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from partenariats import selectors, services
from partenariats.forms import PartnerAdminForm
from partenariats.models import Partner, PartnerFigure, PartnerKind
from tests.annuaire.factories import OrganisationFactory
from tests.partenariats.factories import make_convention, make_partner

pytestmark = pytest.mark.django_db

INDEX = "/partenaires/"


def html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def png(size=(40, 20), colour=(13, 110, 110)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def partner_named(name, **fields):
    organisation = OrganisationFactory(name=name, is_published=True)
    return make_partner(organisation=organisation, **fields)


def page_of(partner) -> str:
    return reverse("partenariats:partenaire", args=[partner.organisation.slug])


def test_the_page_shows_only_public_partners_grouped_by_kind(client):
    partner_named("CCI Réunion", kind=PartnerKind.CHAMBER, public_description="Les créateurs d'entreprise orientés.")
    partner_named("France Travail", kind=PartnerKind.EMPLOYMENT)
    partner_named("Partenaire discret", kind=PartnerKind.CHAMBER, is_public=False)

    page = html(client, INDEX)
    assert "CCI Réunion" in page and "France Travail" in page
    assert "Partenaire discret" not in page
    assert "Les créateurs d&#x27;entreprise orientés." in page
    assert '<h2 class="h4 mb-3" id="type-chambre_consulaire">Chambres consulaires</h2>' in page
    assert '<h2 class="h4 mb-3" id="type-emploi">Emploi et orientation</h2>' in page
    assert page.index("Chambres consulaires</h2>") < page.index("Emploi et orientation</h2>"), "kinds in order"
    assert 'id="type-financeur"' not in page, "a kind without partners has no section"
    assert f'href="{INDEX}"' in html(client, "/"), "the menu leads to the partners page"


def test_only_public_conventions_in_force_are_listed(client):
    partner = partner_named("Chambre de métiers et de l'artisanat")
    shown = {
        "en_vigueur": make_convention(partner, status="en_vigueur", title="Orienter les artisans de l'ESS"),
        "a_renouveler": make_convention(partner, status="a_renouveler", title="Forum de la création 2025"),
    }
    hidden = [
        make_convention(partner, status=state, title=f"Convention cachée {state}")
        for state in ("projet", "en_signature", "echue", "resiliee")
    ]
    hidden.append(make_convention(partner, status="en_vigueur", is_public=False, title="Convention confidentielle"))

    for page in (html(client, INDEX), html(client, page_of(partner))):
        for convention in shown.values():
            assert escape(convention.title) in page
        for convention in hidden:
            assert escape(convention.title) not in page
        assert ">En vigueur</span>" in page and ">À renouveler</span>" in page
        assert selectors.period(shown["en_vigueur"]) in page


def test_amounts_and_funders_show_only_when_published(client):
    partner = partner_named("URSCOP Réunion")
    make_convention(
        partner, status="en_vigueur", title="Accompagner les SCOP", amount=Decimal("45000"), funder="Fonds Kalbanon"
    )
    for page in (html(client, INDEX), html(client, page_of(partner))):
        assert "Accompagner les SCOP" in page
        for written in ("45000", "45 000", "45\u202f000", "45\u00a0000", "45,000", "Fonds Kalbanon", "montant"):
            assert written not in page

    cache.clear()  # the version is bumped on commit, which this test's transaction never reaches
    make_convention(
        partner,
        status="en_vigueur",
        title="Former les coopérateurs",
        amount=Decimal("12500.50"),
        funder="FSE",
        amount_is_public=True,
    )
    for page in (html(client, INDEX), html(client, page_of(partner))):
        assert "montant publié : 12\u202f500,50\u00a0€, financement : FSE" in page
        assert "45\u202f000" not in page and "Fonds Kalbanon" not in page


def test_figures_show_only_when_published_latest_year_on_the_card(client):
    partner = partner_named("Cité des Métiers")
    PartnerFigure.objects.create(
        partner=partner, year=2025, label="personnes orientées vers l'ESS", value=Decimal("1250"), is_published=True
    )
    PartnerFigure.objects.create(
        partner=partner, year=2024, label="ateliers animés ensemble", value=Decimal("18"), is_published=True
    )
    PartnerFigure.objects.create(
        partner=partner, year=2025, label="chiffre en préparation", value=Decimal("7"), is_published=False
    )

    index = html(client, INDEX)
    assert "Les chiffres de 2025" in index and "1\u202f250" in index and "personnes orientées vers l&#x27;ESS" in index
    assert "ateliers animés ensemble" not in index, "the card shows the latest year"
    assert "chiffre en préparation" not in index

    page = html(client, page_of(partner))
    assert "personnes orientées vers l&#x27;ESS" in page and "ateliers animés ensemble" in page
    assert page.index(">En 2025</h3>") < page.index(">En 2024</h3>")
    assert "chiffre en préparation" not in page


def test_the_kind_filter_is_in_the_address_and_a_bad_value_shows_everyone_with_a_notice(client):
    partner_named("CCI Réunion", kind=PartnerKind.CHAMBER)
    partner_named("France Travail", kind=PartnerKind.EMPLOYMENT)

    page = html(client, INDEX, type="emploi")
    assert "France Travail" in page and "CCI Réunion" not in page
    assert 'href="/partenaires/?type=emploi" aria-current="page"' in page
    assert '<h1 class="mb-2">Les partenaires de la CRESS : emploi et orientation</h1>' in page
    assert '<meta name="robots" content="noindex, follow">' in page

    for bad in ("nimporte", "<script>alert(1)</script>", "x" * 5000, "emploi'--"):
        page = html(client, INDEX, type=bad)
        assert "Ce type de partenaire n'existe pas : voici tous les partenaires de la CRESS." in page
        assert "France Travail" in page and "CCI Réunion" in page
        assert "<script>alert" not in page

    page = html(client, INDEX, type="financeur")  # a kind no partner has yet
    assert "Aucun partenaire de ce type n'est présenté pour l'instant." in page
    assert "n'existe pas" not in page


def test_a_partner_page_links_to_its_directory_page_and_the_other_parties(client):
    cma = partner_named("Chambre de métiers et de l'artisanat", kind=PartnerKind.CHAMBER)
    urscop = partner_named("URSCOP Réunion", kind=PartnerKind.NETWORK)
    hidden = partner_named("Partenaire discret", is_public=False)
    make_convention(cma, urscop, hidden, status="en_vigueur", title="Transmettre les entreprises artisanales en SCOP")

    page = html(client, page_of(cma))
    assert '<h1 class="mb-0">Chambre de métiers et de l&#x27;artisanat</h1>' in page
    assert f'href="{reverse("annuaire:structure", args=[cma.organisation.slug])}"' in page
    assert f'Avec <a href="{page_of(urscop)}">URSCOP Réunion</a>' in page
    assert "Partenaire discret" not in page
    assert 'href="/partenaires/?type=chambre_consulaire"' in page, "the breadcrumb leads to its kind"

    assert client.get(page_of(hidden)).status_code == 404
    assert client.get("/partenaires/inconnu/").status_code == 404
    unpublished = make_partner(organisation=OrganisationFactory(name="Hors annuaire", is_published=False))
    assert "Sa fiche dans l&#x27;annuaire" not in html(client, page_of(unpublished))


def test_a_logo_is_served_with_long_cache_headers_and_an_etag(client):
    partner = partner_named("CGSS de La Réunion", kind=PartnerKind.SOCIAL_PROTECTION)
    partner.logo.save("logo-cgss.png", ContentFile(png()))
    name = partner.logo.name.rsplit("/", 1)[1]
    url = reverse("partenariats:logo", args=[partner.organisation.slug, name])
    assert f'<img src="{url}" alt=""' in html(client, INDEX)
    assert f'<img src="{url}" alt=""' in html(client, page_of(partner))

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png()
    assert "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag.startswith('"') and name.split(".")[0] in etag

    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag

    assert client.get(reverse("partenariats:logo", args=[partner.organisation.slug, "autre.png"])).status_code == 404
    assert client.get(reverse("partenariats:logo", args=["inconnu", name])).status_code == 404
    partner.is_public = False
    partner.save()
    assert client.get(url).status_code == 404, "a partner taken off the page has no public logo"


def test_dates_read_as_in_french():
    partner = partner_named("URSCOP Réunion")
    convention = make_convention(partner, start=date(2026, 2, 1), end=date(2028, 1, 31))
    assert selectors.period(convention) == "Du 1er février 2026 au 31 janvier 2028"
    assert selectors.french_number(Decimal("1250")) == "1\u202f250"
    assert selectors.french_number(Decimal("12.50")) == "12,5"
    assert selectors.french_number(Decimal("1234567.5"), cents=True) == "1\u202f234\u202f567,50"


def test_a_partner_without_logo_shows_its_initials(client):
    partner_named("Chambre d'agriculture de La Réunion")
    page = html(client, INDEX)
    assert '<span class="partner-logo partner-monogram" aria-hidden="true">CLR</span>' in page


def test_the_logo_upload_is_checked_by_its_content(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Partner).get_form(request)
    assert issubclass(form_class, PartnerAdminForm)
    organisation = OrganisationFactory(name="CCI Réunion")
    data = {"organisation": organisation.pk, "kind": "chambre_consulaire", "public_description": "Texte.", "order": 1}
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    form = form_class(data=data, files={"logo": fake})
    assert not form.is_valid()
    assert form.errors["logo"] and all("image" in message for message in form.errors["logo"])
    too_big = SimpleUploadedFile("logo.png", png(size=(3000, 10)), content_type="image/png")
    form = form_class(data=data, files={"logo": too_big})
    assert not form.is_valid() and "2000 pixels de côté au plus" in form.errors["logo"][0]
    good = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    form = form_class(data=data, files={"logo": good})
    assert form.is_valid(), form.errors
    assert "2 000 pixels de côté au plus" in form.fields["logo"].help_text


def test_a_change_shows_at_once(client, django_capture_on_commit_callbacks):
    partner = partner_named("France Travail", kind=PartnerKind.EMPLOYMENT, public_description="Texte d'origine.")
    convention = make_convention(partner, status="en_vigueur", title="Orienter les demandeurs d'emploi")
    assert "Texte d&#x27;origine." in html(client, INDEX)
    assert "Texte d&#x27;origine." in html(client, page_of(partner))

    with django_capture_on_commit_callbacks(execute=True):
        partner.public_description = "Un texte revu par l'équipe."
        partner.save()
    assert "Un texte revu par l&#x27;équipe." in html(client, INDEX)
    assert "Un texte revu par l&#x27;équipe." in html(client, page_of(partner))

    with django_capture_on_commit_callbacks(execute=True):
        services.move_convention(convention, "echue")
    assert "Orienter les demandeurs d&#x27;emploi" not in html(client, INDEX)

    with django_capture_on_commit_callbacks(execute=True):
        PartnerFigure.objects.create(
            partner=partner, year=2026, label="offres d'emploi partagées", value=Decimal("42"), is_published=True
        )
    assert "offres d&#x27;emploi partagées" in html(client, INDEX)

    with django_capture_on_commit_callbacks(execute=True):
        partner.organisation.name = "France Travail Réunion"
        partner.organisation.save()
    assert "France Travail Réunion" in html(client, INDEX), "the directory's name, changed there"


def test_the_sitemap_lists_the_public_partners(client):
    shown = partner_named("URSCOP Réunion")
    hidden = partner_named("Partenaire discret", is_public=False)
    xml = client.get(reverse("sitemap-section", args=["partenaires"])).content.decode()
    assert page_of(shown) in xml and page_of(hidden) not in xml
    pages = client.get(reverse("sitemap-section", args=["pages"])).content.decode()
    assert "/partenaires/<" in pages


def make_partners(size: int) -> list:
    partners = []
    kinds = list(PartnerKind.values)
    for index in range(size):
        partner = partner_named(
            f"Partenaire {index}", kind=kinds[index % len(kinds)], logo=f"partenariats/logos/{index}.png"
        )
        other = partners[-1] if partners else partner
        for state in ("en_vigueur", "a_renouveler", "echue"):
            make_convention(partner, other, status=state, amount=Decimal("1000"), amount_is_public=index % 2 == 0)
        for year in (2024, 2025):
            PartnerFigure.objects.create(
                partner=partner, year=year, label="orientations", value=Decimal(index + year), is_published=True
            )
        partners.append(partner)
    return partners


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_do_not_grow_with_the_partners(client, django_assert_num_queries, size):
    partners = make_partners(size)
    cache.clear()
    # partners (with their organisations), conventions in force, published figures
    with django_assert_num_queries(3):
        page = html(client, INDEX)
    assert page.count('class="card h-100 partner-card"') == size
    cache.clear()
    with django_assert_num_queries(3):
        html(client, INDEX, type="chambre_consulaire")
    cache.clear()
    # the partner, conventions in force, their parties, figures, territories
    with django_assert_num_queries(5):
        html(client, page_of(partners[-1]))
    html(client, INDEX)
    with django_assert_num_queries(0):  # then from the cache
        html(client, INDEX)
        html(client, INDEX, type="nimporte")
        html(client, page_of(partners[-1]))
