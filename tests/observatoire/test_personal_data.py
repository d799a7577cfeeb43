"""observatoire's personal-data provider: panorama requests found by address and deleted."""

import pytest

from lib.dates import french_datetime
from observatoire import personal_data
from observatoire.models import PanoramaRequest
from tests.comptes.factories import StaffFactory
from tests.helpers.personal_data import provider, records_of, traces
from tests.observatoire.personal_data_factories import CONSENT, make_person

pytestmark = pytest.mark.django_db
EMAIL = "ysaline.grondin@exemple.re"
OTHER = "maelys.boyer-kala@exemple.re"


@pytest.fixture
def people():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_person(OTHER, "Maëlys", "Boyer-Kala")


def test_the_provider_is_registered_and_lists_its_retentions(settings):
    assert provider("observatoire") is personal_data.PROVIDER
    assert personal_data.PROVIDER.models == ("observatoire.PanoramaRequest",)
    settings.PANORAMA_REQUEST_RETENTION_DAYS = 12
    periods = [retention.period_text() for retention in personal_data.PROVIDER.retentions]
    assert periods[0] == "12 jours"


def test_find_gives_each_request(people):
    asked = PanoramaRequest.objects.get(email=EMAIL)
    assert asked.notified_at, "the panorama was served at once"
    found = personal_data.find("YSALINE.grondin@exemple.re")
    assert records_of(found, "Demande de panorama") == [
        {
            "panorama": f"Panorama La Réunion {asked.panorama.millesime.year}",
            "adresse électronique": EMAIL,
            "consentement accepté": CONSENT,
            "demandé le": french_datetime(asked.created_at),
            "lien envoyé le": french_datetime(asked.notified_at),
        }
    ]
    assert len(found.records) == 1 and not found.documents


def test_erase_deletes_the_requests_of_the_person_only(people):
    other = list(PanoramaRequest.objects.filter(email=OTHER).values_list("pk", "email", "consent_text"))
    erased = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert erased.erased == 1 and erased.kept == []
    assert traces([EMAIL, "ysaline.grondin"], model_labels=personal_data.PROVIDER.models) == []
    assert list(PanoramaRequest.objects.values_list("pk", "email", "consent_text")) == other
    again = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert again.erased == 0 and again.kept == []
    assert not personal_data.find(EMAIL)
