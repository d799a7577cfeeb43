"""Publishing a millésime in the admin: its figures become public with their secrecy mask;
withdrawing it takes them down; each change is in the millésime's log."""

import pytest
from django.test import TestCase
from django.urls import reverse

from observatoire.models import Figure, Millesime, MillesimeState
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db


def move(client, millesime, target):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("admin:observatoire_millesime_transition", args=[millesime.pk, target]), {"comment": "vu"}
        )


def test_staff_check_publish_and_withdraw_a_millesime(client):
    millesime = import_and_publish([Row(make_siret(n)) for n in range(1, 6)], publish=False)
    staff = login_verified(client, StaffFactory(role="Observatoire"))
    public = reverse("observatoire:explorer-json")
    assert client.get(public).status_code == 404
    assert set(Figure.objects.values_list("secrecy", flat=True)) == {""}, "no mask before publication"

    move(client, millesime, MillesimeState.CHECKING)
    assert client.get(public).status_code == 404, "checked data stays private"
    response = move(client, millesime, MillesimeState.PUBLISHED)
    assert response.status_code == 302
    millesime.refresh_from_db()
    assert millesime.state == MillesimeState.PUBLISHED and millesime.published_at
    assert "" not in set(Figure.objects.values_list("secrecy", flat=True)), "every figure has its verdict"
    assert client.get(public).json()["millesime"] == 2024

    move(client, millesime, MillesimeState.WITHDRAWN)
    assert client.get(public).status_code == 404
    log = list(millesime.transitions.values_list("from_state", "to_state", "by"))
    assert log == [
        ("importe", "en_controle", staff.pk),
        ("en_controle", "publie", staff.pk),
        ("publie", "retire", staff.pk),
    ]


def test_a_transition_outside_the_workflow_is_refused_with_a_message(client):
    millesime = import_and_publish([Row(make_siret(1))], publish=False)
    login_verified(client, StaffFactory(role="Observatoire"))
    response = client.post(
        reverse("admin:observatoire_millesime_transition", args=[millesime.pk, MillesimeState.PUBLISHED]), follow=True
    )
    assert "Transition refusée" in response.content.decode()
    assert Millesime.objects.get().state == MillesimeState.IMPORTED


def test_other_roles_cannot_publish(client):
    millesime = import_and_publish([Row(make_siret(1))], publish=False)
    login_verified(client, StaffFactory(role="Communication"))
    response = client.post(reverse("admin:observatoire_millesime_transition", args=[millesime.pk, "en_controle"]))
    assert response.status_code == 403
    assert Millesime.objects.get().state == MillesimeState.IMPORTED
