"""Personal-data requests (RGPD articles 15 and 17) across every action of the portal.

Staff enter an email address and a reference; the page shows what each part of the portal
holds about it (`lib/personal_data.py`, filled by every app). From there:
- access (Direction and superusers): a ZIP of JSON and documents, downloaded at once;
- erasure (superusers only): after a second confirmation, every part erases or anonymises
  what it holds, in one transaction, keeping only what a legal duty requires, each kept
  record shown with its reason and end date.
Every step is written in the journal (`PersonalDataRequest`), which keeps no address.
"""

from django import forms
from django.db import transaction
from django.utils import timezone

from cress.models import PersonalDataRequest
from lib import personal_data


class PersonRequestForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique de la personne",
        max_length=254,
        error_messages={
            "required": "Indiquez l'adresse électronique de la personne.",
            "invalid": "Cette adresse électronique n'est pas valide.",
        },
    )
    reference = forms.CharField(
        label="Référence de la demande",
        max_length=200,
        help_text="Le courrier ou le courriel reçu, sans donnée personnelle : « courriel du 3 décembre ».",
        error_messages={"required": "Indiquez la référence de la demande (sans donnée personnelle)."},
    )

    def clean_email(self):
        return personal_data.normalise_email(self.cleaned_data["email"])

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        email = personal_data.normalise_email(self.data.get("email", ""))
        if email and email in reference.lower():
            raise forms.ValidationError("La référence ne doit pas contenir l'adresse de la personne.")
        return reference


class ErasureConfirmForm(PersonRequestForm):
    confirmation = forms.EmailField(
        label="Retapez l'adresse pour confirmer l'effacement",
        max_length=254,
        error_messages={
            "required": "Retapez l'adresse de la personne pour confirmer.",
            "invalid": "Cette adresse électronique n'est pas valide.",
        },
    )

    def clean(self):
        cleaned = super().clean()
        email, confirmation = cleaned.get("email"), cleaned.get("confirmation")
        if email and confirmation and personal_data.normalise_email(confirmation) != email:
            self.add_error("confirmation", "L'adresse retapée n'est pas la même : rien n'a été effacé.")
        return cleaned


def _journal(*, kind, email, reference, by, summary, holds=()) -> PersonalDataRequest:
    entry = PersonalDataRequest(
        kind=kind,
        email_digest=personal_data.email_digest(email),
        reference=reference,
        requested_by=by,
        summary=summary,
        holds=[
            {"quoi": hold.what, "motif": hold.reason, "jusqu_au": hold.until.isoformat(), "ligne": _row(hold)}
            for hold in holds
        ],
    )
    entry.full_clean()
    entry.save()
    return entry


def _row(hold) -> str:
    return f"{hold.model}#{hold.pk}" if hold.model else ""


def search_person(*, email: str, reference: str, by) -> list[tuple[personal_data.PersonalDataProvider, object]]:
    """What each part holds about `email` (for the page), written in the journal as a search."""
    parts = personal_data.find_everywhere(email)
    summary = {
        provider.name: {"partie": provider.label, "trouves": len(found.records) + len(found.documents)}
        for provider, found in parts
    }
    _journal(kind=PersonalDataRequest.Kind.SEARCH, email=email, reference=reference, by=by, summary=summary)
    return parts


def export_person(*, email: str, reference: str, by) -> bytes:
    """The ZIP of everything held about `email`, written in the journal."""
    content, counts = personal_data.zip_bytes(email)
    providers = {provider.name: provider.label for provider in personal_data.providers()}
    summary = {name: {"partie": providers[name], "trouves": count} for name, count in counts.items()}
    _journal(kind=PersonalDataRequest.Kind.ACCESS, email=email, reference=reference, by=by, summary=summary)
    return content


def erase_person(*, email: str, reference: str, by) -> PersonalDataRequest:
    """Erase what every part holds about `email`, in one transaction: superusers only."""
    if not getattr(by, "is_superuser", False):
        raise PermissionError("Seul un superutilisateur efface des données personnelles.")
    with transaction.atomic():
        results = personal_data.erase_everywhere(email, by=by)
        providers = {provider.name: provider.label for provider in personal_data.providers()}
        summary = {
            name: {"partie": providers[name], "effaces": result.erased, "conserves": len(result.kept)}
            for name, result in results.items()
        }
        holds = [hold for result in results.values() for hold in result.kept]
        return _journal(
            kind=PersonalDataRequest.Kind.ERASURE, email=email, reference=reference, by=by, summary=summary, holds=holds
        )


def zip_filename() -> str:
    return f"donnees-personnelles-{timezone.localdate():%Y-%m-%d}.zip"
