"""The intake's « formation » need leads to the catalogue through lib.need_resources:
accueil shows what is registered for a request's needs and imports nothing of formation."""

import pytest
from django.urls import reverse

from accueil.models import Need
from lib import need_resources
from lib.need_resources import NeedResource
from tests.accueil.factories import commune, make_request

pytestmark = pytest.mark.django_db

PERSON = {"first_name": "Céline", "last_name": "Dijoux", "email": "celine@exemple.re", "phone": ""}
PROJECT = {
    "legal_form_kind": "inconnue",
    "title": "Épicerie solidaire du Chaudron",
    "description": "Une épicerie à petits prix pour les familles du quartier.",
    "stage": "creation",
    "siret": "",
}


def test_the_registry_gives_each_need_its_resources_in_order():
    from django.urls import NoReverseMatch

    def not_routed():
        raise NoReverseMatch("à venir")

    try:
        need_resources.register_need_resource("statut", "guide", lambda: NeedResource("Le guide", "/guide/"))
        need_resources.register_need_resource("statut", "a-venir", not_routed)
        need_resources.register_need_resource("emploi", "rien", lambda: None)
        found = need_resources.resources_for(["emploi", "statut", "statut"])
        assert found == [NeedResource("Le guide", "/guide/")]
        assert need_resources.resources_for([]) == []
    finally:
        for name in ("guide", "a-venir"):
            need_resources.unregister_need_resource("statut", name)
        need_resources.unregister_need_resource("emploi", "rien")


def test_every_registered_need_is_a_need_of_the_intake():
    assert need_resources.registered_needs() <= set(Need.values)
    assert Need.TRAINING in need_resources.registered_needs()


def test_the_catalogue_is_offered_for_the_training_need(client):
    (resource,) = need_resources.resources_for([Need.TRAINING])
    assert resource.url == reverse("formation:index")
    assert client.get(resource.url).status_code == 200


def test_the_tracking_page_leads_a_training_need_to_the_catalogue(client):
    _intake, token = make_request(needs=("formation", "financement"))
    html = client.get(reverse("accueil:suivi", args=[token])).content.decode()
    assert f'<a href="{reverse("formation:index")}">Voir le catalogue des formations</a>' in html
    _other, other_token = make_request(needs=("financement",), email="autre@exemple.re")
    assert "catalogue des formations" not in client.get(reverse("accueil:suivi", args=[other_token])).content.decode()


def test_the_sent_page_leads_a_training_need_to_the_catalogue(client):
    step = lambda name: reverse("accueil:etape", args=[name])  # noqa: E731
    assert client.post(step("personne"), {**PERSON, "commune": commune().pk}).status_code == 302
    assert client.post(step("projet"), {**PROJECT, "activity_commune": commune().pk}).status_code == 302
    assert client.post(step("besoin"), {"needs": ["formation"]}).status_code == 302
    assert client.post(step("participant"), {}).status_code == 302
    response = client.post(step("envoi"), {"consent": "on"}, follow=True)
    html = response.content.decode()
    assert "Votre demande est envoyée" in html
    assert "Voir le catalogue des formations" in html
