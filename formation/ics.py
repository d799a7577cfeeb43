"""A session as a calendar event (RFC 5545), attached to the registration's confirmation.

Written by hand: one VEVENT with a stable UID (a second confirmation updates the same
event in the person's calendar), times in UTC, text escaped and lines folded at 75 octets.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from formation.models import Session


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Split a content line into lines of at most 75 octets, continuations starting with a space."""
    folded, current = [], ""
    for char in line:
        limit = 75 if not folded else 74
        if len((current + char).encode()) > limit:
            folded.append(current)
            current = char
        else:
            current += char
    folded.append(current)
    return [folded[0], *(" " + part for part in folded[1:])]


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_location(session: Session) -> str:
    if session.address or session.commune_id:
        return ", ".join(part for part in (session.address, session.commune.name if session.commune else "") if part)
    return session.online_url or "En ligne"


def session_ics(session: Session, *, cancelled: bool = False) -> str:
    """The calendar file of a session (CANCEL when the person's place is cancelled)."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "ess-reunion.re"
    description = session.training.summary
    if session.online_url:
        description += f"\nLien de connexion : {session.online_url}"
    if session.access_notes:
        description += f"\nAccès : {session.access_notes}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.SITE_NAME}//Formations//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:formation-session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(session.training.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(session_location(session))}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
