"""Personal-data requests (issue 14, point 2): the registry's contract with fake providers,
the declaration of every model holding personal data and of every retention period, and the
staff pages (who may search, export, erase; what the journal keeps)."""

import io
import json
import re
import zipfile
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse

from comptes.models import User
from comptes.roles import ROLE_NAMES, Sensitivity
from cress.access import RULES_BY_MODEL
from cress.models import PersonalDataRequest
from lib import personal_data
from lib.personal_data import Document, Erased, Found, Hold, PersonalDataProvider, Record, Retention
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

EMAIL = "ysaline.grondin@exemple.re"


class FakeStore:
    """A provider's part kept on a real account row (its first name), so that the erasure's
    transaction is the database's."""

    def __init__(self, name="essai", *, fail=False):
        self.name, self.fail, self.calls = name, fail, []

    def find(self, email):
        self.calls.append(("find", email))
        rows = User.objects.filter(email__iexact=email).exclude(first_name="")
        return Found(
            records=[Record(kind="Compte d'essai", data={"prénom": user.first_name}) for user in rows],
            documents=[
                Document(name=f"{user.pk}/note.txt", file=f"Note de {user.first_name}".encode()) for user in rows
            ],
        )

    def erase(self, email, *, by):
        self.calls.append(("erase", email, by))
        erased = User.objects.filter(email__iexact=email).exclude(first_name="").update(first_name="")
        if self.fail:
            raise RuntimeError("panne d'une partie du portail")
        hold = Hold(
            what="Pièce d'essai", reason="Obligation d'essai", until=date(2031, 12, 31), model="comptes.User", pk=1
        )
        return Erased(erased=erased, kept=[hold])

    def provider(self, order=1):
        return PersonalDataProvider(
            name=self.name,
            label=f"Partie {self.name}",
            order=order,
            models=(),
            find=self.find,
            erase=self.erase,
            retentions=(
                Retention(
                    "Données d'essai", "Consentement", "{OUTBOX_RETENTION_DAYS} jours", ("OUTBOX_RETENTION_DAYS",)
                ),
            ),
        )


@pytest.fixture
def fake(monkeypatch):
    """The registry holding only a fake part (the apps' own parts are tested on their own)."""
    monkeypatch.setattr(personal_data, "_PROVIDERS", {})
    store = FakeStore()
    personal_data.register(store.provider())
    return store


def test_the_zip_holds_each_parts_records_and_documents_and_an_index(fake):
    UserFactory(email=EMAIL, first_name="Ysaline")
    UserFactory(email="autre@exemple.re", first_name="Maëlys")
    content, counts = personal_data.zip_bytes("  YSALINE.Grondin@exemple.re ")
    assert fake.calls[0] == ("find", EMAIL)
    assert counts["essai"] == 2
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert json.loads(archive.read("essai/donnees.json")) == [{"type": "Compte d'essai", "prénom": "Ysaline"}]
    (document,) = [name for name in archive.namelist() if name.startswith("essai/documents/")]
    assert archive.read(document) == b"Note de Ysaline"
    index = json.loads(archive.read("index.json"))
    assert index["adresse"] == EMAIL
    part = next(part for part in index["parties"] if part["dossier"] == "essai")
    assert part == {
        "partie": "Partie essai",
        "dossier": "essai",
        "enregistrements": 1,
        "documents": 1,
        "documents_introuvables": [],
    }
    assert "Maëlys" not in content.decode("latin-1")
    assert EMAIL in archive.read("LISEZMOI.txt").decode()


def test_a_document_missing_from_the_storage_is_named_not_fatal(fake, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    from django.core.files.storage import default_storage

    name = default_storage.save("essai/perdu.txt", ContentFile(b"x"))
    field_file = models.FileField().attr_class(None, models.FileField(name="f"), name)
    default_storage.delete(name)
    store = FakeStore("perdu")
    provider = store.provider(order=2)
    personal_data.register(
        PersonalDataProvider(
            name="perdu", label="Partie perdue", order=2, models=(),
            find=lambda email: Found(records=[Record("Fiche", {"n": 1})],
                                     documents=[Document("1/perdu.txt", field_file)]),
            erase=provider.erase,
        )
    )  # fmt: skip
    try:
        content, _counts = personal_data.zip_bytes(EMAIL)
    finally:
        personal_data.unregister("perdu")
    index = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("index.json"))
    part = next(part for part in index["parties"] if part["dossier"] == "perdu")
    assert part["documents"] == 0 and part["documents_introuvables"] == ["1/perdu.txt"]


