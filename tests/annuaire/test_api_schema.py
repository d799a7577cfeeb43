"""The API does what its OpenAPI schema says.

schemathesis generates requests from the schema the portal serves (valid ones and invalid
ones, every filter value, boundaries, other methods) and checks every answer against it
with all its checks: no server error, documented status codes, content types, headers and
bodies, valid data accepted, invalid data refused. The directory holds real rows, so that
the lists carry data. Beside it: what the fuzzer cannot reach by chance (a structure that
exists, the rate limit), and the JSON errors everywhere under /api/.
"""

import csv
import io
from wsgiref.util import setup_testing_defaults

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from hypothesis import HealthCheck, settings

from annuaire.demo import seed_organisations
from annuaire.exports import COLUMNS
from annuaire.models import Category, Organisation
from cress.wsgi import application
from referentiels.loading import DATA_DIR
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/schema/"


def seed_directory():
    """Demo organisations (every family, role, category, sector…), and one with nothing but a
    name: the empty strings and nulls of an answer are schema-valid too."""
    seed_organisations(size=60)
    OrganisationFactory(name="Structure sans fiche complète", commune=None, legal_form=None)


@pytest.fixture
def wsgi_app():
    """The portal's WSGI application, called in the test's thread and database transaction:
    like Django's test client, it must not close the connection at each request's end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(request, settings, wsgi_app):
    # schemathesis 4.32's fixture loader reads and sets the test item's `_nodeid`, which
    # pytest 9.2 no longer has: give it one (it only renames the item in reports).
    request.node._nodeid = request.node.nodeid
    # The fuzzer sends hundreds of requests from one address within a minute: the limit is
    # raised for this test alone (test_over_the_rate_limit… checks the 429 answer).
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    seed_directory()
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_its_schema_says(case):
    case.call_and_validate()


def detail_operation(api_schema):
    return api_schema["/api/v1/structures/{identifiant}/"]["GET"]


def test_every_published_structure_answers_as_the_schema_says(api_schema):
    operation = detail_operation(api_schema)
    published = Organisation.objects.filter(is_published=True)
    assert published.count() > 50
    for slug in published.values_list("slug", flat=True):
        response = operation.Case(path_parameters={"identifiant": slug}).call_and_validate()
        assert response.status_code == 200
        assert response.json()["identifiant"] == slug
    hidden = OrganisationFactory(name="Fiche pas encore publiée", is_published=False)
    response = operation.Case(path_parameters={"identifiant": hidden.slug}).call_and_validate()
    assert response.status_code == 404
    assert response.json()["erreur"] == f"Aucune structure publiée n'a l'identifiant « {hidden.slug} »."


def test_over_the_rate_limit_the_api_answers_429_in_json_as_documented(api_schema, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    cache.clear()  # loading the schema was a request too: start the count from zero
    operation = api_schema["/api/v1/structures/"]["GET"]
    statuses, refused = [], None
    # The count is per calendar minute: if a minute ends during the loop the count starts
    # again, and the fourth request after it is refused; 2 × 3 + 2 requests always see one.
    for _ in range(8):
        case = operation.Case(query={"famille": "cooperative"})
        response = case.call_and_validate()
        statuses.append(response.status_code)
        if response.status_code == 429:
            refused = response
            break
    assert refused is not None, statuses
    assert statuses[:3] == [200, 200, 200]
    assert 1 <= int(refused.headers["retry-after"][0]) <= 60
    body = refused.json()
    assert body["erreur"].startswith("Trop de requêtes depuis votre adresse : réessayez dans ")
    assert body["details"] == {}


def schema_parameters(client):
    document = yaml.safe_load(client.get(reverse("api:schema")).content)
    return {p["name"]: p for p in document["paths"]["/api/v1/structures/"]["get"]["parameters"]}


def reference_rows(filename):
    with open(DATA_DIR / filename, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_schema_lists_the_values_each_filter_accepts(client):
    parameters = schema_parameters(client)
    communes = {row["code_insee"]: row["nom"] for row in reference_rows("reunion_communes.csv")}
    assert sorted(parameters["commune"]["schema"]["enum"]) == sorted(communes)
    assert "`97412` : Saint-Joseph" in parameters["commune"]["description"]
    assert parameters["pres_de"]["schema"]["enum"] == parameters["commune"]["schema"]["enum"]
    epcis = {slugify(row["sigle"]) for row in reference_rows("reunion_epci.csv")}
    assert set(parameters["epci"]["schema"]["enum"]) == epcis == {"cinor", "cirest", "tco", "civis", "casud"}
    assert parameters["secteur"]["schema"]["enum"] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert set(parameters["famille"]["schema"]["enum"]) == {
        "association", "cooperative", "mutuelle", "fondation", "societe_commerciale",
    }  # fmt: skip
    assert set(parameters["thematique"]["schema"]["enum"]) == set(Category.objects.values_list("slug", flat=True))
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100_000}
    assert parameters["q"]["schema"]["maxLength"] == 200


def test_a_thematic_category_added_by_staff_is_in_the_schema_and_accepted(client):
    Category.objects.create(name="Économie bleue", slug="economie-bleue")
    assert "economie-bleue" in schema_parameters(client)["thematique"]["schema"]["enum"]
    response = client.get(reverse("api:structures"), {"thematique": "economie-bleue"})
    assert (response.status_code, response.json()["nombre"]) == (200, 0)


def test_a_commune_by_name_is_refused_with_the_codes_to_use(client):
    response = client.get(reverse("api:structures"), {"commune": "Saint-Joseph"})
    assert response.status_code == 400
    [message] = response.json()["details"]["commune"]
    assert message.startswith("« Saint-Joseph » n'est pas une valeur possible. Valeurs : ")
    assert "97412" in message
    assert client.get(reverse("api:structures"), {"commune": "97412"}).status_code == 200


def test_api_fields_are_the_columns_of_the_csv_export(client):
    seed_directory()
    organisation = Organisation.objects.filter(is_published=True, labels__isnull=False).first()
    api_row = client.get(reverse("api:structure", args=[organisation.slug])).json()
    columns = [name for name, _description in COLUMNS]
    assert set(api_row) - set(columns) == {"identifiant", "description"}
    assert set(columns) <= set(api_row)
    export = client.get(reverse("annuaire:export-csv"))
    rows = csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode().lstrip("\ufeff")))
    csv_row = next(row for row in rows if row["url"] == api_row["url"])
    as_csv = {
        **api_row,
        "agrement_esus": "oui" if api_row["agrement_esus"] else "non",
        "thematiques": "; ".join(sorted(api_row["thematiques"])),
        "labels": "; ".join(sorted(api_row["labels"])),
        "roles": "; ".join(api_row["roles"]),
    }
    for column in columns:
        if column in {"latitude", "longitude", "annee_creation"}:
            assert str(as_csv[column]) == csv_row[column], column
        else:
            assert as_csv[column] == csv_row[column], column


# --- JSON errors everywhere under /api/ ---------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v1/", "/api/v1/inconnu/", "/api/v2/structures/", "/api/v1/structures/é/"]
)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "développement"])
def test_an_unknown_address_under_api_answers_json(client, settings, path, debug):
    settings.DEBUG = debug  # with DEBUG, Django shows its own 404 page unless a route answers
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "erreur": "Rien à cette adresse de l'API : consultez son schéma, /api/v1/schema/.",
        "details": {},
    }


def test_a_bad_host_under_api_answers_json_400_and_a_page_elsewhere(client):
    response = client.get(reverse("api:structures"), HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert response.json() == {"erreur": "Requête invalide.", "details": {}}
    page = client.get(reverse("annuaire:index"), HTTP_HOST="ailleurs.example")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_a_page_outside_the_api_still_answers_html(client):
    response = client.get("/annuaire/structure/inconnue-du-portail/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_method_answers_json_405_with_allow(client, method):
    response = getattr(client, method)(reverse("api:structures"), content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["erreur"] == f"Méthode {method.upper()} refusée : l'API est en lecture seule (GET)."


def test_a_server_error_under_api_answers_json_and_a_page_elsewhere(monkeypatch):
    from annuaire import api, views

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée de la recherche")

    monkeypatch.setattr(api, "search_directory", broken)
    monkeypatch.setattr(views, "search_directory", broken)
    client = Client(raise_request_exception=False)
    response = client.get(reverse("api:structures"))
    assert response.status_code == 500
    assert response.json()["erreur"].startswith("Erreur interne du serveur")
    page = client.get(reverse("annuaire:index"))
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


def test_a_body_over_the_cap_under_api_answers_json(settings):
    settings.MAX_REQUEST_BODY_MB = 1
    answers = {}

    def start_response(status, headers):
        answers["status"], answers["headers"] = status, dict(headers)

    for path in ("/api/v1/structures/", "/annuaire/proposer/"):
        environ = {}
        setup_testing_defaults(environ)
        environ.update(REQUEST_METHOD="POST", PATH_INFO=path, CONTENT_LENGTH=str(2 * 1024 * 1024))
        answers[path] = b"".join(application(environ, start_response)).decode()
        answers[path, "type"] = answers["headers"]["Content-Type"]
        assert answers["status"].startswith("413")
    assert answers["/api/v1/structures/", "type"] == "application/json"
    assert '"erreur": "Corps de requête trop gros : 1 Mo au plus."' in answers["/api/v1/structures/"]
    assert answers["/annuaire/proposer/", "type"].startswith("text/html")
