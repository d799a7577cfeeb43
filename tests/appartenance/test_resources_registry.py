"""lib.resources: the pages of other areas show the resource centre's « Ressources utiles »
about their topic, through the registry (cached, constant queries), and nothing otherwise."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib import resources as registry
from tests.appartenance.resources_factories import make_resource

pytestmark = pytest.mark.django_db


def test_the_registry_joins_its_sources_and_caches(monkeypatch):
    calls = []

    def fake(topics, limit):
        calls.append((topics, limit))
        return [registry.ResourceItem("Un guide", "/guide/")]

    monkeypatch.setattr(registry, "_SOURCES", {})
    assert registry.resources_for("statut/scop") == []  # no source: nothing, no error
    registry.register_source(registry.ResourceSource("faux", fake, version=lambda: 1))
    assert registry.resources_for(["statut/scop", "statut/scop", "besoin/statut"], 3) == [
        registry.ResourceItem("Un guide", "/guide/")
    ]
    assert registry.resources_for(["besoin/statut", "statut/scop"], 3)  # same topics, from the cache
    assert calls == [(("besoin/statut", "statut/scop"), 3)]


def test_the_known_topics_come_from_the_areas():
    known = registry.known_topics()
    assert {"statut/scop", "besoin/financement", "formation/gouvernance", "outil/pret_honneur"} <= known
    assert "metier/aide-et-soin-a-domicile" in known
    with pytest.raises(ValueError):
        registry.register_topic_kind(registry.TopicKind("a/b", "x", list))


def test_a_source_returns_the_newest_published_resources_about_a_topic():
    make_resource("Statuts de SCOP", topics=["statut/scop"])
    make_resource("Brouillon SCOP", topics=["statut/scop"], published=False)
    make_resource("Autre", topics=["statut/association"])
    items = registry.resources_for("statut/scop")
    assert [item.title for item in items] == ["Statuts de SCOP"]
    assert items[0].url == "/ess/ressources/statuts-de-scop/"
    assert items[0].format_label == "Guide pratique"


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def _shows_useful_resources(client, capture, url: str, topic: str) -> None:
    """The page shows nothing before a resource is about its topic, then shows it, in the
    same number of queries (the registry's read is cached once warm, re-keyed on commit)."""
    html = _html(client.get(url))
    assert "Ressources utiles" not in html
    with capture(execute=True):
        make_resource(f"Ressource pour {topic}", topics=[topic])
        make_resource(f"Autre ressource pour {topic}", topics=[topic, "besoin/information"])
    html = _html(client.get(url))
    assert "Ressources utiles" in html and f"Ressource pour {topic}" in html
    with CaptureQueriesContext(connection) as warm:
        _html(client.get(url))
    with capture(execute=True):
        make_resource(f"Troisième ressource pour {topic}", topics=[topic])
    _html(client.get(url))  # cold again: the version changed
    with CaptureQueriesContext(connection) as warm_more:
        assert f"Troisième ressource pour {topic}" in _html(client.get(url))
    assert len(warm.captured_queries) == len(warm_more.captured_queries)


def test_the_status_guide_result_shows_its_resources(client, django_capture_on_commit_callbacks):
    from tests.accueil.test_guide import GUIDE_ANSWERS

    url = "/accompagnement/quel-statut/"
    assert "Ressources utiles" not in _html(client.post(url, GUIDE_ANSWERS))
    with django_capture_on_commit_callbacks(execute=True):
        make_resource("Modèle de statuts de SCOP", topics=["statut/scop"])
        make_resource("Statuts d'une fondation", topics=["statut/fondation"])
    html = _html(client.post(url, GUIDE_ANSWERS))
    assert "Ressources utiles" in html and "Modèle de statuts de SCOP" in html
    assert "Statuts d'une fondation" not in html  # not a form the guide suggested here


def test_the_metier_page_shows_its_resources(client, django_capture_on_commit_callbacks):
    url = "/emplois/metiers/aide-et-soin-a-domicile/"
    _shows_useful_resources(client, django_capture_on_commit_callbacks, url, "metier/aide-et-soin-a-domicile")


def test_the_training_page_shows_its_resources(client, django_capture_on_commit_callbacks):
    from tests.formation.hr_factories import make_training

    training = make_training(theme="gouvernance", title="Animer son conseil d'administration")
    url = f"/formations/catalogue/{training.slug}/"
    _shows_useful_resources(client, django_capture_on_commit_callbacks, url, "formation/gouvernance")


def test_the_tool_page_shows_its_resources(client, django_capture_on_commit_callbacks):
    from tests.experimentations.factories import make_tool

    tool = make_tool("Prêt d'honneur solidaire", instrument="pret_honneur")
    url = f"/financer-et-acheter/outils/{tool.slug}/"
    _shows_useful_resources(client, django_capture_on_commit_callbacks, url, "outil/pret_honneur")
