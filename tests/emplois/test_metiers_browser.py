"""A person discovers the métiers of the ESS on a phone and on a desktop screen: the
index, a family's page with its fiches, offers and trainings; axe-core clean, no sideways
scroll (screenshots with `make screenshots`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referentiels.models import RomeFiche
from tests.emplois.factories import make_offer
from tests.formation.catalogue_factories import SessionFactory, TrainingFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_discover_the_metiers_then_a_family(page, live_server, width):
    for number in range(3):
        make_offer(f"Aide à domicile H/F n°{number}", rome_code="K1302", published_ago=timedelta(days=number))
    training = TrainingFactory(title="Les gestes de l'aide à domicile")
    training.rome_fiches.set(RomeFiche.objects.filter(code="K1302"))
    SessionFactory(training=training, starts_at=timezone.now() + timedelta(days=12))
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/emplois/metiers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les métiers de l'ESS"
    look(page, "emplois-metiers")

    page.get_by_role("link", name="Aide et soin à domicile").click()
    page.wait_for_url("**/metiers/aide-et-soin-a-domicile/")
    assert page.get_by_role("heading", name="En quoi consiste le travail").is_visible()
    assert page.get_by_text("Aide à domicile H/F n°0").is_visible()
    assert page.get_by_role("link", name="Les gestes de l'aide à domicile").is_visible()
    look(page, "emplois-metier")
    assert problems == []
