"""A visitor finds a training in the catalogue with filters, opens it and sees its sessions,
on a phone and on a desktop screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from formation.models import Audience, Modality, Registration, Theme
from tests.formation.catalogue_factories import RegistrationFactory, SessionFactory, TrainingFactory, commune
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def catalogue():
    governance = TrainingFactory(
        title="Gouvernance associative : rôles du bureau et du conseil d'administration",
        slug="gouvernance-associative",
        theme=Theme.GOVERNANCE,
        audiences=[Audience.VOLUNTEERS.value, Audience.MANAGERS.value],
        funding="Gratuit pour les bénévoles des associations adhérentes.",
        programme="<h3>Matin</h3><ul><li>Les instances associatives</li></ul><h3>Après-midi</h3><p>Cas pratiques.</p>",
    )
    TrainingFactory(
        title="Paie et convention collective ÉCLAT", theme=Theme.MANAGEMENT, price="400",
        audiences=[Audience.EMPLOYEES.value], modality=Modality.ONSITE,
    )  # fmt: skip
    TrainingFactory(title="Comprendre l'ESS", theme=Theme.ESS, modality=Modality.REMOTE)
    soon = timezone.now() + timedelta(days=9)
    full = SessionFactory(training=governance, commune=commune("97416"), starts_at=soon, capacity=2)
    for _ in range(2):
        RegistrationFactory(session=full)
    RegistrationFactory(session=full, status=Registration.Status.WAITING)
    SessionFactory(training=governance, commune=commune("97411"), starts_at=soon + timedelta(days=30), capacity=14)
    return governance


@pytest.mark.parametrize("width", [360, 1280])
def test_find_a_training_with_filters_open_it_and_see_its_sessions(page, live_server, width):
    catalogue()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/")
    if width >= 992:  # the main menu; on a phone it is folded behind its button
        page.get_by_role("link", name="Formations", exact=True).first.click()
    else:
        page.goto(live_server.url + "/formations/")
    page.wait_for_url("**/formations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Catalogue des formations"
    look(page, "formation-catalogue")

    page.get_by_label("Mots-clés").fill("gouvernance")
    page.get_by_label("Public").select_option(label="Bénévoles")
    page.get_by_label("Lieu des sessions").select_option(label="Saint-Denis")
    page.get_by_label("Avec des places disponibles").check()
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/formations/?*")
    assert "public=benevoles" in page.url and "places=1" in page.url and "q=gouvernance" in page.url
    assert page.get_by_role("heading", name="1 formation pour cette recherche").is_visible()
    assert page.get_by_label("Public").input_value() == "benevoles"
    look(page, "formation-catalogue-filtre")

    page.get_by_role("link", name="Gouvernance associative : rôles du bureau et du conseil d'administration").click()
    page.wait_for_url("**/formations/catalogue/gouvernance-associative/")
    assert page.get_by_role("heading", name="Prochaines sessions").is_visible()
    sessions = page.locator(".session-list > li")
    assert sessions.count() == 2
    assert "complet" in sessions.nth(0).inner_text()
    assert "14 places restantes" in sessions.nth(1).inner_text()
    assert page.get_by_role("link", name="Rejoindre la liste d'attente").count() == 1
    register = page.get_by_role("link", name="S'inscrire")
    assert register.count() == 1 and "/inscription/" in register.get_attribute("href")
    assert page.get_by_role("heading", name="Objectifs").is_visible()
    assert page.get_by_role("heading", name="Après-midi").is_visible()
    look(page, "formation-fiche")
    assert problems == []
