"""One conversation per request between the holder, the CRESS staff and each structure it
is oriented to (issue 18, points 1 and 2): each message knows its author and its readers,
each reader sees only their part, and each new message emails its readers a link to the
page where they answer, naming its real author."""

import re

import pytest
from django.urls import reverse

from accueil.models import Message, Orientation
from accueil.orientation import answer_orientation, ask_holder, orient, write_to_staff
from accueil.services import send_staff_message, transition_request
from messagerie.models import OutgoingEmail
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

TRACKING = r"/accompagnement/suivi/[\w-]+/"
PARTNER = r"/accompagnement/partenaire/[\w-]+/"
ADMIN = r"/gestion/accueil/intakerequest/\d+/change/"


def structure(name, email):
    return OrganisationFactory(name=name, commune=commune(), is_support_structure=True, email=email)


@pytest.fixture
def oriented():
    """A request taken by Nadia and oriented to two structures; the orientation emails sent,
    so that each structure holds its page's private link."""
    nadia = StaffFactory(role="Accueil", email="nadia@cress.re", first_name="Nadia", last_name="Payet")
    intake, token = make_request(email="celine@exemple.re")
    intake.assigned_to = nadia
    intake.save(update_fields=["assigned_to"])
    transition_request(intake=intake, target="qualification", by=nadia)
    kaz = structure("Kaz Initiatives", "kaz@exemple.re")
    sud = structure("Incubateur Sud", "sud@exemple.re")
    orient(intake=intake, organisations=[kaz, sud], by=nadia)
    links = {
        name: link_path(sent_email(kind="accueil/orientation_partenaire", to=email), PARTNER)
        for name, email in [("kaz", "kaz@exemple.re"), ("sud", "sud@exemple.re")]
    }
    orientations = {o.organisation.name: o for o in Orientation.objects.filter(request=intake)}
    return {
        "intake": intake,
        "token": token,
        "staff": nadia,
        "kaz": orientations["Kaz Initiatives"],
        "sud": orientations["Incubateur Sud"],
        "kaz_page": links["kaz"],
        "sud_page": links["sud"],
    }


def tracking_page(client, token):
    return client.get(reverse("accueil:suivi", args=[token])).content.decode()


def new_emails(kind, **filters):
    return OutgoingEmail.objects.filter(kind=kind, status=OutgoingEmail.Status.PENDING, **filters)


