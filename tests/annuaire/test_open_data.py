import csv
import io
import json

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire.exports import COLUMNS
from annuaire.geo import MAX_POINTS
from annuaire.models import Category
from referentiels.models import LegalForm
from tests.annuaire.factories import OrganisationFactory, commune

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def queries(client, url, params=None):
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
        assert response.status_code == 200
        body(response)
    return len(context.captured_queries)


# --- Map data --------------------------------------------------------------------------


def test_low_zoom_map_data_is_clustered_on_the_server(client):
    for index in range(6):
        OrganisationFactory(name=f"Saint-Denis {index}", commune=commune("97411"))
    OrganisationFactory(name="Seule à Cilaos", commune=commune("97424"))
    OrganisationFactory(name="Cachée", commune=commune("97424"), is_published=False)
    data = client.get(reverse("annuaire:carte-donnees"), {"zoom": "10"}).json()
    assert data["clustered"] is True
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    singles = [f for f in data["features"] if not f["properties"].get("cluster")]
    assert [c["properties"]["count"] for c in clusters] == [6]
    assert [s["properties"]["name"] for s in singles] == ["Seule à Cilaos"]


def test_high_zoom_map_data_sends_the_points_of_the_visible_area(client):
    OrganisationFactory(name="Dans la vue", commune=commune("97411"))
    OrganisationFactory(name="Hors de la vue", commune=commune("97416"))
    data = client.get(reverse("annuaire:carte-donnees"), {"zoom": "16", "bbox": "55.40,-20.92,55.50,-20.84"}).json()
    assert data["clustered"] is False
    assert [f["properties"]["name"] for f in data["features"]] == ["Dans la vue"]
    assert data["features"][0]["properties"]["slug"]


def test_map_data_follows_the_directory_filters(client):
    scop = LegalForm.objects.get(code="5458")
    OrganisationFactory(name="Coop", legal_form=scop)
    OrganisationFactory(name="Asso")
    data = client.get(reverse("annuaire:carte-donnees"), {"zoom": "16", "famille": "cooperative"}).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Coop"]


@pytest.mark.parametrize("params", [{"zoom": "abc"}, {"zoom": "40"}, {"bbox": "1,2,3"}, {"bbox": "10,0,5,1"}])
def test_bad_map_parameters_get_a_400_in_french(client, params):
    response = client.get(reverse("annuaire:carte-donnees"), params)
    assert response.status_code == 400
    assert "Paramètres de carte invalides" in response.json()["erreur"]


def test_map_points_are_capped():
    assert MAX_POINTS == 5000


def test_map_data_queries_do_not_grow_with_the_rows(client):
    OrganisationFactory.create_batch(3)
    url = reverse("annuaire:carte-donnees")
    few = [queries(client, url, {"zoom": "10"}), queries(client, url, {"zoom": "16"})]
    OrganisationFactory.create_batch(30, commune=commune("97416"))
    assert [queries(client, url, {"zoom": "10"}), queries(client, url, {"zoom": "16"})] == few


# --- Exports ---------------------------------------------------------------------------------


