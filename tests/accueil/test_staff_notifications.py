"""The staff in charge hear of what the holder adds, and see what waits for their answer
(issue 18, point 5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accueil.models import IntakeRequest, Message
from accueil.orientation import ask_holder, orient, write_to_staff
from accueil.selectors import Period, awaiting_staff_answer, dashboard
from accueil.services import add_holder_information, send_staff_message, transition_request
from messagerie.models import OutgoingEmail
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

ADMIN = r"/gestion/accueil/intakerequest/\d+/change/"


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), "application/pdf")


def test_documents_added_without_a_message_email_the_staff_in_charge(client):
    nadia = StaffFactory(role="Accueil", email="nadia@cress.re")
    intake, token = make_request()
    transition_request(intake=intake, target="qualification", by=nadia)  # taken: Nadia is in charge
    tracking = reverse("accueil:suivi", args=[token])
    response = client.post(tracking, {"body": "", "documents": [pdf("devis.pdf"), pdf("statuts.pdf")]})
    assert response.status_code == 302
    email = sent_email(kind="accueil/documents_equipe", to="nadia@cress.re")
    assert email.subject == f"Le porteur a ajouté 2 documents à la demande {intake.reference}"
    assert "- devis.pdf" in email.body and "- statuts.pdf" in email.body
    path = link_path(email, ADMIN)
    login_verified(client, nadia)
    page = client.get(path).content.decode()
    assert "devis.pdf" in page and intake.reference in page
    # With a message, the message's email tells the staff (it carries the text): no second email.
    before = OutgoingEmail.objects.filter(kind="accueil/documents_equipe").count()
    client.logout()
    client.post(tracking, {"body": "Voici le budget.", "documents": [pdf("budget.pdf")]})
    assert OutgoingEmail.objects.filter(kind="accueil/documents_equipe").count() == before
    assert "Voici le budget." in sent_email(kind="accueil/message_equipe", to="nadia@cress.re").body


def test_the_dashboard_counts_requests_waiting_for_a_staff_answer(client):
    nadia = StaffFactory(role="Accueil")
    holder_last, _ = make_request(email="a@exemple.re", title="Recyclerie")
    answered, _ = make_request(email="b@exemple.re", title="Tiers-lieu")
    partner_last, _ = make_request(email="c@exemple.re", title="Jardin partagé")
    closed, _ = make_request(email="d@exemple.re", title="Café associatif")
    silent, _ = make_request(email="e@exemple.re", title="Garage solidaire")
    for intake in (holder_last, answered, partner_last, closed):
        add_holder_information(intake=intake, body="Une question ?", documents=[])
    send_staff_message(intake=answered, by=nadia, body="Voici la réponse.")
    transition_request(intake=partner_last, target="qualification", by=nadia)
    send_staff_message(intake=partner_last, by=nadia, body="Je vous oriente.")
    structure = OrganisationFactory(commune=commune(), is_support_structure=True, email="kaz@exemple.re")
    (orientation,) = orient(intake=partner_last, organisations=[structure], by=nadia)
    write_to_staff(orientation=orientation, body="Le porteur est-il joignable ?")
    transition_request(intake=closed, target="qualification", by=nadia)
    transition_request(intake=closed, target="cloturee", by=nadia, outcome="sans_suite")
    assert dashboard(Period())["awaiting_count"] == 2
    login_verified(client, nadia)
    page = client.get(reverse("admin:accueil_intakerequest_dashboard")).content.decode()
    assert '<strong id="awaiting-count">2</strong> demandes en attente' in page
    listing = client.get(reverse("admin:accueil_intakerequest_changelist"), {"a_repondre": "oui"}).content.decode()
    shown = {intake for intake in (holder_last, answered, partner_last, closed, silent) if intake.reference in listing}
    assert shown == {holder_last, partner_last}


def test_an_answer_meant_for_a_structure_waits_for_no_staff_answer():
    """The holder answers a structure's question in that structure's thread: the structure
    reads it, the staff are not expected to answer (the old count took any last message)."""
    nadia = StaffFactory(role="Accueil")
    intake, _ = make_request(email="a@exemple.re", title="Recyclerie")
    transition_request(intake=intake, target="qualification", by=nadia)
    structure = OrganisationFactory(commune=commune(), is_support_structure=True, email="kaz@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[structure], by=nadia)
    ask_holder(orientation=orientation, question="Avez-vous un local ?")
    assert not awaiting_staff_answer(IntakeRequest.objects.all()).exists()
    add_holder_information(intake=intake, body="Oui, au Port.", documents=[], orientation_id=orientation.pk)
    assert Message.objects.filter(request=intake).latest("created_at").author_kind == "porteur"
    assert not awaiting_staff_answer(IntakeRequest.objects.all()).exists()
    # The same holder writing to the staff does wait for them.
    add_holder_information(intake=intake, body="Et la CRESS, qu'en pense-t-elle ?", documents=[])
    assert set(awaiting_staff_answer(IntakeRequest.objects.all())) == {intake}


def test_documents_sent_alone_wait_for_the_staff_until_they_write():
    nadia = StaffFactory(role="Accueil")
    intake, _ = make_request(email="a@exemple.re", title="Recyclerie")
    filed, _ = make_request(email="b@exemple.re", title="Tiers-lieu", documents=[(pdf("statuts.pdf"), "pdf")])
    assert filed.attachments.count() == 1  # filed with the request: nothing to answer
    send_staff_message(intake=intake, by=nadia, body="Pouvez-vous envoyer vos statuts ?")
    add_holder_information(intake=intake, body="", documents=[(pdf("statuts.pdf"), "pdf")])
    assert set(awaiting_staff_answer(IntakeRequest.objects.all())) == {intake}
    send_staff_message(intake=intake, by=nadia, body="Bien reçu, merci.")
    assert not awaiting_staff_answer(IntakeRequest.objects.all()).exists()
