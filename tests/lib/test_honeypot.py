"""The honeypot's refusal is shown at the top of the form, where a person can read it: a
browser that auto-fills the hidden field must not leave its user on a 400 page with no
visible reason."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.accueil.factories import make_request
from tests.accueil.test_intake import fill_until_send, step
from tests.annuaire.factories import OrganisationFactory
from tests.annuaire.test_contributions import proposal

pytestmark = pytest.mark.django_db

MESSAGE = "le formulaire semble avoir été rempli automatiquement"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextOutsideHiddenField(HTMLParser):
    """Collects the page's text, split into what is inside a `.hp-field` container (moved
    off-screen by the stylesheet) and what is not."""

    def __init__(self):
        super().__init__()
        self.stack = []  # one bool per open element: does it start a hidden container?
        self.visible, self.hidden = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append("hp-field" in (dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        (self.hidden if any(self.stack) else self.visible).append(data)


def texts(response):
    parser = TextOutsideHiddenField()
    parser.feed(response.content.decode())
    return " ".join(parser.visible), " ".join(parser.hidden)


def post_intake(client):
    fill_until_send(client)
    return client.post(step("envoi"), {"consent": "on", "website_url": "http://spam.example"})


def post_tracking(client):
    _intake, token = make_request()
    return client.post(reverse("accueil:suivi", args=[token]), {"body": "Bonjour", "website_url": "x"})


def post_renewal(client):
    return client.post(reverse("accueil:nouveau-lien"), {"email": "a@exemple.re", "website_url": "x"})


def post_password_reset(client):
    return client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "a@exemple.re", "website_url": "x"})


def post_subscription(client):
    return client.post("/actualites/lettre/", {"email": "a@exemple.re", "consent": "on", "website_url": "x"})


def post_proposal(client):
    return client.post(reverse("annuaire:proposer"), proposal(website_url="http://spam.example"))


def post_claim(client):
    organisation = OrganisationFactory(name="Lakour", email="contact@lakour.re")
    data = {"name": "Nadia Payet", "email": "nadia@exemple.re", "position": "Présidente", "consent": "on"}
    return client.post(reverse("annuaire:revendiquer", args=[organisation.slug]), {**data, "website_url": "x"})


@pytest.mark.parametrize(
    "post",
    [post_intake, post_tracking, post_renewal, post_password_reset, post_subscription, post_proposal, post_claim],
)
def test_the_honeypot_refusal_is_visible_at_the_top_of_every_form(client, post):
    response = post(client)
    assert response.status_code in (200, 400)
    visible, hidden = texts(response)
    assert MESSAGE in visible, "the refusal is shown where a person can read it"
    assert MESSAGE not in hidden, "not inside the field that is moved off-screen"
