"""Reads of the directory shared by pages, services and the admin."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.http import urlencode

from annuaire.models import Organisation
from lib.territory_links import TerritoryLink
from referentiels.models import TerritoryKind


@dataclass(frozen=True)
class EmailChange:
    changed_at: datetime
    changed_by: object  # the user, or None when no one was logged in (import, shell)
    old: str | None  # None: the value before is not known (the first recorded version)
    new: str


def email_changes(*, organisation: Organisation, since: datetime | None = None) -> list[EmailChange]:
    """Every change of the organisation's email address, oldest first, read from its
    history (django-simple-history records each save with who made it): who, when, the
    old and the new address. A creation with an address counts as a change from none;
    a first recorded version that is not a creation (an organisation loaded without
    history) counts too, its old value unknown."""
    history = organisation.history.order_by("history_date", "history_id")
    previous = None
    if since is not None:
        before = history.filter(history_date__lt=since).exclude(history_type="-").last()
        previous = before.email if before else None
        history = history.filter(history_date__gte=since)
    changes = []
    for record in history.exclude(history_type="-").select_related("history_user"):
        if previous is None:
            if record.email:
                old = "" if record.history_type == "+" else None
                changes.append(EmailChange(record.history_date, record.history_user, old, record.email))
        elif record.email != previous:
            changes.append(EmailChange(record.history_date, record.history_user, previous, record.email))
        previous = record.email
    return changes


def structure_recipients(organisation: Organisation) -> list[str]:
    """Who receives an email meant for a structure: its published address, then the address
    of each active member who acts for it (`PartnerMembership`), each address once whatever
    its case, in that order. Empty when the structure has neither."""
    addresses = [organisation.email] if organisation.email else []
    addresses += (
        organisation.memberships.filter(user__is_active=True)
        .exclude(user__email="")
        .order_by("created_at", "pk")
        .values_list("user__email", flat=True)
    )
    seen, recipients = set(), []
    for address in addresses:
        if address.strip().lower() not in seen:
            seen.add(address.strip().lower())
            recipients.append(address.strip())
    return recipients


def territory_directory_link(territory):
    """The directory filtered by an intercommunality or a commune (lib.territory_links)."""
    if territory.kind == TerritoryKind.EPCI:
        query = {"epci": territory.slug}
    elif territory.kind == TerritoryKind.COMMUNE:
        query = {"commune": territory.code}
    else:
        return None
    return TerritoryLink(label="Acteurs de l'ESS", url=f"{reverse('annuaire:index')}?{urlencode(query)}")


def published_name_suggestions(text: str, *, limit: int = 10) -> list[str]:
    """Names of published organisations containing `text` (case ignored), those that start
    with it first: the suggestions of a public form's « structure » field as one types."""
    text = text.strip()[:100]
    if len(text) < 2:
        return []
    found = Organisation.objects.filter(is_published=True, name__icontains=text)
    starting = list(found.filter(name__istartswith=text).order_by("name").values_list("name", flat=True)[:limit])
    others = found.exclude(name__istartswith=text).order_by("name").values_list("name", flat=True)
    return starting + list(others[: limit - len(starting)]) if len(starting) < limit else starting


def published_organisation_named(name: str) -> Organisation | None:
    """The published organisation of the directory with exactly this name (case ignored),
    when there is one and only one: what a person picked from the suggestions."""
    found = list(Organisation.objects.filter(is_published=True, name__iexact=name.strip())[:2])
    return found[0] if len(found) == 1 else None


def organisations_of(user):
    """The organisations a user acts for (their partner memberships), by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")
