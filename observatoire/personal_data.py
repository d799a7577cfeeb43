"""What the observatory holds about a person (lib/personal_data.py): their panorama
requests (the address the link went to, and the consent given). Erasing deletes them, as the
retention job does after PANORAMA_REQUEST_RETENTION_DAYS.

Establishment files uploaded for an import hold no one's name (individual entrepreneurs'
names are not kept) but fall under statistical secrecy: their retention is listed here too.
"""

from lib.personal_data import Erased, Found, PersonalDataProvider, Record, Retention, normalise_email, when
from observatoire.models import PanoramaRequest


def _requests(email: str):
    return PanoramaRequest.objects.filter(email__iexact=normalise_email(email))


def find(email: str) -> Found:
    email = normalise_email(email)
    if not email:
        return Found()  # an empty address would match every row whose address was erased
    found = Found()
    for request in _requests(email).select_related("panorama").order_by("created_at", "pk"):
        found.records.append(
            Record(
                "Demande de panorama",
                {
                    "panorama": str(request.panorama),
                    "adresse électronique": request.email,
                    "consentement accepté": request.consent_text,
                    "demandé le": when(request.created_at),
                    "lien envoyé le": when(request.notified_at),
                },
            )
        )
    return found


def erase(email: str, *, by) -> Erased:
    email = normalise_email(email)
    if not email:
        return Erased()
    deleted, _ = _requests(email).delete()
    return Erased(erased=deleted)


PROVIDER = PersonalDataProvider(
    name="observatoire",
    label="Observatoire",
    order=55,
    models=("observatoire.PanoramaRequest",),
    find=find,
    erase=erase,
    retentions=(
        Retention(
            treatment="Demandes de panorama (adresse électronique, consentement)",
            basis="Consentement",
            period="{PANORAMA_REQUEST_RETENTION_DAYS} jours",
            settings=("PANORAMA_REQUEST_RETENTION_DAYS",),
        ),
        Retention(
            treatment="Fichiers d'établissements déposés pour un import (effectifs et masse salariale par "
            "établissement, sous secret statistique)",
            basis="Exécution d'une mission d'intérêt public (l'observatoire régional de l'ESS)",
            period="Supprimés dès l'import terminé, ou après {IMPORT_FILE_RETENTION_DAYS} jours s'il n'est pas lancé",
            settings=("IMPORT_FILE_RETENTION_DAYS",),
        ),
    ),
)
