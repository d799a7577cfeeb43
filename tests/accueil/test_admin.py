import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accueil.models import InternalNote, Message
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def change_url(intake):
    return reverse("admin:accueil_intakerequest_change", args=[intake.pk])


def test_staff_qualify_and_close_with_the_buttons(client):
    login_verified(client, StaffFactory(role="Accueil"))
    intake, _token = make_request()
    html = client.get(change_url(intake)).content.decode()
    assert "Prendre en charge (qualification)" in html and "Clôturer" not in html
    client.post(reverse("admin:accueil_intakerequest_transition", args=[intake.pk, "qualification"]))
    intake.refresh_from_db()
    assert intake.status == "qualification"
    # Closing without an outcome is refused with a message; with one, it closes.
    client.post(reverse("admin:accueil_intakerequest_transition", args=[intake.pk, "cloturee"]), {"outcome": ""})
    intake.refresh_from_db()
    assert intake.status == "qualification"
    client.post(
        reverse("admin:accueil_intakerequest_transition", args=[intake.pk, "cloturee"]), {"outcome": "sans_suite"}
    )
    intake.refresh_from_db()
    assert (intake.status, intake.outcome) == ("cloturee", "sans_suite")


def test_staff_message_reaches_the_tracking_page_and_notes_stay_internal(client):
    staff = StaffFactory(role="Accueil")
    login_verified(client, staff)
    intake, token = make_request()
    client.post(reverse("admin:accueil_intakerequest_message", args=[intake.pk]), {"body": "Bonjour, un rendez-vous ?"})
    assert Message.objects.get(request=intake).author == staff
    InternalNote.objects.create(request=intake, author=staff, body="Très motivée, voir France Active.")
    page = client.get(reverse("accueil:suivi", args=[token])).content.decode()
    assert "Bonjour, un rendez-vous ?" in page and "France Active" not in page


@pytest.mark.parametrize(("role", "can_change"), [("Accueil", True), ("Direction", False), ("Formation", None)])
def test_who_can_see_and_act_on_requests(client, role, can_change):
    login_verified(client, StaffFactory(role=role))
    intake, _token = make_request()
    response = client.get(change_url(intake))
    if can_change is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    response = client.post(reverse("admin:accueil_intakerequest_transition", args=[intake.pk, "qualification"]))
    intake.refresh_from_db()
    assert (intake.status == "qualification") is can_change


def test_changelist_queries_do_not_grow_with_the_rows(client):
    login_verified(client, StaffFactory(role="Accueil"))
    url = reverse("admin:accueil_intakerequest_changelist")
    for index in range(3):
        make_request(email=f"a{index}@exemple.re", title=f"Projet {index}")

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"status__exact": "nouvelle"}).status_code == 200
        return len(context.captured_queries)

    few = count()
    for index in range(3, 30):
        make_request(email=f"a{index}@exemple.re", title=f"Projet {index}")
    assert count() == few


def test_staff_search_ignores_accents_and_case_and_needs_every_word(client):
    login_verified(client, StaffFactory(role="Accueil"))
    url = reverse("admin:accueil_intakerequest_changelist")
    grocery, _ = make_request(email="celine@exemple.re", title="Épicerie solidaire à Saint-Denis")
    garage, _ = make_request(email="jean@exemple.re", title="Garage solidaire", first_name="Jean", last_name="Payet")

    def found(query):
        page = client.get(url, {"q": query}).content.decode()
        return set(re.findall(r"ESS-\d{4}-\d{5}", page))

    assert found("epicerie") == {grocery.reference}
    assert found("ÉPICERIE Saint") == {grocery.reference}
    assert found("solidaire") == {grocery.reference, garage.reference}
    assert found("solidaire payet") == {garage.reference}
    assert found("jean@exemple") == {garage.reference}
    assert found(grocery.reference.lower()) == {grocery.reference}
    assert found("boulangerie") == set()
    # The words are folded by the database as the column is: curly apostrophes, ø, quotes.
    workshop, _ = make_request(email="soren@exemple.re", title="L’Atelier du Bois", last_name="Søren")
    velo, _ = make_request(email="jp@exemple.re", title="L'Atelier vélo", first_name="Jean-Pierre")
    assert found("l’atelier") >= {workshop.reference} and found("søren") == {workshop.reference}
    assert found('"atelier velo"') == {velo.reference} and found('"jean-pierre dijoux"') == {velo.reference}
    assert found("100%") == set() and found("_") == set()
    # A renamed request is found under its new title: the trigger keeps the search text.
    garage.title = "Atelier de couture"
    garage.save()
    assert found("couture") == {garage.reference}


def test_a_long_list_is_counted_up_to_a_cap_only(client, monkeypatch):
    from lib.admin import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    login_verified(client, StaffFactory(role="Accueil"))
    url = reverse("admin:accueil_intakerequest_changelist")
    for index in range(7):
        make_request(email=f"c{index}@exemple.re", title=f"Projet {index}")
    with CaptureQueriesContext(connection) as context:
        page = client.get(url).content.decode()
    assert "Plus de 5 demandes d&#x27;accompagnement" in page
    # « Select all » says what it does: every matching row, more than the count shown.
    assert "correspondantes (plus de 5)</a>" in page and "correspondantes (plus de 5) sont sélectionnées" in page
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    few = client.get(url, {"q": "c3@exemple"}).content.decode()
    assert "1 demande d&#x27;accompagnement" in few and "Plus de" not in few


def test_bulk_assignment_from_the_list_checkboxes(client):
    staff = StaffFactory(role="Accueil")
    login_verified(client, staff)
    url = reverse("admin:accueil_intakerequest_changelist")
    first, _ = make_request(email="b1@exemple.re")
    second, _ = make_request(email="b2@exemple.re")
    untouched, _ = make_request(email="b3@exemple.re")
    page = client.get(url).content.decode()
    for intake in (first, second, untouched):
        assert f'name="_selected_action" value="{intake.pk}" class="action-select"' in page
    response = client.post(url, {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]})
    assert response.status_code == 302
    assigned = set(staff.assigned_requests.values_list("pk", flat=True))
    assert assigned == {first.pk, second.pk}