def test_a_partner_question_and_the_holders_answer_reach_their_readers_and_no_one_else(client, oriented):
    intake = oriented["intake"]
    response = client.post(oriented["kaz_page"], {"action": "question", "message": "Avez-vous déjà un local ?"})
    assert response.status_code == 302
    assert "Votre question est envoyée au porteur" in client.get(oriented["kaz_page"]).content.decode()

    # The holder is emailed by the real author, with the question and a link that opens the page.
    to_holder = sent_email(kind="accueil/message_porteur", to="celine@exemple.re")
    assert to_holder.subject.startswith("Kaz Initiatives vous pose une question")
    assert "Avez-vous déjà un local ?" in to_holder.body
    assert "visible par : vous, Kaz Initiatives et la CRESS" in to_holder.body
    holder_path = link_path(to_holder, TRACKING)
    page = client.get(holder_path).content.decode()
    assert "Avez-vous déjà un local ?" in page and "<strong>Kaz Initiatives</strong>" in page
    assert "Lu par : vous, Kaz Initiatives et la CRESS" in page
    # The staff in charge are told too, with the admin page of the request.
    to_staff = sent_email(kind="accueil/message_equipe", to="nadia@cress.re")
    assert "Kaz Initiatives a écrit" in to_staff.subject and "Avez-vous déjà un local ?" in to_staff.body
    assert link_path(to_staff, ADMIN) == reverse("admin:accueil_intakerequest_change", args=[intake.pk])

    # The holder answers Kaz Initiatives from the tracking page (the « Répondre » link picks the thread).
    reply = f"?repondre={oriented['kaz'].pk}#titre-completer"
    assert f'href="{reply}"' in page
    form_page = client.get(holder_path + reply.split("#")[0]).content.decode()
    assert re.search(rf'<option value="{oriented["kaz"].pk}" selected>Kaz Initiatives', form_page)
    response = client.post(holder_path, {"thread": oriented["kaz"].pk, "body": "Oui, un local à Saint-Denis."})
    assert response.status_code == 302
    assert "votre message est envoyé à Kaz Initiatives" in client.get(holder_path).content.decode()
    answer = Message.objects.get(body="Oui, un local à Saint-Denis.")
    assert (answer.author_kind, answer.audience, answer.orientation) == (
        "porteur",
        "structure_porteur",
        oriented["kaz"],
    )

    # It reaches that structure: email naming the holder as author, link to its page, page shows it.
    to_kaz = sent_email(kind="accueil/message_structure", to="kaz@exemple.re")
    assert to_kaz.subject.startswith("Le porteur du projet vous a répondu")
    assert "Oui, un local à Saint-Denis." in to_kaz.body
    kaz_page = client.get(link_path(to_kaz, PARTNER)).content.decode()
    assert "Oui, un local à Saint-Denis." in kaz_page and "Avez-vous déjà un local ?" in kaz_page
    assert "Le porteur du projet" in kaz_page
    # ... and the staff in charge, whose admin page shows who wrote and who reads.
    to_staff = sent_email(kind="accueil/message_equipe", to="nadia@cress.re")
    assert to_staff.subject.startswith("Le porteur du projet a écrit") and "Oui, un local" in to_staff.body
    login_verified(client, oriented["staff"])
    admin_page = client.get(link_path(to_staff, ADMIN)).content.decode()
    assert "Oui, un local à Saint-Denis." in admin_page and "le porteur, Kaz Initiatives et la CRESS" in admin_page
    client.logout()

    # The other structure sees none of it and was emailed nothing.
    sud_page = client.get(oriented["sud_page"]).content.decode()
    assert "local" not in sud_page and "Aucun message pour l'instant." in sud_page
    assert not OutgoingEmail.objects.filter(to="sud@exemple.re").exclude(kind="accueil/orientation_partenaire")
    # Nobody is emailed their own message.
    assert not OutgoingEmail.objects.filter(kind="accueil/message_structure", body_text__contains="Avez-vous")
    assert not OutgoingEmail.objects.filter(kind="accueil/message_porteur", body_text__contains="Oui, un local")


def test_staff_write_to_one_structure_which_alone_reads_it(client, oriented):
    login_verified(client, oriented["staff"])
    url = reverse("admin:accueil_intakerequest_message", args=[oriented["intake"].pk])
    change = client.get(reverse("admin:accueil_intakerequest_change", args=[oriented["intake"].pk])).content.decode()
    assert "Kaz Initiatives seulement (lu par la structure et l&#x27;équipe)" in change
    client.post(url, {"thread": oriented["kaz"].pk, "body": "Le porteur a un budget de 20 000 €."})
    client.logout()

    to_kaz = sent_email(kind="accueil/message_structure", to="kaz@exemple.re")
    assert to_kaz.subject.startswith("La CRESS vous a écrit") and "20 000 €" in to_kaz.body
    kaz_page = client.get(link_path(to_kaz, PARTNER)).content.decode()
    assert "20 000 €" in kaz_page and "Lu par : vous et la CRESS" in kaz_page
    assert "20 000 €" not in client.get(oriented["sud_page"]).content.decode()
    assert "20 000 €" not in tracking_page(client, oriented["token"])
    assert not new_emails("accueil/message_porteur").exists(), "the holder is not a reader"
    assert not new_emails("accueil/message_equipe").exists(), "the staff wrote it"


def test_staff_write_to_the_holder_the_email_names_the_cress_and_carries_message_and_link(client, oriented):
    send_staff_message(intake=oriented["intake"], by=oriented["staff"], body="Pouvez-vous préciser votre budget ?")
    email = sent_email(kind="accueil/message_porteur")
    assert email.subject.startswith("La CRESS vous a écrit")
    assert "Pouvez-vous préciser votre budget ?" in email.body
    page = client.get(link_path(email, TRACKING)).content.decode()
    assert "Pouvez-vous préciser votre budget ?" in page and "Lu par : vous et la CRESS" in page
    for name in ("kaz_page", "sud_page"):
        assert "budget" not in client.get(oriented[name]).content.decode()


