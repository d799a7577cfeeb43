"""iCalendar files (RFC 5545) of the agenda: one event, or the whole agenda as a feed.

Times are written in the Indian/Reunion zone with its VTIMEZONE, so that calendar apps
show the right hour wherever the reader is.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from communication.models import Event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//CRESS La Réunion//Portail ESS Réunion//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _component(event: Event) -> CalendarEvent:
    tz = timezone.get_current_timezone()
    url = settings.SITE_URL + event.get_absolute_url()
    component = CalendarEvent()
    component.add("uid", f"evenement-{event.pk}@{settings.SITE_URL.split('://', 1)[-1]}")
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("dtstart", timezone.localtime(event.starts_at, tz))
    component.add("dtend", timezone.localtime(event.ends_at, tz))
    component.add("summary", event.title)
    description = event.summary
    if event.organiser_label:
        description += f"\n\nOrganisation : {event.organiser_label}"
    if event.registration_url:
        description += f"\n\nInscription : {event.registration_url}"
    component.add("description", f"{description}\n\n{url}")
    component.add("url", url)
    if event.commune_id:
        component.add("location", ", ".join(part for part in (event.address, event.commune.name) if part))
    elif event.online_url:
        component.add("location", event.online_url)
    component.add("categories", [event.get_kind_display()])
    return component


def event_ics(event: Event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def agenda_ics(events) -> bytes:
    calendar = _calendar(f"Agenda de l'ESS — {settings.SITE_NAME}")
    for event in events:
        calendar.add_component(_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