def test_csv_export_has_the_documented_columns_and_only_published_rows(client):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    OrganisationFactory(name="Lakour", siret="73282932000074", categories=[insertion], is_support_structure=True)
    OrganisationFactory(name="Cachée", is_published=False)
    response = client.get(reverse("annuaire:export-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "license" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    assert [row["nom"] for row in rows] == ["Lakour"]
    row = rows[0]
    assert row["siret"] == "73282932000074" and row["famille_ess"] == "Association"
    assert row["thematiques"] == "Insertion par l'activité économique"
    assert row["roles"] == "acteur; accompagnement"
    assert row["commune"] == "Saint-Denis" and row["epci"] == "CINOR"
    assert row["url"].startswith("http") and "/annuaire/structure/lakour-" in row["url"]


def test_geojson_export_parses_and_follows_filters(client):
    OrganisationFactory(name="Au TCO", commune=commune("97415"))
    OrganisationFactory(name="À la CINOR", commune=commune("97411"))
    data = json.loads(body(client.get(reverse("annuaire:export-geojson"), {"epci": "tco"})))
    assert data["type"] == "FeatureCollection" and "Licence Ouverte" in data["licence"]
    assert [f["properties"]["nom"] for f in data["features"]] == ["Au TCO"]
    assert data["features"][0]["geometry"]["coordinates"] == pytest.approx(
        [commune("97415").longitude, commune("97415").latitude]
    )


def test_export_queries_do_not_grow_with_the_rows(client):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    OrganisationFactory.create_batch(3, categories=[insertion])
    few = [queries(client, reverse("annuaire:export-csv")), queries(client, reverse("annuaire:export-geojson"))]
    OrganisationFactory.create_batch(40, categories=[insertion])
    assert [queries(client, reverse("annuaire:export-csv")), queries(client, reverse("annuaire:export-geojson"))] == few


def test_open_data_page_documents_columns_and_licence(client):
    html = client.get(reverse("annuaire:donnees")).content.decode()
    assert "Licence Ouverte" in html
    for name, _description in COLUMNS:
        assert f"<code>{name}</code>" in html


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_published_organisations_with_filters(client):
    scop = LegalForm.objects.get(code="5458")
    OrganisationFactory(name="Coop Solidaire", legal_form=scop, description="insertion")
    OrganisationFactory(name="Asso Solidaire", description="insertion")
    OrganisationFactory(name="Cachée Solidaire", description="insertion", is_published=False)
    data = client.get(reverse("api:structures"), {"q": "insertion"}).json()
    assert data["nombre"] == 2
    assert {row["nom"] for row in data["resultats"]} == {"Coop Solidaire", "Asso Solidaire"}
    data = client.get(reverse("api:structures"), {"q": "insertion", "famille": "cooperative"}).json()
    assert [row["nom"] for row in data["resultats"]] == ["Coop Solidaire"]
    assert data["resultats"][0]["famille_ess"] == "Coopérative"


def test_api_refuses_unknown_filters_in_french(client):
    response = client.get(reverse("api:structures"), {"famille": "inconnue"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"erreur", "details"}
    assert "Paramètres refusés" in body["erreur"]
    assert body["details"] == {
        "famille": [
            "« inconnue » n'est pas une valeur possible. "
            "Valeurs : association, cooperative, mutuelle, fondation, societe_commerciale."
        ]
    }


def test_api_detail_hides_unpublished(client):
    visible = OrganisationFactory(name="Visible")
    hidden = OrganisationFactory(name="Cachée", is_published=False)
    assert client.get(reverse("api:structure", args=[visible.slug])).json()["nom"] == "Visible"
    assert client.get(reverse("api:structure", args=[hidden.slug])).status_code == 404


def test_api_is_read_only(client):
    response = client.post(reverse("api:structures"), {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["erreur"] == "Méthode POST refusée : l'API est en lecture seule (GET)."


def test_api_list_queries_do_not_grow_with_the_rows(client):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    OrganisationFactory.create_batch(3, categories=[insertion])
    few = queries(client, reverse("api:structures"))
    OrganisationFactory.create_batch(30, categories=[insertion])
    assert queries(client, reverse("api:structures")) == few


def test_openapi_schema_describes_the_directory(client):
    schema = yaml.safe_load(client.get(reverse("api:schema")).content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/structures/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/structures/"]["get"]["parameters"]}
    assert {"q", "famille", "epci", "page"} <= parameters


# --- Widget ---------------------------------------------------------------------------------


def test_widget_can_be_embedded_by_partner_sites(client):
    response = client.get(reverse("annuaire:widget"), {"famille": "cooperative"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors https: http:" in response.headers["Content-Security-Policy"]
    assert "famille=cooperative" in response.content.decode()
    # Every other page still refuses to be framed.
    assert client.get(reverse("annuaire:index")).headers["X-Frame-Options"] == "DENY"
