"""The partner's pages: by when an answer is expected (the schedule the daily job follows),
and what a structure sees of the holder before and after accepting."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from accueil.models import Orientation
from accueil.orientation import answer_orientation, answer_schedule, orient, remind_and_expire
from accueil.schedule import next_daily_run
from annuaire.models import PartnerMembership
from messagerie.models import OutgoingEmail
from tests.accueil.test_orientation import partner_link, qualifying_request, support
from tests.comptes.factories import UserFactory
from tests.helpers.mail import sent_email

pytestmark = pytest.mark.django_db


def day(moment, pattern="j F Y"):
    return formats.date_format(timezone.localtime(moment), pattern)


def sent_orientation(**values):
    structure = support("Kaz Initiatives", **values)
    intake, token = qualifying_request(phone="0692 11 22 33")
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    return orientation, token


def test_the_daily_run_is_the_next_eight_oclock_local_time():
    tz = timezone.get_current_timezone()
    before = datetime(2026, 3, 2, 7, 59, tzinfo=tz)
    after = datetime(2026, 3, 2, 8, 1, tzinfo=tz)
    assert next_daily_run(before) == datetime(2026, 3, 2, 8, 0, tzinfo=tz)
    assert next_daily_run(after) == datetime(2026, 3, 3, 8, 0, tzinfo=tz)


def test_the_page_tells_the_dates_the_job_acts_on(client, settings):
    settings.ORIENTATION_REMINDER_DAYS, settings.ORIENTATION_EXPIRY_DAYS = 3, 10
    orientation, _ = sent_orientation()
    link = partner_link()
    sent = orientation.sent_at
    page = client.get(link).content.decode()
    assert f"Réponse attendue avant le {day(sent + timedelta(days=10))}" in page
    reminder = next_daily_run(sent + timedelta(days=3))
    expiry = next_daily_run(sent + timedelta(days=10))
    assert f"nous vous relançons par courriel le {day(reminder)}" in page
    assert f"l'orientation expire le {day(expiry)}" in page
    # The job acts from those moments, not before.
    assert remind_and_expire() == {"relances": 0, "expirees": 0}
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=sent - timedelta(days=3, minutes=1))
    assert remind_and_expire() == {"relances": 1, "expirees": 0}
    orientation.refresh_from_db()
    page = client.get(link).content.decode()
    assert f"Une relance vous a été envoyée le {day(orientation.reminded_at)}" in page
    reminder_email = sent_email(kind="accueil/orientation_relance")
    answer_by = answer_schedule(orientation).answer_by
    assert f"avant le {timezone.localtime(answer_by):%d/%m/%Y}" in reminder_email.body
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=sent - timedelta(days=10, minutes=1))
    assert remind_and_expire() == {"relances": 0, "expirees": 1}
    page = client.get(link).content.decode()
    assert "Réponse attendue" not in page and "Expirée" in page


def test_the_partner_list_shows_each_answer_deadline(client):
    orientation, _ = sent_orientation()
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=orientation.organisation)
    client.force_login(user)
    listing = client.get(reverse("accueil:partenaire-liste")).content.decode()
    schedule = answer_schedule(orientation)
    assert f"avant le {day(schedule.answer_by, 'j M Y')}" in listing
    assert f"relance le {day(schedule.reminder_on, 'j M')}" in listing
    answer_orientation(orientation=orientation, accept=True)
    listing = client.get(reverse("accueil:partenaire-liste"), {"etat": "acceptees"}).content.decode()
    assert "avant le" not in listing, "an answered orientation waits for nothing"


def test_the_holders_contact_details_show_only_after_acceptance(client):
    orientation, _ = sent_orientation()
    intake = orientation.request
    link = partner_link()
    before = client.get(link).content.decode()
    assert intake.email not in before and "0692 11 22 33" not in before and intake.last_name not in before
    client.post(link, {"action": "accepter"})
    after = client.get(link).content.decode()
    assert intake.email in after and "0692 11 22 33" in after and intake.last_name in after


def test_a_refusing_structure_never_sees_the_holders_contact_details(client):
    orientation, _ = sent_orientation()
    link = partner_link()
    client.post(link, {"action": "refuser", "reason": "capacite"})
    page = client.get(link).content.decode()
    assert "Refusée" in page and orientation.request.email not in page and "0692 11 22 33" not in page
    assert not OutgoingEmail.objects.filter(to=orientation.organisation.email, body_text__contains="0692").exists()
