"""messagerie's personal-data provider: the emails sent to a person, and those to others
that give their address, found and erased."""

import pytest
from django.core import mail

from lib.dates import french_datetime
from messagerie import personal_data
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.helpers.personal_data import provider, records_of, traces
from tests.messagerie.personal_data_factories import make_person

pytestmark = pytest.mark.django_db
EMAIL = "ysaline.grondin@exemple.re"
OTHER = "maelys.boyer-kala@exemple.re"


@pytest.fixture
def people():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_person(OTHER, "Maëlys", "Boyer-Kala")


def test_the_provider_is_registered():
    assert provider("messagerie") is personal_data.PROVIDER
    assert personal_data.PROVIDER.models == ("messagerie.OutgoingEmail",)


def test_find_gives_each_email_received_and_each_email_that_gives_the_address(people):
    assert len(mail.outbox) == 2, "one email of each person really left"
    found = personal_data.find("Ysaline.Grondin@EXEMPLE.re")
    sent, waiting = records_of(found, "Courriel reçu")
    row = OutgoingEmail.objects.get(to=EMAIL)
    assert sent == {
        "destinataire": EMAIL,
        "objet": "Message d'essai du portail ESS Réunion",
        "type de message": "messagerie/essai",
        "état": "Envoyé",
        "créé le": french_datetime(row.created_at),
        "envoyé le": french_datetime(row.sent_at),
        "texte": "Bonjour Ysaline Grondin-Testa,\n\nCe message confirme que le portail ESS Réunion peut vous "
        "écrire.\n\nL'équipe de la CRESS La Réunion\n",
        "pièces jointes": [],
    }
    assert waiting["destinataire"] == EMAIL.upper() and waiting["état"] == "À envoyer"
    assert waiting["envoyé le"] == "" and "Bonjour Ysaline," in waiting["texte"]
    [mention] = records_of(found, "Courriel à un tiers vous mentionnant")
    assert mention["destinataire"] == "structure-de-ysaline.grondin@partenaire.exemple"
    assert mention["texte"] == f"Ysaline Grondin-Testa ({EMAIL}) demande à gérer la fiche de votre structure."
    assert mention["état"] == "Envoyé"
    assert len(found.records) == 3 and not found.documents
    assert "Maëlys" not in repr(found.records)


def test_erase_deletes_them_and_only_them(people):
    others = sorted(OutgoingEmail.objects.filter(body_text__contains="Maëlys").values_list("pk", "body_text"))
    assert len(others) == 3
    erased = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert erased.erased == 3 and erased.kept == []
    assert traces([EMAIL, "Ysaline", "Grondin-Testa"], model_labels=personal_data.PROVIDER.models) == []
    assert sorted(OutgoingEmail.objects.values_list("pk", "body_text")) == others
    again = personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True))
    assert again.erased == 0 and again.kept == []
    assert not personal_data.find(EMAIL)