def test_a_structure_writes_to_the_staff_without_the_holder_reading_it(client, settings, oriented):
    intake = oriented["intake"]
    intake.assigned_to = None
    intake.save(update_fields=["assigned_to"])
    client.post(oriented["sud_page"], {"action": "equipe", "message": "Nous sommes complets jusqu'en mars."})
    assert "Votre message est envoyé à l&#x27;équipe de la CRESS" in client.get(oriented["sud_page"]).content.decode()
    # Unassigned: the CRESS contact address that the accueil team reads.
    to_staff = sent_email(kind="accueil/message_equipe", to=settings.CONTACT_EMAIL)
    assert to_staff.subject.startswith("Incubateur Sud a écrit") and "complets" in to_staff.body
    assert "complets" not in tracking_page(client, oriented["token"])
    assert "complets" not in client.get(oriented["kaz_page"]).content.decode()
    assert not new_emails("accueil/message_porteur").exists()


def test_the_holder_cannot_write_in_a_closed_or_foreign_thread(client, oriented):
    other_intake, _ = make_request(email="autre@exemple.re", title="Autre projet")
    (foreign,) = orient(intake=other_intake, organisations=[structure("Ailleurs", "ail@exemple.re")], by=None)
    answer_orientation(orientation=oriented["sud"], accept=False, reason="capacite")
    path = reverse("accueil:suivi", args=[oriented["token"]])
    page = tracking_page(client, oriented["token"])
    assert f'<option value="{oriented["kaz"].pk}">' in page
    assert f'<option value="{oriented["sud"].pk}">' not in page, "a structure that refused is no longer a recipient"
    for thread in (oriented["sud"].pk, foreign.pk, "x"):
        response = client.post(path, {"thread": thread, "body": "Bonjour"})
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Message.objects.filter(body="Bonjour").exists()


def test_the_conversation_is_in_one_model_with_its_readers_checked_by_the_database(oriented):
    from django.db import IntegrityError, transaction

    question = ask_holder(orientation=oriented["kaz"], question="Une question ?")
    note = write_to_staff(orientation=oriented["kaz"], body="Pour la CRESS.")
    assert question.audience == "structure_porteur" and note.audience == "structure_equipe"
    assert question.author_label == "Kaz Initiatives" and note.readers_label == "Kaz Initiatives et la CRESS"
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(request=oriented["intake"], author_kind="partenaire", body="sans fil")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(request=oriented["intake"], author_kind="equipe", body="x", audience="structure_equipe")


def test_every_message_email_leaves_with_its_link_and_the_outbox_keeps_none(client, oriented):
    ask_holder(orientation=oriented["kaz"], question="Une question ?")
    send_staff_message(intake=oriented["intake"], by=oriented["staff"], body="Info", orientation_id=oriented["kaz"].pk)
    for kind, path in [("accueil/message_porteur", TRACKING), ("accueil/message_structure", PARTNER)]:
        row = OutgoingEmail.objects.get(kind=kind)
        assert row.links and not re.search(path, row.body_text), "the outbox holds no live link"
        assert client.get(link_path(sent_email(kind=kind), path)).status_code == 200


def test_the_pages_read_the_conversation_in_a_fixed_number_of_queries(client, oriented):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        pages = [reverse("accueil:suivi", args=[oriented["token"]]), oriented["kaz_page"]]
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            found.append(len(queries))
        return found

    ask_holder(orientation=oriented["kaz"], question="Première question ?")
    counts()  # the first use of a link records it: not a reading of the conversation
    before = counts()
    for number in range(5):
        ask_holder(orientation=oriented["kaz"], question=f"Question {number} ?")
        send_staff_message(intake=oriented["intake"], by=oriented["staff"], body=f"Message {number}")
    assert counts() == before
