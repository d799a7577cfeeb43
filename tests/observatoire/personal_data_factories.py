"""Everything the observatory can hold about one person: a request for a panorama already
built (served at once: its link is emailed and the request marked notified)."""

from observatoire import panoramas, services
from observatoire.models import Millesime, MillesimeState, Panorama
from referentiels.models import Territory, TerritoryKind
from tests.observatoire.helpers import built_panorama

CONSENT = "J'accepte que mon adresse serve à m'envoyer ce panorama."


def make_person(email, first_name, last_name) -> None:
    millesime, _ = Millesime.objects.get_or_create(year=2024, defaults={"state": MillesimeState.PUBLISHED})
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    if not Panorama.objects.filter(
        territory=region, millesime=millesime, data_version=services.data_version()
    ).exists():
        built_panorama(territory=region, millesime=millesime)
    panoramas.request_panorama(territory=region, millesime=millesime, email=email, consent_text=CONSENT)
