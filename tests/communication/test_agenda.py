import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communication.models import EventKind, Publication
from tests.communication.factories import EventFactory, commune

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")


def events_in(html):
    return set(re.findall(r'<h3 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', html))


def test_an_event_just_after_midnight_reunion_time_belongs_to_its_reunion_day(client):
    # 00:30 on 1 December in Reunion is still 30 November in UTC (20:30).
    starts = datetime(2030, 12, 1, 0, 30, tzinfo=REUNION)
    event = EventFactory(title="Veillée solidaire", starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert event.starts_at.astimezone(UTC).day == 30
    page = client.get(event.get_absolute_url()).content.decode()
    assert "dimanche 1 décembre 2030" in page and "de 00h30 à 01h30" in page
    december = client.get(reverse("agenda:mois", args=[2030, 12])).content.decode()
    first_cell = re.search(r'<time datetime="2030-12-01">1</time></p>\s*<ul[^>]*>(.*?)</ul>', december, re.S)
    assert first_cell and "00h30 Veillée solidaire" in first_cell.group(1)
    november = client.get(reverse("agenda:mois", args=[2030, 11])).content.decode()
    assert not re.search(r'<time datetime="2030-11-30">30</time></p>\s*<ul', november)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("agenda:evenement-ics", args=[event.slug])).content)
    (component,) = calendar.walk("VEVENT")
    assert component.decoded("dtstart") == starts
    assert component["dtstart"].params["TZID"] == "Indian/Reunion"
    assert "DTSTART;TZID=Indian/Reunion:20301201T003000" in calendar.to_ical().decode()


def test_an_event_is_upcoming_until_it_ends_then_archived(client):
    now = timezone.now()
    ending = EventFactory(
        title="Se termine bientôt", starts_at=now - timedelta(hours=2), ends_at=now + timedelta(minutes=5)
    )
    ended = EventFactory(title="Vient de finir", starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=5))
    upcoming = client.get(reverse("agenda:index")).content.decode()
    archive = client.get(reverse("agenda:archives")).content.decode()
    assert events_in(upcoming) == {ending.title} and events_in(archive) == {ended.title}
    assert "Événement passé" in client.get(ended.get_absolute_url()).content.decode()


