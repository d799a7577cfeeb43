"""The agenda-source registry (lib.agenda): its contract with a fake source, the portal's
agenda iterating it, and formation's source on its own."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from formation import selectors
from formation.models import Session, Training
from lib import agenda
from lib.agenda import AgendaItem, AgendaSource
from tests.communication.factories import EventFactory
from tests.formation.catalogue_factories import SessionFactory, TrainingFactory, commune

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")


class FakeSource:
    """A source holding items in memory, with a version the test bumps by hand."""

    def __init__(self, items):
        self.held = items
        self.version = 1
        self.calls = []

    def items(self, start, end, territory):
        self.calls.append((start, end, territory))
        return [
            item
            for item in self.held
            if (start is None or item.ends_at > start) and (end is None or item.starts_at < end)
        ]

    def source(self):
        return AgendaSource(
            name="fausse", kind="visite", kind_label="Visite d'entreprise", items=self.items,
            version=lambda: self.version, next_change=lambda: None,
        )  # fmt: skip


def item(title, starts_at, hours=2):
    return AgendaItem(
        title=title, url=f"/ailleurs/{title[:5]}/", starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
        kind="visite", kind_label="Visite d'entreprise", place="Le Port", source="fausse",
    )  # fmt: skip


@pytest.fixture
def fake_source():
    saved = agenda.sources()
    for source in saved:
        agenda.unregister(source.name)
    now = timezone.now()
    fake = FakeSource(
        [item("Visite de la SCOP", now + timedelta(days=3)), item("Visite passée", now - timedelta(days=3))]
    )
    agenda.register(fake.source())
    yield fake
    agenda.unregister("fausse")
    for source in saved:
        agenda.register(source)


def agenda_titles(client, **params):
    import re

    html = client.get(reverse("agenda:index"), params).content.decode()
    return re.findall(r'<h3 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', html)


def test_the_registry_joins_sources_in_time_order_and_by_kind():
    now = timezone.now()
    saved = agenda.sources()
    try:
        for source in saved:
            agenda.unregister(source.name)
        first = FakeSource([item("B", now + timedelta(days=2)), item("A", now + timedelta(days=1))])
        agenda.register(first.source())
        other = AgendaSource(
            name="autre", kind="atelier", kind_label="Atelier", version=lambda: "v7",
            items=lambda start, end, territory: [item("C", now + timedelta(hours=5))],
            next_change=lambda: now + timedelta(hours=1),
        )  # fmt: skip
        agenda.register(other)
        assert [i.title for i in agenda.items(start=now, end=None)] == ["C", "A", "B"]
        assert [i.title for i in agenda.items(start=now, end=None, kind="visite")] == ["A", "B"]
        assert agenda.kinds() == [("visite", "Visite d'entreprise"), ("atelier", "Atelier")]
        assert agenda.versions() == (("fausse", 1), ("autre", "v7"))
        assert agenda.next_change() == now + timedelta(hours=1)
        agenda.register(other)  # replaced, by name
        assert len(agenda.sources()) == 2
    finally:
        for source in agenda.sources():
            agenda.unregister(source.name)
        for source in saved:
            agenda.register(source)


def test_the_agenda_shows_a_source_beside_the_events_and_offers_its_kind(client, fake_source):
    EventFactory(title="Forum ESS", starts_at=timezone.now() + timedelta(days=1))
    EventFactory(title="Rencontre tardive", starts_at=timezone.now() + timedelta(days=5))
    assert agenda_titles(client) == ["Forum ESS", "Visite de la SCOP", "Rencontre tardive"]
    html = client.get(reverse("agenda:index")).content.decode()
    assert '<option value="visite">Visite d&#x27;entreprise</option>' in html
    assert agenda_titles(client, type="visite") == ["Visite de la SCOP"]
    assert "Visite passée" not in html, "the archives keep the events only"
    territory = commune("97407")
    agenda_titles(client, territoire=territory.slug)
    assert fake_source.calls[-1][2] == territory


def test_the_agenda_month_places_a_source_items_on_their_day(client, fake_source):
    starts = datetime(2031, 5, 14, 9, 0, tzinfo=REUNION)
    fake_source.held = [item("Visite du chantier", starts)]
    html = client.get(reverse("agenda:mois", args=[2031, 5])).content.decode()
    assert '<time datetime="2031-05-14">14</time>' in html and "09h00 Visite du chantier" in html


def test_the_agenda_cache_changes_when_a_source_version_changes(client, fake_source):
    assert "Visite de la SCOP" in agenda_titles(client)
    fake_source.held = []
    assert "Visite de la SCOP" in agenda_titles(client), "served from the cache while the version holds"
    fake_source.version += 1
    assert agenda_titles(client) == []


# --- formation's source -------------------------------------------------------------------


def test_formation_source_gives_the_sessions_of_published_trainings_in_the_period_and_territory():
    now = timezone.now()
    training = TrainingFactory(title="Gouvernance associative")
    in_saint_pierre = SessionFactory(training=training, commune=commune("97416"), starts_at=now + timedelta(days=3))
    online = SessionFactory(training=training, commune=None, starts_at=now + timedelta(days=40))
    SessionFactory(training=training, status=Session.Status.CANCELLED)
    SessionFactory(training=TrainingFactory(status=Training.Status.DRAFT))
    SessionFactory(training=training, starts_at=now - timedelta(days=10))

    items = selectors.agenda_items(now, None, None)
    assert [(i.starts_at, i.place) for i in items] == [
        (in_saint_pierre.starts_at, "Saint-Pierre"), (online.starts_at, "À distance"),
    ]  # fmt: skip
    first = items[0]
    assert first.kind == "formation" and first.title == "Gouvernance associative"
    assert first.url == f"{reverse('formation:formation', args=[training.slug])}#session-{in_saint_pierre.pk}"
    assert [i.place for i in selectors.agenda_items(now, None, commune("97416").parent)] == ["Saint-Pierre"]
    assert selectors.agenda_items(now, None, commune("97411")) == []
    assert [i.place for i in selectors.agenda_items(now, None, commune("97416").arrondissement)] == ["Saint-Pierre"]
    assert selectors.agenda_items(now, None, commune("97411").arrondissement) == []
    assert len(selectors.agenda_items(now, now + timedelta(days=10), None)) == 1
    assert selectors.agenda_next_change() == in_saint_pierre.ends_at


def test_formation_is_registered_as_an_agenda_source():
    (source,) = [s for s in agenda.sources() if s.name == "formation"]
    assert source.kind == "formation" and source.items is selectors.agenda_items


def test_the_agenda_shows_sessions_and_follows_their_changes(client, django_capture_on_commit_callbacks):
    training = TrainingFactory(title="Créer une SCOP ou une SCIC")
    with django_capture_on_commit_callbacks(execute=True):
        session = SessionFactory(training=training, starts_at=timezone.now() + timedelta(days=4))
    assert agenda_titles(client) == ["Créer une SCOP ou une SCIC"]
    assert agenda_titles(client, type="formation") == ["Créer une SCOP ou une SCIC"]
    day = timezone.localtime(session.starts_at)
    month = client.get(reverse("agenda:mois", args=[day.year, day.month])).content.decode()
    assert "Créer une SCOP ou une SCIC" in month
    with django_capture_on_commit_callbacks(execute=True):
        session.status = Session.Status.CANCELLED  # a session's own field, not a workflow state
        session.save()
    assert agenda_titles(client) == []
    month = client.get(reverse("agenda:mois", args=[day.year, day.month])).content.decode()
    assert "Créer une SCOP ou une SCIC" not in month


@pytest.mark.parametrize("size", [1, 8])
def test_the_agenda_query_count_does_not_grow_with_sessions(client, django_assert_num_queries, size):
    from django.core.cache import cache

    for index in range(size):
        SessionFactory(starts_at=timezone.now() + timedelta(days=index + 1))
        EventFactory(starts_at=timezone.now() + timedelta(days=index + 1))
    cache.clear()
    # territories, event keys, the page's events, sessions, calls for projects (Action 7's
    # source); the cache's next change (three aggregates of events and news, one of sessions,
    # one of calls)
    with django_assert_num_queries(10):
        assert client.get(reverse("agenda:index")).status_code == 200
