"""Action 1's part of a personal-data request (lib.personal_data): a partner's contact, the
committees they were invited to, their messages and deliverables through their account;
found field by field, then erased, except their attendance at a committee of a convention
cofinanced by the FSE, which is kept with its reason and its end."""

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from lib.dates import french_date, french_datetime
from lib.personal_data import Erased, declared_models, fse_hold_until
from partenariats.models import CommitteeParticipant, ConventionMessage, Deliverable, PartnerContact
from partenariats.personal_data import (
    CONTACT,
    DELIVERABLE,
    ERASED_MESSAGE,
    ERASED_NAME,
    MESSAGE,
    PARTICIPANT,
)
from tests.comptes.factories import UserFactory
from tests.helpers.personal_data import provider, records_of, traces
from tests.partenariats.personal_data_factories import deliverable_bytes, make_person, phone_of

pytestmark = pytest.mark.django_db

YSALINE = "ysaline.grondin@exemple.re"
MAELYS = "maelys.boyer-kala@exemple.re"
PROVIDER = provider("partenariats")


@pytest.fixture
def people():
    for email, first_name, last_name in ((YSALINE, "Ysaline", "Grondin-Testa"), (MAELYS, "Maëlys", "Boyer-Kala")):
        UserFactory(email=email, first_name=first_name, last_name=last_name)
        make_person(email, first_name, last_name)


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_every_personal_model_of_action_1_is_declared_by_its_provider():
    declared = declared_models()
    for model in ("PartnerContact", "CommitteeParticipant", "ConventionMessage"):
        assert declared[f"partenariats.{model}"] == "partenariats"


def test_find_returns_each_record_field_by_field_and_the_files(people):
    found = PROVIDER.find(YSALINE.upper())

    contact = PartnerContact.objects.get(email=YSALINE)
    assert records_of(found, CONTACT) == [
        {
            "partenaire": contact.partner.organisation.name,
            "nom": "Ysaline Grondin-Testa",
            "fonction": "Chargée de mission ESS",
            "adresse électronique": YSALINE,
            "téléphone": phone_of(YSALINE),
            "contact principal": "oui",
        }
    ]
    fse, regional = CommitteeParticipant.objects.filter(email__iexact=YSALINE).order_by("committee__held_at")
    assert records_of(found, PARTICIPANT) == [
        {
            "convention": str(participant.committee.convention),
            "comité": "Comité de pilotage",
            "date et heure": french_datetime(participant.committee.held_at),
            "lieu": place,
            "nom": "Ysaline Grondin-Testa",
            "adresse électronique": address,
            "au titre du partenaire": contact.partner.organisation.name,
            "présent·e": "oui",
            "compte rendu envoyé le": "",
        }
        for participant, place, address in ((fse, "Saint-Pierre", YSALINE), (regional, "Saint-Denis", YSALINE.upper()))
    ]
    message = ConventionMessage.objects.get(author__email=YSALINE)
    assert records_of(found, MESSAGE) == [
        {
            "convention": str(regional.committee.convention),
            "au nom du partenaire": contact.partner.organisation.name,
            "de l'équipe de la CRESS": "non",
            "envoyé le": french_datetime(message.created_at),
            "message": f"Le bilan est prêt. Ysaline Grondin-Testa, {phone_of(YSALINE)}",
        }
    ]
    deliverable = Deliverable.objects.get(uploaded_by__email=YSALINE)
    assert records_of(found, DELIVERABLE) == [
        {
            "convention": str(regional.committee.convention),
            "engagement": "Bilan annuel des orientations",
            "intitulé": "Bilan 2026",
            "fichier": deliverable.original_name,
            "déposé le": french_datetime(deliverable.uploaded_at),
        }
    ]
    assert deliverable.original_name.endswith(".pdf")
    assert len(found.records) == 5  # nothing of Maëlys Boyer-Kala
    assert {document.name: read(document) for document in found.documents} == {
        f"livrable-{deliverable.pk}/{deliverable.original_name}": deliverable_bytes(YSALINE)
    }


def test_erase_keeps_only_the_fse_attendance_and_touches_nobody_else(people, django_capture_on_commit_callbacks):
    before = PROVIDER.find(MAELYS)
    held = CommitteeParticipant.objects.get(email=YSALINE, committee__convention__funder__contains="FSE")
    held_values = CommitteeParticipant.objects.filter(pk=held.pk).values().get()
    deliverable = Deliverable.objects.get(uploaded_by__email=YSALINE)
    messages = ConventionMessage.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = PROVIDER.erase(YSALINE, by=UserFactory(is_superuser=True, is_staff=True))

    # The contact, the regional committee's invitation, the message, the deliverable's uploader.
    assert result.erased == 4
    (hold,) = result.kept
    held_day = french_date(timezone.localtime(held.committee.held_at))
    assert hold.what == (
        f"Présence au comité du {held_day} de la convention {held.committee.convention.reference} "
        "(opération cofinancée par le FSE)"
    )
    assert "Fonds social européen" in hold.reason and "2021/1060" in hold.reason
    assert hold.until == fse_hold_until()
    assert (hold.model, hold.pk) == ("partenariats.CommitteeParticipant", held.pk)
    assert "Ysaline" not in hold.what and YSALINE not in hold.what

    needles = [YSALINE, "Ysaline", "Grondin-Testa", phone_of(YSALINE)]
    exclude = {"partenariats.CommitteeParticipant": {held.pk}}
    assert traces(needles, model_labels=PROVIDER.models, exclude=exclude) == []
    # The FSE attendance is untouched; the other invitation is counted without a name.
    assert CommitteeParticipant.objects.filter(pk=held.pk).values().get() == held_values
    assert CommitteeParticipant.objects.filter(name=ERASED_NAME, email="").count() == 1
    assert not PartnerContact.objects.filter(name__contains="Ysaline").exists()
    # The conversation keeps its messages: hers without words or author, the team's without her name.
    assert ConventionMessage.objects.count() == messages
    assert ConventionMessage.objects.filter(body=ERASED_MESSAGE, author=None).count() == 1
    assert ConventionMessage.objects.filter(body="Merci [effacé], nous le regardons.").count() == 1
    # The deliverable is the partner's: it stays, file included, without the link to her account.
    deliverable.refresh_from_db()
    assert deliverable.uploaded_by is None and default_storage.exists(deliverable.file.name)
    # Maëlys Boyer-Kala's rows are as they were.
    after = PROVIDER.find(MAELYS)
    assert after.records == before.records
    assert [(d.name, read(d)) for d in after.documents] == [(d.name, read(d)) for d in before.documents]

    # A second erasure finds nothing more to erase, but says again what is kept.
    again = PROVIDER.erase(YSALINE, by=None)
    assert again == Erased(erased=0, kept=[hold])
    assert [data["lieu"] for data in records_of(PROVIDER.find(YSALINE), PARTICIPANT)] == ["Saint-Pierre"]


def test_retentions_name_their_settings(settings):
    settings.FSE_RETENTION_YEARS = 6
    texts = [retention.period_text() for retention in PROVIDER.retentions]
    assert any("6 ans à compter du 31 décembre" in text for text in texts)


def test_an_empty_address_finds_and_erases_nothing_though_erased_rows_have_none(people):
    PROVIDER.erase(YSALINE, by=None)
    before = PROVIDER.find(MAELYS)
    assert not PROVIDER.find("  ")
    assert PROVIDER.erase("", by=None) == Erased(erased=0, kept=[])
    assert PROVIDER.find(MAELYS).records == before.records
