"""A person who used every action of the portal asks for their data, then for its erasure
(issue 14, point 2): the ZIP holds each part, and after the erasure nothing in any model
holding personal data still names them, except the rows a legal duty keeps, each shown with
its reason and end date. Each app's own test checks its records field by field; this one
checks that the parts add up, through the staff pages."""

import importlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from cress.models import PersonalDataRequest
from lib import personal_data
from tests.comptes.factories import UserFactory
from tests.helpers.auth import login_as
from tests.helpers.personal_data import traces

pytestmark = pytest.mark.django_db

# Every app that holds personal data, each with its `tests/<app>/personal_data_factories.py`.
APPS = (
    "comptes", "messagerie", "annuaire", "communication", "observatoire", "accueil", "formation",
    "partenariats", "experimentations", "emplois", "appartenance",
)  # fmt: skip

PERSON = ("ysaline.grondin@exemple.re", "Ysaline", "Grondin-Testa")
OTHER = ("maelys.boyer@exemple.re", "Maëlys", "Boyer-Kala")


def make_person(email, first_name, last_name):
    for app in APPS:
        importlib.import_module(f"tests.{app}.personal_data_factories").make_person(email, first_name, last_name)


def test_every_app_with_personal_data_has_a_provider_and_a_factory():
    assert {provider.name for provider in personal_data.providers()} == set(APPS)


def test_a_person_who_used_every_action_gets_everything_then_has_it_erased(client, django_capture_on_commit_callbacks):
    make_person(*PERSON)
    make_person(*OTHER)
    superuser = UserFactory(is_staff=True, is_superuser=True, email="dpo@cress-reunion.re")
    login_as(client, superuser)
    email, first_name, last_name = PERSON

    response = client.post(
        reverse("admin:cress_personaldatarequest_person"),
        {"email": email, "reference": "courriel du 1er décembre", "action": "export"},
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    index = json.loads(archive.read("index.json"))
    assert {part["dossier"] for part in index["parties"]} == set(APPS)
    for part in index["parties"]:
        assert part["enregistrements"] > 0, part
        assert part["documents_introuvables"] == [], part
        data = archive.read(f"{part['dossier']}/donnees.json").decode()
        assert "Boyer-Kala" not in data and "maelys.boyer" not in data, part["dossier"]
    everything = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert email in everything and last_name in everything

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("admin:cress_personaldatarequest_erase"),
            {"email": email, "reference": "courriel du 1er décembre", "confirmation": email},
        )
    assert done.status_code == 302
    entry = PersonalDataRequest.objects.get(kind="effacement")
    kept: dict[str, set] = {}
    for hold in entry.holds:
        assert hold["motif"] and hold["jusqu_au"] and hold["ligne"], hold
        model, pk = hold["ligne"].split("#")
        kept.setdefault(model, set()).add(int(pk))
        assert first_name not in hold["quoi"] and last_name not in hold["quoi"] and email not in hold["quoi"]
    left = traces([email, last_name], model_labels=sorted(personal_data.declared_models()), exclude=kept)
    assert left == []
    assert all(part["effaces"] > 0 for name, part in entry.summary.items() if name not in {"messagerie"}), entry.summary

    # The other person is whole, and a second erasure finds nothing more to erase.
    other_found = personal_data.find_everywhere(OTHER[0])
    assert all(found for _provider, found in other_found)
    again = client.post(
        reverse("admin:cress_personaldatarequest_erase"),
        {"email": email, "reference": "relance du 2 décembre", "confirmation": email},
    )
    assert again.status_code == 302
    second = PersonalDataRequest.objects.filter(kind="effacement").latest("created_at")
    assert sum(part["effaces"] for part in second.summary.values()) == 0
    assert len(second.holds) == len(entry.holds)
