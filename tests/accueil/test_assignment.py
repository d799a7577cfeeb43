"""« Prendre en charge » assigns the request; « Mes demandes »; reassignment and its history."""

import re

import pytest
from django.urls import reverse

from accueil.models import IntakeRequest, RequestAssignment
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def change_url(intake):
    return reverse("admin:accueil_intakerequest_change", args=[intake.pk])


def take(client, intake):
    return client.post(reverse("admin:accueil_intakerequest_transition", args=[intake.pk, "qualification"]))


def assign(client, intake, user_pk):
    return client.post(reverse("admin:accueil_intakerequest_assign", args=[intake.pk]), {"assignee": user_pk})


def test_taking_a_request_assigns_it_to_whoever_took_it(client):
    nadia = StaffFactory(role="Accueil", first_name="Nadia", last_name="Payet")
    login_verified(client, nadia)
    intake, _token = make_request()
    take(client, intake)
    intake.refresh_from_db()
    assert (intake.status, intake.assigned_to) == ("qualification", nadia)
    (record,) = RequestAssignment.objects.filter(request=intake)
    assert (record.assigned_to, record.by) == (nadia, nadia)
    # Shown on the request's page (the action bar and the history) and in the list.
    page = client.get(change_url(intake)).content.decode()
    assert '<strong id="workbar-assignee">Nadia Payet</strong>' in page
    assert "Historique des attributions" in page
    listing = client.get(reverse("admin:accueil_intakerequest_changelist")).content.decode()
    row = re.search(rf"<tr>.*?{intake.reference}.*?</tr>", listing, re.S).group(0)
    assert "Nadia Payet" in row


def test_my_requests_filter_shows_only_mine(client):
    nadia = StaffFactory(role="Accueil", first_name="Nadia", last_name="Payet")
    paul = StaffFactory(role="Accueil", first_name="Paul", last_name="Hoarau")
    mine, _ = make_request(email="a@exemple.re", title="Recyclerie de Saint-Pierre")
    theirs, _ = make_request(email="b@exemple.re", title="Tiers-lieu du Port")
    nobody, _ = make_request(email="c@exemple.re", title="Jardin partagé du Tampon")
    login_verified(client, paul)
    take(client, theirs)
    login_verified(client, nadia)
    take(client, mine)
    url = reverse("admin:accueil_intakerequest_changelist")
    page = client.get(url).content.decode()
    assert "Mes demandes" in page and "Non attribuées" in page
    only_mine = client.get(url, {"attribuee": "moi"}).content.decode()
    assert mine.reference in only_mine and theirs.reference not in only_mine and nobody.reference not in only_mine
    unassigned = client.get(url, {"attribuee": "personne"}).content.decode()
    assert nobody.reference in unassigned and mine.reference not in unassigned
    pauls = client.get(url, {"attribuee": str(paul.pk)}).content.decode()
    assert theirs.reference in pauls and mine.reference not in pauls


def test_reassigning_to_a_colleague_is_recorded_and_limited_to_the_accueil_team(client):
    nadia = StaffFactory(role="Accueil", first_name="Nadia", last_name="Payet")
    paul = StaffFactory(role="Accueil", first_name="Paul", last_name="Hoarau")
    trainer = StaffFactory(role="Formation")
    login_verified(client, nadia)
    intake, _ = make_request()
    take(client, intake)
    response = assign(client, intake, paul.pk)
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.assigned_to == paul
    history = list(RequestAssignment.objects.filter(request=intake).values_list("assigned_to", "by"))
    assert history == [(nadia.pk, nadia.pk), (paul.pk, nadia.pk)]
    page = client.get(change_url(intake), follow=True).content.decode()
    assert '<strong id="workbar-assignee">Paul Hoarau</strong>' in page
    # Someone outside the accueil team cannot be given a request: a French message, nothing changes.
    page = client.post(
        reverse("admin:accueil_intakerequest_assign", args=[intake.pk]), {"assignee": trainer.pk}, follow=True
    ).content.decode()
    assert "Choisissez un·e membre de l&#x27;équipe d&#x27;accueil." in page
    intake.refresh_from_db()
    assert intake.assigned_to == paul and RequestAssignment.objects.filter(request=intake).count() == 2
    # Assigning to whoever already has it records nothing.
    assign(client, intake, paul.pk)
    assert RequestAssignment.objects.filter(request=intake).count() == 2


def test_who_may_reassign(client):
    intake, _ = make_request()
    paul = StaffFactory(role="Accueil")
    login_verified(client, StaffFactory(role="Direction"))
    assert assign(client, intake, paul.pk).status_code == 403
    assert IntakeRequest.objects.get(pk=intake.pk).assigned_to is None


def test_bulk_assign_to_me_is_recorded_in_each_history(client):
    nadia = StaffFactory(role="Accueil")
    login_verified(client, nadia)
    first, _ = make_request(email="b1@exemple.re")
    second, _ = make_request(email="b2@exemple.re")
    url = reverse("admin:accueil_intakerequest_changelist")
    client.post(url, {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]})
    assert set(RequestAssignment.objects.values_list("request", "assigned_to", "by")) == {
        (first.pk, nadia.pk, nadia.pk),
        (second.pk, nadia.pk, nadia.pk),
    }


def test_the_actions_sit_in_a_bar_above_the_request_and_erasure_stands_apart(client, admin_user):
    login_verified(client, StaffFactory(role="Accueil"))
    intake, _ = make_request()
    page = client.get(change_url(intake)).content.decode()
    bar = page.index('class="workbar"')
    assert bar < page.index(">Suivi</") and bar < page.index("Prendre en charge (qualification)")
    assert "Effacer les données" not in page  # only a superuser erases
    login_verified(client, admin_user)
    page = client.get(change_url(intake)).content.decode()
    danger = page.index('class="workbar-danger"')
    assert page.index('class="workbar"') < danger < page.index(">Suivi</")
    assert page.index("Effacer les données", danger) > danger
    assert "Prendre en charge (qualification)" not in page[danger : page.index("</section>", danger)]
