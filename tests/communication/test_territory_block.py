"""The agenda's block on the territory pages: the next five events held in the territory
and the items of the agenda's other sources there (training sessions come through
lib.agenda), the moment the list changes by itself, and the agenda's versions."""

import html
import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone

from communication import cache
from communication.models import Publication
from communication.territory_block import BLOCK, territory_agenda
from lib import agenda
from lib.territory_blocks import EXPIRES_AT
from referentiels.models import Territory, TerritoryKind
from tests.communication.factories import EventFactory, commune
from tests.formation.catalogue_factories import SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def titles(territory) -> list[str]:
    context = territory_agenda(territory)
    if "empty" in context:
        return []
    block = html.unescape(render_to_string(BLOCK.template, context))
    return re.findall(r'<h3 class="h6 mb-1"><a href="[^"]+">([^<]+)</a></h3>', block)


def test_the_next_five_events_held_there_in_order_and_nothing_else():
    saint_denis, saint_pierre = commune("97411"), commune("97416")
    now = timezone.now()
    for day in (6, 2, 4, 3, 5, 7):
        EventFactory(title=f"Rencontre du jour {day}", commune=saint_denis, starts_at=now + timedelta(days=day))
    EventFactory(title="Forum du Sud", commune=saint_pierre)
    EventFactory(title="Rencontre passée", commune=saint_denis, starts_at=now - timedelta(days=3))
    EventFactory(title="Brouillon", commune=saint_denis, status=Publication.DRAFT)
    EventFactory(title="Programmé", commune=saint_denis, publish_at=now + timedelta(days=1))
    assert titles(saint_denis) == [f"Rencontre du jour {day}" for day in (2, 3, 4, 5, 6)]
    assert titles(saint_pierre) == ["Forum du Sud"]
    assert titles(saint_denis.parent)[0] == "Rencontre du jour 2" and "Forum du Sud" not in titles(saint_denis.parent)
    assert titles(saint_pierre.arrondissement) == ["Forum du Sud"]
    assert "Forum du Sud" in titles(Territory.objects.get(kind=TerritoryKind.REGION))


def test_training_sessions_come_through_the_agenda_registry():
    saint_pierre = commune("97416")
    now = timezone.now()
    SessionFactory(
        training=TrainingFactory(title="Gouvernance associative"),
        commune=saint_pierre,
        starts_at=now + timedelta(days=1),
    )
    EventFactory(title="Forum du Sud", commune=saint_pierre, starts_at=now + timedelta(days=2))
    for territory in (saint_pierre, saint_pierre.parent, saint_pierre.arrondissement):
        assert titles(territory) == ["Gouvernance associative", "Forum du Sud"], territory
    assert titles(commune("97411")) == []
    assert "Gouvernance associative" in titles(Territory.objects.get(kind=TerritoryKind.REGION))


def test_the_block_expires_when_a_shown_item_ends_or_a_scheduled_event_goes_live():
    saint_denis = commune("97411")
    now = timezone.now()
    first = EventFactory(commune=saint_denis, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    EventFactory(commune=saint_denis, starts_at=now + timedelta(days=1))
    assert territory_agenda(saint_denis)[EXPIRES_AT] == first.ends_at
    scheduled = EventFactory(commune=saint_denis, publish_at=now + timedelta(minutes=30))
    assert territory_agenda(saint_denis)[EXPIRES_AT] == scheduled.publish_at


def test_nothing_to_come_is_said_honestly_with_a_link_to_the_agenda():
    context = territory_agenda(commune("97411"))
    assert context["empty"].startswith("Aucun événement ni aucune session de formation")
    assert context["agenda_url"] == "/agenda/?territoire=saint-denis"


def test_the_version_follows_the_events_and_every_agenda_source():
    assert BLOCK.version() == (cache.current_version(), agenda.versions())
    assert "formation" in dict(agenda.versions())
    before = BLOCK.version()
    with TestCase.captureOnCommitCallbacks(execute=True):
        EventFactory(commune=commune("97411"))
    assert BLOCK.version() != before