def test_erasing_runs_every_part_in_one_transaction(fake):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(email=EMAIL, first_name="Ysaline")
    failing = FakeStore("panne", fail=True)
    personal_data.register(failing.provider(order=2))
    try:
        from cress.personal_data import erase_person

        with pytest.raises(RuntimeError):
            erase_person(email=EMAIL, reference="courriel du 3 décembre", by=superuser)
    finally:
        personal_data.unregister("panne")
    # The first part had erased its row; the failure of the second undid it, and nothing is journaled.
    assert User.objects.get(email=EMAIL).first_name == "Ysaline"
    assert not PersonalDataRequest.objects.exists()


def test_the_fse_hold_runs_five_years_from_the_31_december_of_the_last_payment(settings):
    settings.FSE_RETENTION_YEARS = 5
    settings.FSE_LAST_PAYMENT_DATE = None
    assert personal_data.fse_hold_until(date(2026, 12, 5)) == date(2031, 12, 31)
    settings.FSE_LAST_PAYMENT_DATE = date(2028, 3, 14)
    assert personal_data.fse_hold_until(date(2026, 12, 5)) == date(2033, 12, 31)
    assert personal_data.fse_hold_until(date(2035, 1, 2)) == date(2033, 12, 31)  # fixed once paid
    hold = personal_data.fse_hold("Inscription 12 (FSE)")
    assert "14/03/2028" in hold.reason and "2021/1060" in hold.reason and hold.until == date(2033, 12, 31)


# --- Declarations -------------------------------------------------------------------------------

PERSONAL_FIELD = re.compile(
    r"(^|_)(email|courriel|phone|telephone|mobile|first_name|last_name|full_name|nom|prenom|birth|naissance|"
    r"ip|ip_address|contact_name|signatory)(_|$)"
)
# Fields whose name looks personal but names no person, each with why.
NOT_PERSONAL = {
    "communication.Event": "its address is a venue's",
    "formation.Session": "its address is a venue's",
    "cress.PersonalDataRequest": "the journal of requests: a keyed digest of the address, kept as proof of the answer",
}


def models_holding_personal_data() -> set[str]:
    held = set()
    for model in apps.get_models():
        label = model._meta.label
        rule = RULES_BY_MODEL.get(label)
        marked = rule is not None and Sensitivity.PERSONAL in rule.kinds
        named = any(PERSONAL_FIELD.search(f.name) for f in model._meta.concrete_fields)
        if marked or (named and label not in NOT_PERSONAL):
            held.add(label)
    return held


def test_every_model_holding_personal_data_is_declared_by_one_provider():
    declared = personal_data.declared_models()
    missing = sorted(models_holding_personal_data() - set(declared))
    assert missing == [], "declare these models in the personal-data provider of their app (lib/personal_data.py)"
    for label in declared:
        apps.get_model(label)  # a declared model exists
    counted = [model for provider in personal_data.providers() for model in provider.models]
    assert len(counted) == len(set(counted)), "a model is declared by two providers"


def test_every_retention_setting_is_declared_with_its_legal_basis():
    named = {name for _provider, retention in personal_data.retentions() for name in retention.settings}
    retention_settings = {name for name in dir(settings) if re.search(r"RETENTION|ANONYMISE|PURGE", name)}
    assert sorted(retention_settings - named) == []
    for _provider, retention in personal_data.retentions():
        assert retention.basis and retention.treatment
        assert "{" not in retention.period_text()


def test_the_public_page_lists_every_retention_period(client, settings):
    settings.OUTBOX_RETENTION_DAYS = 47
    page = client.get(reverse("donnees-personnelles")).content.decode()
    for provider, retention in personal_data.retentions():
        assert provider.label.replace("'", "&#x27;") in page
        assert retention.period_text().replace("'", "&#x27;") in page
    assert "47 jours" in page  # OUTBOX_RETENTION_DAYS, read when the page is drawn


# --- The staff pages ------------------------------------------------------------------------------

PERSON = reverse("admin:cress_personaldatarequest_person")
ERASE = reverse("admin:cress_personaldatarequest_erase")


def staff(role):
    return StaffFactory(role=role) if role != "superuser" else UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("role", [name for name in ROLE_NAMES if name != "Direction"])
def test_other_roles_cannot_search_a_person(client, role, fake):
    login_as(client, staff(role))
    assert client.get(PERSON).status_code == 403
    assert client.post(PERSON, {"email": EMAIL, "reference": "courriel"}).status_code == 403
    assert not fake.calls and not PersonalDataRequest.objects.exists()


