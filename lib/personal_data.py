"""Personal-data requests (RGPD articles 15 and 17): what every app holds about one person,
found by their email address, exported as one ZIP and erased on request.

Each app that holds personal data registers one provider in its `AppConfig.ready()`:

    personal_data.register(PersonalDataProvider(
        name="accueil", label="Demandes d'accompagnement", order=30,
        models=("accueil.IntakeRequest", "accueil.Message", ...),
        find=find_person, erase=erase_person,
        retentions=(Retention(...), ...),
    ))

The contract, which `tests/test_personal_data.py` checks with a fake provider and each
app's tests check for its own:
- `find(email) -> Found`: every record this app holds about that address (matched without
  regard to case), as JSON-ready dicts with French keys, and the documents attached. It
  reads only; it never sends anything.
- `erase(email, *, by) -> Erased`: erases (deletes or anonymises) all of it, inside the
  caller's transaction, except what a legal duty keeps: each such record is returned as a
  `Hold` with its reason and the date it ends, and left untouched. Files are removed from
  the storage after commit (`transaction.on_commit`). `by` is the superuser who asked. A
  second call finds nothing left to erase but the holds. Providers erase in the reverse of
  their order: the accounts (comptes, first in the list) are erased last.
- `models`: every model of the portal this provider answers for ("app_label.ModelName").
  A test fails if a model holding personal data is in no provider's list.
- `retentions`: how long each kind of record is kept, each period a setting, with its legal
  basis; the public personal-data page lists them all.

The staff page (`cress/personal_data.py`) iterates this registry and knows nothing of who
filled it. A `Hold.what` and every count in `Erased` are free of personal data: they are
kept in the request's journal after the erasure.
"""

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from lib.dates import french_date, french_datetime


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class Record:
    kind: str  # what this record is, in French: « Demande d'accompagnement »
    data: dict  # JSON-ready, French keys; dates and decimals are serialised by the ZIP


@dataclass(frozen=True)
class Document:
    name: str  # its name in the ZIP, under the provider's folder: « demande-AC-2026-0001/cv.pdf »
    file: object  # an open-able Django File/FieldFile (`.open("rb")`), or bytes


@dataclass
class Found:
    records: list[Record] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.records or self.documents)


@dataclass(frozen=True)
class Hold:
    """A record kept despite the request, because a legal duty requires it."""

    what: str  # which record, without personal data: « Demande AC-2026-0001 (données FSE) »
    reason: str  # the duty, in French, with its text
    until: date  # the day after which it is erased by the retention jobs
    model: str = ""  # the row kept ("app_label.ModelName" and its primary key), for the journal and tests
    pk: object = None


@dataclass
class Erased:
    erased: int = 0  # records deleted or anonymised
    kept: list[Hold] = field(default_factory=list)


@dataclass(frozen=True)
class Retention:
    """One line of the public personal-data page."""

    treatment: str  # what is kept, in French
    basis: str  # its legal basis, in French
    period: str  # how long, in French, with {SETTING_NAME} placeholders for the settings it names
    settings: tuple[str, ...] = ()  # the settings the period reads

    def period_text(self) -> str:
        return self.period.format(**{name: getattr(settings, name) for name in self.settings})


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str  # the app label; also the folder of its part in the ZIP
    label: str  # in French: « Formations »
    order: int
    models: tuple[str, ...]
    find: Callable[[str], Found]
    erase: Callable[..., Erased]
    retentions: tuple[Retention, ...] = ()


_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> None:
    """Add (or replace, by name) a provider."""
    _PROVIDERS[provider.name] = provider


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def providers() -> list[PersonalDataProvider]:
    return sorted(_PROVIDERS.values(), key=lambda provider: (provider.order, provider.name))


def declared_models() -> dict[str, str]:
    """Every declared model -> the provider that answers for it."""
    return {model: provider.name for provider in providers() for model in provider.models}


def retentions() -> list[tuple[PersonalDataProvider, Retention]]:
    return [(provider, retention) for provider in providers() for retention in provider.retentions]


# --- Values of the records, in French ---------------------------------------------------------


def when(value) -> str:
    """A date or a moment as the ZIP shows it (« 3 mars 2026 », « 3 mars 2026 à 14:05 »); empty if none."""
    if not value:
        return ""
    return french_datetime(value) if hasattr(value, "hour") else french_date(value)


def yes_no(value) -> str:
    """« oui », « non », or empty when the answer was not given."""
    return {True: "oui", False: "non"}.get(value, "")


# --- The legal hold of the European Social Fund ---------------------------------------------