def test_drafts_and_scheduled_events_are_never_public(client):
    EventFactory(title="Publié")
    draft = EventFactory(title="Brouillon d'événement", status=Publication.DRAFT)
    scheduled = EventFactory(title="Annonce programmée", publish_at=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    in_three_days = today + timedelta(days=3)
    pages = [
        client.get(reverse("agenda:index")).content.decode(),
        client.get(reverse("agenda:mois", args=[in_three_days.year, in_three_days.month])).content.decode(),
        client.get(reverse("agenda:ical")).content.decode(),
        client.get(reverse("sitemap-section", args=["agenda"])).content.decode(),
        client.get("/").content.decode(),
    ]
    for page in pages:
        assert "Publié" in page or "publie" in page
        assert "Brouillon d" not in page and "Annonce programmée" not in page and scheduled.slug not in page
    for event in (draft, scheduled):
        assert client.get(event.get_absolute_url()).status_code == 404
        assert client.get(reverse("agenda:evenement-ics", args=[event.slug])).status_code == 404


def test_the_agenda_feed_parses_with_its_events(client):
    forum = EventFactory(title="Forum de l'ESS", kind=EventKind.FORUM, address="Parc des expositions")
    online = EventFactory(title="Webinaire financement", commune=None, online_url="https://visio.example.re/x")
    old = EventFactory(
        title="Mois de l'ESS 2020", starts_at=timezone.now() - timedelta(days=2000),
        ends_at=timezone.now() - timedelta(days=1999),
    )  # fmt: skip
    response = client.get(reverse("agenda:ical"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(c["summary"]): c for c in calendar.walk("VEVENT")}
    assert set(events) == {forum.title, online.title}, "un an d'historique au plus, et rien d'autre"
    assert str(events[forum.title]["location"]) == "Parc des expositions, Saint-Denis"
    assert str(events[online.title]["location"]) == "https://visio.example.re/x"
    assert str(events[forum.title]["url"]).endswith(forum.get_absolute_url())
    assert len({str(c["uid"]) for c in events.values()}) == 2
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Indian/Reunion"
    assert old.title not in response.content.decode()


def test_filters_by_territory_and_type(client):
    from referentiels.models import Territory, TerritoryKind

    civis = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CIVIS")
    EventFactory(title="Forum à Saint-Pierre", kind=EventKind.FORUM, commune=commune("97416"))
    EventFactory(title="Atelier à Saint-Pierre", kind=EventKind.MEETING, commune=commune("97416"))
    EventFactory(title="Forum à Saint-Denis", kind=EventKind.FORUM, commune=commune("97411"))

    def titles(**params):
        return events_in(client.get(reverse("agenda:index"), params).content.decode())

    assert titles(territoire=civis.slug) == {"Forum à Saint-Pierre", "Atelier à Saint-Pierre"}
    assert titles(territoire=civis.slug, type="forum") == {"Forum à Saint-Pierre"}
    assert titles(type="forum") == {"Forum à Saint-Pierre", "Forum à Saint-Denis"}
    assert len(titles(type="<script>", territoire="nulle-part")) == 3  # unknown filters are ignored
    assert client.get(reverse("agenda:index"), {"page": "9999"}).status_code == 200


def test_event_page_offers_the_calendar_file_and_schema_org(client):
    from tests.annuaire.factories import OrganisationFactory

    organiser = OrganisationFactory(name="Lakour Solidaire")
    event = EventFactory(
        title="Forum emploi", organiser=organiser, registration_url="https://inscription.example.re/forum", capacity=80
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert f'href="{reverse("agenda:evenement-ics", args=[event.slug])}" download>Ajouter à mon agenda' in html
    assert "80 places" in html and "https://inscription.example.re/forum" in html and "Lakour Solidaire" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Event" and data["location"]["address"]["addressLocality"] == "Saint-Denis"
    assert data["startDate"].endswith("+04:00") and data["organizer"]["name"] == "Lakour Solidaire"


def test_an_event_needs_a_place_or_a_link_and_an_end_after_its_start():
    event = EventFactory.build(commune=None, online_url="", slug="archives")
    event.ends_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    messages = error.value.message_dict
    assert messages["ends_at"] == ["La fin doit venir après le début."]
    assert "lien de connexion" in messages["commune"][0]
    assert "réservée" in messages["slug"][0]


def test_agenda_pages_do_a_constant_number_of_queries(client):
    today = timezone.localdate()
    urls = [
        reverse("agenda:index"), reverse("agenda:archives"), reverse("agenda:mois", args=[today.year, today.month]),
        reverse("agenda:ical"),
    ]  # fmt: skip

    def count(url):
        cache.clear()  # the page as rendered, not its cached copy
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    from tests.annuaire.factories import OrganisationFactory

    def some(n):
        for index in range(n):
            start = timezone.now() + timedelta(days=(index % 2) * 4 - 2, hours=index)  # past, coming, past…
            EventFactory(starts_at=start, ends_at=start + timedelta(hours=1), organiser=OrganisationFactory())

    some(2)
    few = [count(url) for url in urls]
    some(20)
    assert [count(url) for url in urls] == few


def test_month_view_rejects_impossible_months(client):
    assert client.get("/agenda/mois/2026/13/").status_code == 404
    assert client.get("/agenda/mois/1999/1/").status_code == 404


def test_an_event_ending_at_midnight_stays_on_its_own_day(client):
    starts = datetime(2030, 12, 5, 20, 0, tzinfo=REUNION)
    EventFactory(title="Soirée solidaire", starts_at=starts, ends_at=datetime(2030, 12, 6, 0, 0, tzinfo=REUNION))
    page = client.get(reverse("agenda:mois", args=[2030, 12])).content.decode()
    fifth = re.search(r'<time datetime="2030-12-05">5</time></p>\s*<ul[^>]*>(.*?)</ul>', page, re.S)
    assert fifth and "20h00 Soirée solidaire" in fifth.group(1)
    assert not re.search(r'<time datetime="2030-12-06">6</time></p>\s*<ul', page)
