"""communication's personal-data provider: a newsletter subscription and its sends, found by
address; erased as an unsubscription (the counts stay), or deleted when never confirmed."""

import pytest
from django.utils import timezone

from communication import personal_data
from communication.models import Delivery, Subscriber
from lib.dates import french_datetime
from tests.communication.personal_data_factories import CONSENT, make_person
from tests.comptes.factories import StaffFactory
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db
EMAIL = "ysaline.grondin@exemple.re"
OTHER = "maelys.boyer-kala@exemple.re"


@pytest.fixture
def people():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_person(OTHER, "Maëlys", "Boyer-Kala")


def test_the_provider_is_registered():
    assert provider("communication") is personal_data.PROVIDER
    assert set(personal_data.PROVIDER.models) == {"communication.Subscriber", "communication.Delivery"}


def test_find_gives_the_subscription_and_each_send(people):
    found = personal_data.find("Ysaline.Grondin@Exemple.RE")
    subscriber = Subscriber.objects.get(email=EMAIL)
    [subscription] = records_of(found, "Abonnement à la lettre d'information")
    assert subscription == {
        "adresse électronique": EMAIL,
        "état": "Inscrit·e",
        "thèmes": ["Événements et Mois de l'ESS", "Achats responsables"],
        "territoires": ["Territoire de la Côte Ouest"],
        "consentement accepté": CONSENT,
        "consentement donné le": french_datetime(subscriber.consent_at),
        "inscrit·e le": french_datetime(subscriber.created_at),
        "confirmé le": french_datetime(subscriber.confirmed_at),
    }
    sent, failed = records_of(found, "Envoi de la lettre d'information")
    delivery = Delivery.objects.filter(subscriber=subscriber).order_by("pk").first()
    assert sent == {"lettre": delivery.issue.subject, "état": "Envoyé", "envoyée le": french_datetime(delivery.sent_at)}
    assert failed == {"lettre": "Numéro spécial Mois de l'ESS", "état": "Échec", "envoyée le": ""}
    assert not found.documents and OTHER not in repr(found.records)


def test_erase_unsubscribes_keeping_the_counts_and_leaves_the_other_person(people):
    other = Subscriber.objects.get(email=OTHER)
    other_rows = sorted(Delivery.objects.filter(subscriber=other).values_list("pk", "status", "error"))
    erased = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert erased.erased == 3 and erased.kept == []
    assert traces([EMAIL, "ysaline.grondin"], model_labels=personal_data.PROVIDER.models) == []
    gone = Subscriber.objects.exclude(pk=other.pk).get()
    assert gone.email == f"desinscrit-{gone.pk}@invalid.invalid" and gone.status == "desinscrit"
    assert gone.themes == [] and not gone.territories.exists()
    assert sorted(Delivery.objects.filter(subscriber=gone).values_list("status", flat=True)) == ["echec", "envoye"]
    other.refresh_from_db()
    assert other.email == OTHER and other.status == "confirme" and other.territories.count() == 1
    assert sorted(Delivery.objects.filter(subscriber=other).values_list("pk", "status", "error")) == other_rows
    again = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert again.erased == 0 and again.kept == []
    assert not personal_data.find(EMAIL)


def test_a_subscription_never_confirmed_is_deleted():
    Subscriber.objects.create(email=EMAIL, consent_text=CONSENT, consent_at=timezone.now())
    [pending] = records_of(personal_data.find(EMAIL), "Abonnement à la lettre d'information")
    assert pending["état"] == "En attente de confirmation" and pending["confirmé le"] == ""
    assert personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True)).erased == 1
    assert not Subscriber.objects.exists()
