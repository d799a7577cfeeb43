"""Alerts on financial tools: double opt-in, one-click unsubscribe, digests of new tools and
reminders before a call's deadline, each sent once (experimentations/alerts.py)."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experimentations import alerts
from experimentations.models import AlertDelivery, ToolAlert
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import make_alert, make_call, make_tool
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver, link_path, sent_email

pytestmark = pytest.mark.django_db

NEW = "/financer-et-acheter/alertes/nouvelle/"
CONFIRM = r"/financer-et-acheter/alertes/confirmation/[^/\s]+/"
UNSUBSCRIBE = r"/financer-et-acheter/alertes/desinscription/[^/\s]+/"
REUNION = ZoneInfo("Indian/Reunion")


def subscribe(client, query="", email="lectrice@exemple.re", **extra):
    data = {"email": email, "frequency": "quotidienne", "consent": "on", **extra}
    return client.post(f"{NEW}?{query}" if query else NEW, data)


def kinds(**filters) -> list[str]:
    return list(AlertDelivery.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


# --- Double opt-in ----------------------------------------------------------------------


def test_the_page_says_the_search_in_words_and_asks_email_frequency_and_consent(client):
    page = client.get(NEW + "?instrument=garantie&appels=1").content.decode()
    assert "Votre recherche" in page and "Appels à projets : garantie" in page
    assert 'name="email"' in page and 'name="frequency"' in page and 'name="consent"' in page
    assert 'name="website_url"' in page  # the honeypot


def test_double_opt_in_confirms_only_on_the_button_of_the_emailed_link(client):
    response = subscribe(client, "instrument=garantie")
    assert response.status_code == 200 and "Vérifiez votre messagerie" in response.content.decode()
    alert = ToolAlert.objects.get()
    assert alert.confirmed_at is None and alert.query == "instrument=garantie"
    assert alert.label == "Financements : garantie" and alert.frequency == "quotidienne"
    assert "alertes de la CRESS" in alert.consent_text
    message = sent_email(kind="experimentations/alerte_confirmation")
    assert message.to == ["lectrice@exemple.re"] and "Financements : garantie" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^/]+" + UNSUBSCRIBE + ">", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = link_path(message, CONFIRM)
    # The token travels in the email only: the alert keeps its hash.
    assert link.rstrip("/").split("/")[-1] not in alert.token_hash
    # Opening the link (a mail scanner does) confirms nothing; the button does.
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    done = client.post(link)
    assert done.status_code == 200 and "Alerte confirmée" in done.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None and alert.watermark == alert.confirmed_at
    # The same link again: already confirmed, nothing changes.
    again = client.get(link).content.decode()
    assert "déjà confirmée" in again


def test_nothing_is_sent_to_an_alert_before_it_is_confirmed(client):
    subscribe(client)
    make_tool(published_ago=timedelta(minutes=5))
    ToolAlert.objects.update(watermark=timezone.now() - timedelta(days=2))
    assert alerts.send_digests() == 0
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["experimentations/alerte_confirmation"]


def test_the_same_answer_whatever_the_address_already_follows(client):
    make_alert("lectrice@exemple.re", query="")
    response = subscribe(client, email="Lectrice@Exemple.re")
    assert response.status_code == 200 and "Vérifiez votre messagerie" in response.content.decode()
    assert ToolAlert.objects.count() == 1 and not OutgoingEmail.objects.exists()
    # Asking twice before confirming: one alert, the last link works.
    subscribe(client, "instrument=garantie", email="autre@exemple.re")
    first = link_path(sent_email(to="autre@exemple.re"), CONFIRM)
    subscribe(client, "instrument=garantie", email="autre@exemple.re")
    second = link_path(sent_email(to="autre@exemple.re"), CONFIRM)
    assert ToolAlert.objects.filter(email="autre@exemple.re").count() == 1
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 300, "%00"])
def test_a_forged_confirmation_link_is_refused_with_a_french_page(client, token):
    response = client.get(f"/financer-et-acheter/alertes/confirmation/{token}/")
    assert response.status_code == 404 and "Ce lien n'est pas valable" in response.content.decode()
    assert client.post(f"/financer-et-acheter/alertes/confirmation/{token}/").status_code == 404


def test_the_confirmation_link_expires_and_the_unconfirmed_alert_is_then_purged(client, settings):
    subscribe(client)
    link = link_path(sent_email(kind="experimentations/alerte_confirmation"), CONFIRM)
    almost = timezone.now() - timedelta(days=settings.ALERT_CONFIRM_DAYS) + timedelta(minutes=1)
    ToolAlert.objects.update(consent_at=almost)
    assert alerts.purge_unconfirmed_alerts() == 0
    assert client.get(link).status_code == 200
    ToolAlert.objects.update(consent_at=almost - timedelta(minutes=2))
    response = client.post(link)
    assert response.status_code == 404 and "Ce lien n'est pas valable" in response.content.decode()
    assert ToolAlert.objects.get().confirmed_at is None
    confirmed = make_alert("ancienne@exemple.re")
    ToolAlert.objects.filter(pk=confirmed.pk).update(consent_at=timezone.now() - timedelta(days=400))
    assert alerts.purge_unconfirmed_alerts() == 1
    assert list(ToolAlert.objects.values_list("email", flat=True)) == ["ancienne@exemple.re"]


# --- Unsubscribing ----------------------------------------------------------------------


def test_one_click_unsubscribe_from_every_email_erases_the_address(client):
    alert = make_alert(watermark_ago=timedelta(days=8))
    make_tool(published_ago=timedelta(days=1))
    assert alerts.send_digests() == 1
    message = sent_email(kind="experimentations/alerte_nouveautes")
    assert "List-Unsubscribe" in message.extra_headers
    link = link_path(message, UNSUBSCRIBE)
    assert link in message.extra_headers["List-Unsubscribe"]
    page = client.get(link)
    assert page.status_code == 200 and "Arrêter l'alerte" in page.content.decode()
    # RFC 8058: the mail program posts without a form (no CSRF token).
    response = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "C'est fait" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and "lectrice" not in alert.email
    assert "est arrêtée" in client.get(link).content.decode()
    # Nothing more: no digest, no reminder.
    make_tool(published_ago=timedelta(minutes=1))
    ToolAlert.objects.update(watermark=timezone.now() - timedelta(days=30))
    assert alerts.send_digests() == 0 and alerts.send_deadline_reminders() == 0


def test_a_forged_unsubscribe_link_is_refused(client):
    response = client.post("/financer-et-acheter/alertes/desinscription/forged-token/")
    assert response.status_code == 404 and "Ce lien n'est pas valable" in response.content.decode()


def test_an_email_still_in_the_outbox_after_unsubscribing_is_not_sent(client):
    alert = make_alert(watermark_ago=timedelta(days=8))
    make_tool(published_ago=timedelta(days=1))
    alerts.send_digests()
    alerts.unsubscribe_alert(alert=alert)
    email = OutgoingEmail.objects.get(kind="experimentations/alerte_nouveautes")
    from messagerie.services import deliver_email

    assert deliver_email(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and not mail.outbox


# --- Digests ----------------------------------------------------------------------------


def test_a_digest_sends_the_new_published_tools_once():
    alert = make_alert(frequency="quotidienne", watermark_ago=timedelta(days=1, minutes=1))
    new = make_tool(name="Garantie France Active", published_ago=timedelta(hours=3))
    make_tool(name="Trop ancien", published_ago=timedelta(days=3))
    make_tool(name="Brouillon", status="brouillon")
    make_tool(name="Archivé", status="archive", published_ago=timedelta(hours=2))
    make_tool(name="Budget épuisé", budget_exhausted=True, published_ago=timedelta(hours=2))
    make_call(name="Appel clos", closes_in=timedelta(hours=-1), published_ago=timedelta(hours=2))
    assert alerts.send_digests() == 1
    assert list(AlertDelivery.objects.values_list("tool", "kind")) == [(new.pk, "nouveau")]
    message = deliver(OutgoingEmail.objects.get(kind="experimentations/alerte_nouveautes"))
    assert message.subject.startswith("1 nouveauté")
    assert "Garantie France Active" in message.body and "Trop ancien" not in message.body
    assert f"/outils/{new.slug}/" in message.body
    alert.refresh_from_db()
    assert alert.last_sent_at is not None
    # Again and again (beat, a retry): nothing more.
    assert alerts.send_digests() == 0
    ToolAlert.objects.update(watermark=timezone.now() - timedelta(days=2))
    assert alerts.send_digests() == 0, "a tool already sent is never sent again"
    assert OutgoingEmail.objects.filter(kind="experimentations/alerte_nouveautes").count() == 1


def test_daily_and_weekly_alerts_are_due_on_their_own_rhythm():
    make_tool(published_ago=timedelta(minutes=30))
    daily = make_alert("jour@exemple.re", frequency="quotidienne", watermark_ago=timedelta(hours=23))
    weekly = make_alert("semaine@exemple.re", frequency="hebdomadaire", watermark_ago=timedelta(days=3))
    assert alerts.send_digests() == 1  # the daily one (within the slack of a day)
    assert AlertDelivery.objects.filter(alert=daily).count() == 1
    assert not AlertDelivery.objects.filter(alert=weekly).exists()
    ToolAlert.objects.filter(pk=weekly.pk).update(watermark=timezone.now() - timedelta(days=7))
    assert alerts.send_digests() == 1
    assert AlertDelivery.objects.filter(alert=weekly).count() == 1


def test_a_tool_published_just_before_the_watermark_is_still_caught_once():
    """A tool whose publishing transaction committed after a digest looked is caught by the
    next one (the overlap), and the delivery rows keep it from being sent twice."""
    alert = make_alert(frequency="quotidienne", watermark_ago=timedelta(days=1))
    late = make_tool(published_ago=timedelta(days=1, minutes=10))
    assert alerts.send_digests() == 1
    assert list(AlertDelivery.objects.filter(alert=alert).values_list("tool", flat=True)) == [late.pk]


def test_a_digest_is_capped_and_points_to_the_whole_search(settings):
    settings.ALERT_DIGEST_MAX_TOOLS = 2
    make_alert(watermark_ago=timedelta(days=7))
    for _ in range(3):
        make_tool(published_ago=timedelta(hours=1))
    alerts.send_digests()
    message = sent_email(kind="experimentations/alerte_nouveautes")
    assert AlertDelivery.objects.count() == 2 and "D'autres nouveautés" in message.body


def test_a_digest_follows_the_saved_search(settings):
    """With the search of branch « outils » (experimentations/search.py): only matching tools."""
    make_alert(query="instrument=garantie", watermark_ago=timedelta(days=7))
    guarantee = make_tool(instrument="garantie")
    make_tool(instrument="pret_honneur")
    alerts.send_digests()
    assert list(AlertDelivery.objects.values_list("tool", flat=True)) == [guarantee.pk]


def test_the_sweeps_do_a_constant_number_of_queries():
    def sweep_queries() -> tuple[int, int]:
        ToolAlert.objects.update(watermark=timezone.now() - timedelta(days=8))
        AlertDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as digests:
            alerts.send_digests()
        AlertDelivery.objects.exclude(kind="nouveau").delete()
        with CaptureQueriesContext(connection) as reminders:
            alerts.send_deadline_reminders()
        return len(digests), len(reminders)

    make_alert("a@exemple.re")
    make_call(closes_in=timedelta(days=20))
    one = sweep_queries()
    for n in range(4):
        make_call(closes_in=timedelta(days=20 + n))
    four_tools = sweep_queries()
    # Per alert, per email: a fixed number (the tools of one digest do not add any).
    assert four_tools[0] == one[0]
    per_reminder = (four_tools[1] - one[1]) / 4
    assert per_reminder == int(per_reminder) and per_reminder <= 6


# --- Deadline reminders -------------------------------------------------------------------


def test_reminders_30_and_7_days_before_a_followed_calls_deadline_once_each():
    # At noon in Réunion, whatever the hour the test runs: « 33 days and an hour later » stays
    # 7 Réunion calendar days before a deadline at noon.
    now = datetime(2030, 3, 1, 12, 0, tzinfo=REUNION)
    call = make_call(closes_at=now + timedelta(days=40))
    alert = make_alert(tool=call)
    assert alerts.send_deadline_reminders(now=now) == 0
    assert alerts.send_deadline_reminders(now=now + timedelta(days=10, hours=1)) == 1
    assert alerts.send_deadline_reminders(now=now + timedelta(days=11)) == 0
    assert alerts.send_deadline_reminders(now=now + timedelta(days=33, hours=1)) == 1
    assert alerts.send_deadline_reminders(now=now + timedelta(days=35)) == 0
    assert kinds(alert=alert) == ["j30", "j7"]
    assert alerts.send_deadline_reminders(now=now + timedelta(days=41)) == 0, "none after the deadline"
    message = sent_email(kind="experimentations/alerte_rappel")
    assert message.subject.startswith("Plus que 7 jours") and call.name in message.body
    assert link_path(message, UNSUBSCRIBE)


def test_a_call_followed_within_7_days_gets_only_the_7_day_reminder():
    call = make_call(closes_in=timedelta(days=5))
    make_alert(tool=call)
    assert alerts.send_deadline_reminders() == 1
    assert kinds() == ["j7"]


def test_reminders_count_reunion_calendar_days_around_midnight():
    """A call closing on 10 December at 00:30 (Réunion): the 7-day reminder is due from the
    first minute of 3 December in Réunion, i.e. 20:00 UTC on 2 December."""
    closes_at = datetime(2030, 12, 10, 0, 30, tzinfo=REUNION)
    call = make_call(closes_at=closes_at)
    make_alert(tool=call)
    before = datetime(2030, 12, 2, 23, 59, tzinfo=REUNION)
    after = datetime(2030, 12, 3, 0, 1, tzinfo=REUNION)
    assert alerts.reminder_due(closes_at, now=before) == "j30"
    assert alerts.reminder_due(closes_at, now=after) == "j7"
    assert alerts.send_deadline_reminders(now=before) == 1 and kinds() == ["j30"]
    assert alerts.send_deadline_reminders(now=after) == 1 and kinds() == ["j30", "j7"]
    # The last minute before the deadline still counts; the deadline itself does not.
    late_call = make_call(closes_at=datetime(2030, 12, 3, 23, 59, tzinfo=REUNION))
    assert alerts.reminder_due(late_call.closes_at, now=datetime(2030, 12, 3, 23, 58, tzinfo=REUNION)) == "j7"
    assert alerts.reminder_due(late_call.closes_at, now=datetime(2030, 12, 3, 23, 59, tzinfo=REUNION)) is None


def test_no_reminder_for_an_archived_call_or_an_exhausted_budget():
    archived = make_call(closes_in=timedelta(days=6), status="archive")
    exhausted = make_call(closes_in=timedelta(days=6), budget_exhausted=True)
    make_alert("a@exemple.re", tool=archived)
    make_alert("b@exemple.re", tool=exhausted)
    assert alerts.send_deadline_reminders() == 0 and not AlertDelivery.objects.exists()


def test_a_call_sent_in_a_digest_is_followed_by_the_alert():
    alert = make_alert(watermark_ago=timedelta(days=7))
    call = make_call(closes_in=timedelta(days=25), published_ago=timedelta(hours=1))
    assert alerts.send_digests() == 1
    assert alerts.send_deadline_reminders() == 1
    assert kinds(alert=alert, tool=call) == ["nouveau", "j30"]
    unconfirmed = make_alert("pas-confirmee@exemple.re", tool=call, confirmed=False)
    assert alerts.send_deadline_reminders() == 0 and not kinds(alert=unconfirmed)


# --- Following one call -------------------------------------------------------------------


def test_following_one_call_asks_no_frequency_and_sends_reminders_only(client):
    call = make_call(name="Appel Innovation sociale 2030", closes_in=timedelta(days=45))
    page = client.get(f"{NEW}?outil={call.slug}").content.decode()
    assert "Suivre un appel à projets" in page and call.name in page and 'name="frequency"' not in page
    response = client.post(f"{NEW}?outil={call.slug}", {"email": "porteur@exemple.re", "consent": "on"})
    assert response.status_code == 200
    alert = ToolAlert.objects.get()
    assert alert.tool == call and alert.query == "" and call.name in alert.label
    alerts.confirm_alert(alert=alert)
    ToolAlert.objects.update(watermark=timezone.now() - timedelta(days=30))
    make_tool(published_ago=timedelta(hours=1))
    assert alerts.send_digests() == 0, "a followed call gets no digest"


@pytest.mark.parametrize(
    "query",
    ["outil=inconnu", "outil=" + "x" * 500, "instrument=fusee", "commune=12345", "amount=-3", "q=" + "a" * 1200],
)
def test_a_bad_search_or_call_is_refused_with_a_french_message(client, query):
    response = client.get(f"{NEW}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cette alerte ne peut pas être créée" in page
    assert client.post(f"{NEW}?{query}", {"email": "a@exemple.re", "consent": "on"}).status_code == 400
    assert not ToolAlert.objects.exists()


def test_a_closed_or_archived_call_cannot_be_followed(client):
    closed = make_call(closes_in=timedelta(minutes=-1))
    archived = make_call(closes_in=timedelta(days=9), status="archive")
    for call in (closed, archived):
        assert client.get(f"{NEW}?outil={call.slug}").status_code == 400


def test_the_form_refuses_missing_consent_bad_email_and_robots(client):
    page = subscribe(client, email="pas-une-adresse", consent="")
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert "Cette adresse électronique n'est pas valable" in text and "Votre accord est nécessaire" in text
    robot = subscribe(client, website_url="http://spam.example")
    assert robot.status_code == 400 and "rempli automatiquement" in robot.content.decode()
    assert not ToolAlert.objects.exists()


def test_subscriptions_are_rate_limited(client, settings):
    settings.ALERT_SUBSCRIPTIONS_PER_HOUR = 2
    for n in range(2):
        assert subscribe(client, email=f"n{n}@exemple.re").status_code == 200
    response = subscribe(client, email="n9@exemple.re")
    assert response.status_code == 429 and "Trop d'envois" in html.unescape(response.content.decode())
    assert ToolAlert.objects.count() == 2


# --- Admin ----------------------------------------------------------------------------------


def test_partenariats_see_a_read_only_list_without_the_token(client):
    call = make_call(closes_in=timedelta(days=5))
    alert = make_alert(tool=call)
    alerts.send_deadline_reminders()
    login_verified(client, StaffFactory(role="Partenariats"))
    changelist = client.get(reverse("admin:experimentations_toolalert_changelist"))
    page = changelist.content.decode()
    assert changelist.status_code == 200 and "lectrice@exemple.re" in page and "confirmée" in page
    assert alert.token_hash not in page
    change = client.get(reverse("admin:experimentations_toolalert_change", args=[alert.pk])).content.decode()
    assert alert.token_hash not in change and "Clôture dans 7 jours" in change
    assert client.post(reverse("admin:experimentations_toolalert_delete", args=[alert.pk])).status_code == 403
    assert client.get(reverse("admin:experimentations_toolalert_add")).status_code == 403


def test_the_admin_list_does_a_constant_number_of_queries(client):
    login_verified(client, StaffFactory(role="Partenariats"))
    url = reverse("admin:experimentations_toolalert_changelist")
    make_alert("a@exemple.re", tool=make_call(closes_in=timedelta(days=3)))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(5):
        make_alert(f"n{n}@exemple.re", tool=make_call(closes_in=timedelta(days=3)))
    alerts.send_deadline_reminders()
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)


def test_the_sweeps_are_in_the_beat_schedule():
    from cress.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "experimentations.tasks_alerts.send_alert_digests",
        "experimentations.tasks_alerts.send_alert_reminders",
        "experimentations.tasks_alerts.purge_unconfirmed_alerts",
    } <= tasks
