"""Les métiers de l'ESS: the families shipped as data (every ROME code known), the index
and a family's page (what the work is, the fiches, the open offers, the trainings, the
employment figure and its secrecy), constant query counts, the staff's admin."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emplois.metiers import MetierFamily, read_data_file
from emplois.models import Offer
from lib import employment_figures, trainings
from lib.employment_figures import SECRET_LABEL, EmploymentFigure, EmploymentSource
from lib.trainings import TrainingItem, TrainingSource
from tests.emplois.factories import make_offer

pytestmark = pytest.mark.django_db


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def fake_sources():
    """Fake trainings and employment sources alone in their registries."""
    saved_trainings, saved_figures = trainings.sources(), employment_figures.sources()
    for source in saved_trainings:
        trainings.unregister(source.name)
    for source in saved_figures:
        employment_figures.unregister(source.name)
    state = {"figure": None, "trainings": []}
    trainings.register(
        TrainingSource(name="faux", trainings=lambda codes, limit: state["trainings"][:limit], version=lambda: 1)
    )
    employment_figures.register(EmploymentSource(name="faux", figure=lambda codes: state["figure"], version=lambda: 1))
    yield state
    trainings.unregister("faux")
    employment_figures.unregister("faux")
    for source in saved_trainings:
        trainings.register(source)
    for source in saved_figures:
        employment_figures.register(source)


def test_the_data_file_is_loaded_with_every_rome_code():
    rows = read_data_file()
    assert 8 <= len(rows) <= 12
    for row in rows:
        family = MetierFamily.objects.get(slug=row["slug"])
        assert sorted(fiche.code for fiche in family.rome_fiches.all()) == sorted(row["rome_codes"].split())
        assert family.source and family.is_published and family.naf_division_codes
    home_care = MetierFamily.objects.get(slug="aide-et-soin-a-domicile")
    assert {"K1302", "K1304", "K1305", "J1501"} == {f.code for f in home_care.rome_fiches.all()}


def test_the_index_lists_the_families_with_their_codes_and_open_offers(client):
    make_offer("Aide à domicile", rome_code="K1302")
    make_offer("Auxiliaire de vie", rome_code="K1304")
    make_offer("Brouillon", rome_code="K1302", status="brouillon")
    make_offer("Expirée", rome_code="K1302", status="expiree")
    text = page(client, "/emplois/metiers/")
    assert "Les métiers de l'ESS" in text
    assert 'href="/emplois/metiers/aide-et-soin-a-domicile/"' in text and "Aide et soin à domicile" in text
    assert "K1305" in text and "Formation et orientation" in text
    assert "<strong>2</strong> offres ouvertes" in text
    assert "Aucune offre ouverte en ce moment" in text  # the other families


def test_an_unpublished_family_is_neither_listed_nor_shown(client):
    MetierFamily.objects.filter(slug="petite-enfance").update(is_published=False)
    assert "Petite enfance" not in page(client, "/emplois/metiers/")
    assert client.get("/emplois/metiers/petite-enfance/").status_code == 404
    assert client.get("/emplois/metiers/inconnue/").status_code == 404


def test_a_familys_page_says_the_work_the_fiches_offers_trainings_and_figure(client, fake_sources):
    for number in range(7):
        make_offer(f"Aide à domicile {number}", rome_code="K1302", published_ago=timedelta(days=number + 1))
    make_offer("Animateur", rome_code="G1203")
    fake_sources["trainings"] = [
        TrainingItem(title="Devenir aide à domicile", url="/formation/aide/", next_session=None, place="Saint-Denis")
    ]
    fake_sources["figure"] = EmploymentFigure(
        value="4 120", label="salarié·es de l'ESS à La Réunion dans ces activités", source="Insee, Flores", year=2024
    )
    text = page(client, "/emplois/metiers/aide-et-soin-a-domicile/")
    assert "En quoi consiste le travail" in text and "auxiliaires de vie" in text
    assert "K1302" in text and "Assistance auprès d'adultes" in text and "Soins d'hygiène" in text
    assert "7 offres d'emploi ou de bénévolat ouvertes dans ces métiers, dont les 5 plus récentes" in text
    assert "Aide à domicile 0" in text and "Aide à domicile 4" in text and "Aide à domicile 5" not in text
    assert "Animateur" not in text
    newest = Offer.objects.filter(title="Aide à domicile 0").get()
    assert f'href="/emplois/offres/{newest.pk}-{newest.slug}/"' in text
    assert 'href="/formation/aide/"' in text and "Devenir aide à domicile" in text
    assert "4 120" in text and "Source : Insee, Flores, 2024" in text


def test_a_secret_figure_is_said_so_never_a_number(client, fake_sources):
    fake_sources["figure"] = EmploymentFigure(
        value=SECRET_LABEL, label="salarié·es de l'ESS", source="Insee, Flores", year=2024, is_secret=True
    )
    text = page(client, "/emplois/metiers/petite-enfance/")
    assert "secret statistique" in text and "l'observatoire ne le publie pas" in text


def test_without_offers_trainings_or_figure_the_page_says_so(client, fake_sources):
    text = page(client, "/emplois/metiers/formation-et-orientation/")
    assert "Aucune offre n'est ouverte dans ces métiers" in text
    assert "Aucune session de formation n'est programmée" in text
    assert "L'emploi dans l'ESS" not in text


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/emplois/metiers/", "/emplois/metiers/aide-et-soin-a-domicile/"])
def test_query_counts_do_not_grow_with_the_offers(client, url):
    """The real sources (catalogue, observatory) included: 10 offers cost what 30 do."""
    for number in range(10):
        make_offer(f"Aide {number}", rome_code=("K1302", "K1304", "G1203")[number % 3])
    client.get(url)  # caches warm (the observatory's reference)
    ten = queries(client, url)
    for number in range(20):
        make_offer(f"Aide bis {number}", rome_code=("K1302", "K1305", "K2111")[number % 3])
    assert queries(client, url) == ten


def test_the_observatorys_figure_on_the_page_and_its_secrecy(client):
    """The real source: a published division's employment shows with its source and year; a
    family whose activities include a hidden cell shows « secret statistique », not a number."""
    from tests.observatoire.helpers import import_and_publish, rows

    import_and_publish(
        rows(10, naf="85.59A", employees="10")
        + rows(2, start=20, naf="38.11Z", employees="35")  # fewer than 3 establishments: secret
        + rows(3, start=40, naf="94.99Z", employees="5")  # the cheapest complement: hidden too
    )
    text = page(client, "/emplois/metiers/formation-et-orientation/").replace("\u202f", " ")
    assert "L'emploi dans l'ESS" in text and ">100</span> salarié·es de l'ESS à La Réunion" in text
    assert "en 2024" in text and 'href="/observatoire/methode/"' in text
    text = page(client, "/emplois/metiers/environnement-recyclage-espaces-verts/")
    assert ">secret statistique</span>" in text and ">70<" not in text