def test_direction_searches_and_downloads_but_cannot_erase(client, fake):
    UserFactory(email=EMAIL, first_name="Ysaline")
    direction = staff("Direction")
    login_as(client, direction)
    page = client.post(PERSON, {"email": EMAIL.upper(), "reference": "courriel du 3 décembre", "action": "search"})
    text = page.content.decode()
    assert page.status_code == 200 and "Partie essai" in text and "Compte d&#x27;essai (1)" in text
    assert "Effacer ces données" not in text
    response = client.post(PERSON, {"email": EMAIL, "reference": "courriel du 3 décembre", "action": "export"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("essai/donnees.json"))[0]["prénom"] == "Ysaline"
    journal = list(PersonalDataRequest.objects.order_by("created_at"))
    assert [entry.kind for entry in journal] == ["recherche", "acces"]
    assert all(entry.requested_by == direction for entry in journal)
    assert all(entry.email_digest == personal_data.email_digest(EMAIL) for entry in journal)
    assert journal[1].summary["essai"] == {"partie": "Partie essai", "trouves": 2}
    # The journal keeps no address.
    stored = json.dumps([[e.reference, e.summary, e.holds, e.email_digest] for e in journal])
    assert "ysaline" not in stored.lower()
    assert client.post(ERASE, {"email": EMAIL, "reference": "x", "confirmation": EMAIL}).status_code == 403
    assert User.objects.get(email=EMAIL).first_name == "Ysaline"


def test_bad_input_says_what_is_wrong_in_french_and_changes_nothing(client, fake):
    login_as(client, staff("superuser"))
    page = client.post(PERSON, {"email": "pas-une-adresse", "reference": ""}).content.decode()
    assert "Cette adresse électronique n&#x27;est pas valide." in page
    assert "Indiquez la référence de la demande" in page
    page = client.post(PERSON, {"email": EMAIL, "reference": f"courriel de {EMAIL}"}).content.decode()
    assert "La référence ne doit pas contenir l&#x27;adresse de la personne." in page
    assert not fake.calls and not PersonalDataRequest.objects.exists()


def test_a_superuser_erases_after_typing_the_address_twice(client, fake):
    UserFactory(email=EMAIL, first_name="Ysaline")
    other = UserFactory(email="maelys@exemple.re", first_name="Maëlys")
    superuser = staff("superuser")
    login_as(client, superuser)
    preview = client.post(ERASE, {"email": EMAIL, "reference": "courrier du 2 décembre"})
    text = preview.content.decode()
    assert preview.status_code == 200 and "Partie essai" in text and "Retapez l&#x27;adresse" in text
    assert User.objects.get(email=EMAIL).first_name == "Ysaline"  # showing changes nothing

    wrong = client.post(
        ERASE, {"email": EMAIL, "reference": "courrier du 2 décembre", "confirmation": "autre@exemple.re"}
    )
    assert "L&#x27;adresse retapée n&#x27;est pas la même : rien n&#x27;a été effacé." in wrong.content.decode()
    assert User.objects.get(email=EMAIL).first_name == "Ysaline"

    done = client.post(
        ERASE, {"email": EMAIL, "reference": "courrier du 2 décembre", "confirmation": " Ysaline.Grondin@exemple.re"}
    )
    entry = PersonalDataRequest.objects.get(kind="effacement")
    assert done.status_code == 302 and done["Location"] == reverse(
        "admin:cress_personaldatarequest_change", args=[entry.pk]
    )
    assert ("erase", EMAIL, superuser) in fake.calls
    assert User.objects.get(email=EMAIL).first_name == ""
    other.refresh_from_db()
    assert other.first_name == "Maëlys"
    assert entry.summary["essai"] == {"partie": "Partie essai", "effaces": 1, "conserves": 1}
    assert entry.holds == [
        {"quoi": "Pièce d'essai", "motif": "Obligation d'essai", "jusqu_au": "2031-12-31", "ligne": "comptes.User#1"}
    ]
    page = client.get(done["Location"]).content.decode()
    assert "Pièce d&#x27;essai" in page and "Obligation d&#x27;essai" in page and "31 décembre 2031" in page
    # The journal finds the requests about one person by their address, which it does not keep.
    listing = client.get(reverse("admin:cress_personaldatarequest_changelist"), {"q": EMAIL}).content.decode()
    assert "courrier du 2 décembre" in listing
