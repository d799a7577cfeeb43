"""The staff's page of a need's suppliers: run the matching, add a supplier from the directory,
adjust ranks and inclusion, « Envoyer aux fournisseurs »; who may do what; constant queries."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experimentations.models import Need, NeedTransition, SupplierMatch
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import make_need, make_supplier
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return login_as(client, StaffFactory(role="Partenariats", email="lea@cress.re"))


def page(need):
    return reverse("admin:experimentations_suppliermatch_need", args=[need.pk])


def test_staff_run_the_matching_adjust_add_and_send(staff_client, settings):
    settings.EXPERIMENTATIONS_SENDING_WEEKDAYS = list(range(7))
    settings.EXPERIMENTATIONS_SENDING_START_HOUR, settings.EXPERIMENTATIONS_SENDING_END_HOUR = 0, 24
    settings.EXPERIMENTATIONS_BATCH_SIZE = 5
    need = make_need()
    near, far = make_supplier("Proche"), make_supplier("Lointain", commune="97415")
    hand = make_supplier("Choisie à la main", sector="C")

    response = staff_client.post(page(need), {"action": "rapprocher"})
    assert response.status_code == 302
    assert list(need.matches.order_by("rank").values_list("organisation__name", flat=True)) == ["Proche", "Lointain"]
    text = unescape(staff_client.get(page(need)).text)
    assert "Installé à Saint-Denis, lieu d'exécution" in text and "Rapprochement fait : 2 fournisseur(s)" in text

    assert staff_client.post(page(need), {"action": "ajouter", "organisation": hand.pk}).status_code == 302
    assert need.matches.get(organisation=hand).added_by_staff

    rows = list(need.matches.order_by("rank"))
    form = {"action": "enregistrer", "rangs-TOTAL_FORMS": "3", "rangs-INITIAL_FORMS": "3"}
    ranks = {near.pk: (2, True), far.pk: (3, False), hand.pk: (1, True)}
    for index, match in enumerate(rows):
        rank, included = ranks[match.organisation_id]
        form |= {f"rangs-{index}-id": match.pk, f"rangs-{index}-rank": rank}
        if included:
            form[f"rangs-{index}-included"] = "on"
    assert staff_client.post(page(need), form).status_code == 302
    assert list(need.matches.filter(included=True).order_by("rank").values_list("organisation__name", flat=True)) == [
        "Choisie à la main",
        "Proche",
    ]

    assert staff_client.post(page(need), {"action": "envoyer"}).status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.SENT
    transition = NeedTransition.objects.get(subject=need)
    assert (transition.to_state, transition.by.email) == ("envoye", "lea@cress.re")
    to_suppliers = OutgoingEmail.objects.filter(kind="experimentations/fournisseur_besoin")
    assert sorted(to_suppliers.values_list("to", flat=True)) == sorted([near.email, hand.email])
    told = OutgoingEmail.objects.get(kind="experimentations/besoin_changement_etat")
    assert told.to == need.contact_email  # the buyer knows it left


def test_bad_input_gives_french_messages_never_a_500(staff_client):
    need = make_need(status=Need.Status.SUBMITTED)
    response = staff_client.post(page(need), {"action": "ajouter", "organisation": "999999"})
    assert response.status_code == 200 and "existe pas dans l" in unescape(response.text)
    response = staff_client.post(page(need), {"action": "envoyer"}, follow=True)
    assert "Seul un besoin validé peut être envoyé aux fournisseurs." in unescape(response.text)
    response = staff_client.post(page(need), {"action": "nimporte"}, follow=True)
    assert "Action inconnue" in unescape(response.text)
    response = staff_client.post(page(need), {"action": "enregistrer", "rangs-TOTAL_FORMS": "x"})
    assert response.status_code in {200, 400}
    assert staff_client.get(reverse("admin:experimentations_suppliermatch_need", args=[999999])).status_code == 404


def test_direction_reads_the_page_but_cannot_act(client):
    login_as(client, StaffFactory(role="Direction", email="dir@cress.re"))
    need = make_need()
    make_supplier("Proche")
    page_text = client.get(page(need)).text
    assert "Envoyer aux fournisseurs" not in page_text
    assert client.post(page(need), {"action": "rapprocher"}).status_code == 403
    assert not SupplierMatch.objects.exists()
    login_as(client, StaffFactory(role="Accueil", email="accueil@cress.re"))
    assert client.get(page(need)).status_code == 403


def test_the_page_reads_a_constant_number_of_queries(staff_client):
    def queries(count):
        need = make_need()
        for index in range(count):
            make_supplier(f"Fournisseur {count}-{index}")
        staff_client.post(page(need), {"action": "rapprocher"})
        staff_client.get(page(need))
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(page(need)).status_code == 200
        return len(captured.captured_queries)

    assert queries(1) == queries(8)
