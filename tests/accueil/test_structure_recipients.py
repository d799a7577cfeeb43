"""Emails to a structure reach the people who act for it (issue 18, point 2): its published
address and each active member with an account, each once, each with a link of its own."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accueil.models import Orientation
from accueil.orientation import orient, remind_and_expire
from accueil.services import IntakeError, add_holder_information, send_staff_message, transition_request
from annuaire.models import PartnerMembership
from annuaire.selectors import structure_recipients
from messagerie.models import OutgoingEmail
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db

PARTNER_PAGE = r"/accompagnement/partenaire/[\w-]+/"


def member(organisation, email, **values):
    return PartnerMembership.objects.create(organisation=organisation, user=UserFactory(email=email, **values))


def qualifying_request():
    intake, _ = make_request()
    transition_request(intake=intake, target="qualification")
    return intake


def sent_to(kind) -> dict:
    """Each recipient of the emails of `kind`, and the message that left for them."""
    return {email.to: deliver(email) for email in OutgoingEmail.objects.filter(kind=kind).order_by("pk")}


def test_the_published_address_and_each_active_member_each_once():
    kaz = OrganisationFactory(name="Kaz Initiatives", email="Contact@Kaz.re")
    member(kaz, "marie@kaz.re")
    member(kaz, "contact@kaz.re")  # the published address, in another case
    member(kaz, "parti@kaz.re", is_active=False)
    member(OrganisationFactory(email="autre@exemple.re"), "autre.membre@exemple.re")
    assert structure_recipients(kaz) == ["Contact@Kaz.re", "marie@kaz.re"]


def test_an_orientation_reaches_every_recipient_with_a_working_link_of_its_own():
    kaz = OrganisationFactory(name="Kaz Initiatives", email="contact@kaz.re", is_support_structure=True)
    member(kaz, "marie@kaz.re")
    member(kaz, "CONTACT@kaz.re")
    intake = qualifying_request()
    orient(intake=intake, organisations=[kaz], by=StaffFactory(role="Accueil"))
    messages = sent_to("accueil/orientation_partenaire")
    assert sorted(messages) == ["contact@kaz.re", "marie@kaz.re"]
    links = {to: link_path(message, PARTNER_PAGE) for to, message in messages.items()}
    assert len(set(links.values())) == 2, "each recipient has a link of its own"
    for to, link in links.items():
        page = Client().get(link)
        assert page.status_code == 200 and intake.reference in page.content.decode(), to


def test_a_structure_without_a_published_address_reaches_its_members():
    kaz = OrganisationFactory(name="Kaz Initiatives", email="", is_support_structure=True)
    member(kaz, "marie@kaz.re")
    intake = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[kaz], by=StaffFactory(role="Accueil"))
    (message,) = sent_to("accueil/orientation_partenaire").values()
    assert message.to == ["marie@kaz.re"]
    assert intake.reference in Client().get(link_path(message, PARTNER_PAGE)).content.decode()

    send_staff_message(intake=intake, by=StaffFactory(role="Accueil"), body="Un point ?", orientation_id=orientation.pk)
    assert list(sent_to("accueil/message_structure")) == ["marie@kaz.re"]


def test_a_structure_with_neither_is_refused_with_a_message_for_the_staff():
    nobody = OrganisationFactory(name="Sans Contact", email="")
    member(nobody, "parti@exemple.re", is_active=False)
    intake = qualifying_request()
    with pytest.raises(IntakeError, match="« Sans Contact » n'a ni adresse électronique publiée ni membre"):
        orient(intake=intake, organisations=[nobody], by=StaffFactory(role="Accueil"))
    assert not Orientation.objects.exists() and not OutgoingEmail.objects.filter(kind__contains="orientation").exists()


def test_messages_and_reminders_reach_the_members_too():
    kaz = OrganisationFactory(name="Kaz Initiatives", email="contact@kaz.re", is_support_structure=True)
    member(kaz, "marie@kaz.re")
    intake = qualifying_request()
    staff = StaffFactory(role="Accueil")
    (orientation,) = orient(intake=intake, organisations=[kaz], by=staff)
    send_staff_message(intake=intake, by=staff, body="Pouvez-vous la recevoir ?", orientation_id=orientation.pk)
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    remind_and_expire()
    remind_and_expire()  # the next day's run does not remind again
    for kind in ("accueil/message_structure", "accueil/orientation_relance"):
        messages = sent_to(kind)
        assert sorted(messages) == ["contact@kaz.re", "marie@kaz.re"], kind
        for to, message in messages.items():
            page = Client().get(link_path(message, PARTNER_PAGE))
            assert page.status_code == 200 and intake.reference in page.content.decode(), (kind, to)


def test_when_nobody_acts_for_an_oriented_structure_any_more_the_staff_are_told(client):

    nadia = StaffFactory(role="Accueil", email="nadia@cress.re")
    kaz = OrganisationFactory(name="Kaz Initiatives", email="contact@kaz.re", is_support_structure=True)
    intake = qualifying_request()
    intake.assigned_to = nadia
    intake.save(update_fields=["assigned_to"])
    (orientation,) = orient(intake=intake, organisations=[kaz], by=nadia)
    type(kaz).objects.filter(pk=kaz.pk).update(email="")  # the address was removed since

    add_holder_information(intake=intake, body="J'ai trouvé un local.", documents=[], orientation_id=orientation.pk)
    assert not OutgoingEmail.objects.filter(kind="accueil/message_structure").exists()
    to_staff = deliver(OutgoingEmail.objects.get(kind="accueil/message_equipe"))
    assert to_staff.to == ["nadia@cress.re"]
    assert "Kaz Initiatives n'a ni adresse électronique publiée ni membre ayant un compte" in to_staff.body

    login_verified(client, nadia)
    response = client.post(
        reverse("admin:accueil_intakerequest_message", args=[intake.pk]),
        {"thread": orientation.pk, "body": "Pouvez-vous la recevoir ?"},
    )
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("personne n'est prévenu par courriel" in text for text in told), told
    assert not OutgoingEmail.objects.filter(kind="accueil/message_structure").exists()