FSE_HOLD_REASON = (
    "Pièce d'une opération cofinancée par le Fonds social européen : conservée {years} ans à compter "
    "du 31 décembre de l'année du dernier paiement de l'autorité de gestion (règlement (UE) "
    "2021/1060, article 82){payment}."
)


def fse_hold_until(today: date | None = None) -> date:
    """The end of the FSE hold: FSE_RETENTION_YEARS from 31 December of the year of the last
    payment (FSE_LAST_PAYMENT_DATE). Until that payment is made (setting empty), the year of
    the last payment is at the earliest this year, so the hold runs at least that long."""
    # Once the payment is known, the end is fixed; before, it moves with today.
    today = today or timezone.localdate()
    payment = settings.FSE_LAST_PAYMENT_DATE
    year = payment.year if payment else today.year
    return date(year + settings.FSE_RETENTION_YEARS, 12, 31)


def fse_hold(what: str, *, model: str = "", pk=None) -> Hold:
    payment = settings.FSE_LAST_PAYMENT_DATE
    detail = (
        f" ; dernier paiement le {payment.strftime('%d/%m/%Y')}"
        if payment
        else " ; le dernier paiement n'est pas encore intervenu : la durée courra au moins jusqu'à cette date"
    )
    return Hold(
        what=what,
        reason=FSE_HOLD_REASON.format(years=settings.FSE_RETENTION_YEARS, payment=detail),
        until=fse_hold_until(),
        model=model,
        pk=pk,
    )


# --- Gathering, the ZIP, erasing ---------------------------------------------------------------


def find_everywhere(email: str) -> list[tuple[PersonalDataProvider, Found]]:
    """What every provider holds about this address, in the providers' order (empty parts too)."""
    email = normalise_email(email)
    return [(provider, provider.find(email)) for provider in providers()]


def _read(document: Document) -> bytes:
    if isinstance(document.file, bytes):
        return document.file
    with document.file.open("rb") as handle:
        return handle.read()


def write_zip(email: str, target, *, now: datetime | None = None) -> dict[str, int]:
    """Write everything held about `email` into `target` (a binary file) as a ZIP: a JSON file
    per app, its documents beside it, and an index. Returns the count of records per app."""
    email = normalise_email(email)
    now = now or timezone.now()
    counts: dict[str, int] = {}
    index = {"adresse": email, "produit_le": now, "parties": []}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for provider, found in find_everywhere(email):
            counts[provider.name] = len(found.records) + len(found.documents)
            if not found:
                continue
            folder = provider.name
            records = [{"type": record.kind, **record.data} for record in found.records]
            archive.writestr(f"{folder}/donnees.json", _json(records))
            missing = []
            for document in found.documents:
                try:
                    archive.writestr(f"{folder}/documents/{document.name}", _read(document))
                except FileNotFoundError:
                    missing.append(document.name)
            index["parties"].append(
                {
                    "partie": provider.label,
                    "dossier": folder,
                    "enregistrements": len(found.records),
                    "documents": len(found.documents) - len(missing),
                    "documents_introuvables": missing,
                }
            )
        archive.writestr("index.json", _json(index))
        archive.writestr("LISEZMOI.txt", README_TEXT.format(email=email, date=timezone.localtime(now)))
    return counts


def zip_bytes(email: str) -> tuple[bytes, dict[str, int]]:
    buffer = io.BytesIO()
    counts = write_zip(email, buffer)
    return buffer.getvalue(), counts


def erase_everywhere(email: str, *, by) -> dict[str, Erased]:
    """Erase what every provider holds about `email`, in the caller's transaction."""
    email = normalise_email(email)
    # In reverse order: the parts listed first (accounts, emails) go last, so that the rows the
    # other parts reach through the person's account are still found when those parts erase.
    return {provider.name: provider.erase(email, by=by) for provider in reversed(providers())}


def email_digest(email: str) -> str:
    """A keyed digest of the address, so the journal of requests can show that two requests
    were about the same person without keeping the address."""
    key = hashlib.sha256(f"personal-data:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


README_TEXT = """Données personnelles détenues par le portail de la CRESS La Réunion
Adresse électronique : {email}
Produit le {date:%d/%m/%Y à %H:%M}

index.json             les parties du portail qui détiennent des données sur vous
<partie>/donnees.json  ces données, une fiche par enregistrement
<partie>/documents/    les documents que vous avez transmis ou qui vous concernent

Pour toute question, ou pour faire rectifier ou effacer ces données, écrivez au délégué à la
protection des données de la CRESS (voir la page « Données personnelles » du portail).
"""
