import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communication import newsletter
from communication.models import Delivery, NewsletterIssue, Subscriber
from messagerie.models import OutgoingEmail
from referentiels.models import Territory, TerritoryKind
from tests.communication.factories import EventFactory, NewsFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/actualites/lettre/"


def subscribe(client, email="lecteur@exemple.re", **extra):
    return client.post(SUBSCRIBE, {"email": email, "consent": "on", **extra})


def confirmation_link(email="lecteur@exemple.re") -> str:
    sent = sent_email(to=email, kind="communication/lettre_confirmation")
    return link_path(sent, r"/actualites/lettre/confirmation/[^/\s]+/")


def confirmed(email, **values) -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, consent_text="ok", consent_at=timezone.now(), **values
    )


def issue_with_content(**values) -> NewsletterIssue:
    issue = NewsletterIssue.objects.create(subject="La lettre de décembre", intro="<p>Bonjour à toutes et à tous.</p>")
    issue.news.add(NewsFactory(title="Bilan du mois solidaire"))
    issue.events.add(EventFactory(title="Forum emploi et insertion"))
    for key, value in values.items():
        setattr(issue, key, value)
    issue.save()
    return issue


def test_double_opt_in_confirms_only_on_the_signed_link(client):
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CINOR")
    response = subscribe(client, themes=["agenda"], territories=[cinor.pk])
    assert response.status_code == 200 and "Vérifiez votre messagerie" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "en_attente" and subscriber.themes == ["agenda"]
    assert list(subscriber.territories.all()) == [cinor] and "lettre d'information" in subscriber.consent_text
    link = confirmation_link()
    # Opening the link (a mail scanner does) confirms nothing; the button does.
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "en_attente"
    assert "Inscription confirmée" in client.post(link).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "confirme" and subscriber.confirmed_at
    # A forged or altered link opens nothing.
    assert client.get(link[:-6] + "abcde/").status_code == 404


def test_an_expired_confirmation_link_is_refused(client, settings):
    subscribe(client)
    link = confirmation_link()
    settings.NEWSLETTER_CONFIRM_DAYS = 0
    assert client.post(link).status_code == 404
    assert Subscriber.objects.get().status == "en_attente"


def test_subscribing_again_reveals_nothing_and_sends_nothing_to_a_confirmed_address(client):
    confirmed("deja@exemple.re")
    response = subscribe(client, email="DEJA@exemple.re")
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert not OutgoingEmail.objects.filter(to="deja@exemple.re").exists()
    assert Subscriber.objects.get().status == "confirme"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse", "consent": "on"}, "Saisissez une adresse e-mail valide"),
        ({"email": "a@exemple.re"}, "Votre accord est nécessaire"),
        ({"email": "a@exemple.re", "consent": "on", "website_url": "http://spam"}, "rempli automatiquement"),
        ({"email": "a@exemple.re", "consent": "on", "themes": ["<script>"]}, "Sélectionnez un choix valide"),
        # A form posted empty is bound all the same: each missing field says so.
        ({}, "Ce champ est obligatoire"),
    ],
)
def test_bad_subscriptions_get_a_french_message_and_save_nothing(client, data, message):
    response = client.post(SUBSCRIBE, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Subscriber.objects.exists() and not OutgoingEmail.objects.exists()


def test_subscriptions_are_rate_limited(client, settings):
    settings.NEWSLETTER_SUBSCRIPTIONS_PER_HOUR = 2
    for index in range(2):
        assert subscribe(client, email=f"x{index}@exemple.re").status_code == 200
    response = subscribe(client, email="x9@exemple.re")
    assert response.status_code == 429 and "Trop d&#x27;envois" in response.content.decode()
    assert Subscriber.objects.count() == 2


def test_each_message_carries_a_one_click_unsubscribe(settings):
    subscriber = confirmed("lecteur@exemple.re")
    issue = issue_with_content()
    assert newsletter.start_sending(issue) == 1
    assert newsletter.send_batch(issue.pk)["sent"] == 1
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    html = message.alternatives[0].content
    assert (
        url in html
        and url in message.body
        and "Bilan du mois solidaire" in html
        and "Forum emploi et insertion" in html
    )
    # A mail program's one-click POST: no CSRF token, no cookie (RFC 8058).
    path = "/" + url.split("/", 3)[3]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "desinscrit" and "lecteur" not in subscriber.email  # the address is erased
    # The link opened later just says it is done.
    assert "Vous êtes désinscrit" in strict.get(path).content.decode()


def test_a_send_reaches_each_targeted_subscriber_once_and_skips_the_unsubscribed(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    tco = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="TCO")
    civis = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CIVIS")
    everything = confirmed("tout@exemple.re")
    agenda_west = confirmed("ouest@exemple.re", themes=["agenda"])
    agenda_west.territories.add(tco)
    agenda_south = confirmed("sud@exemple.re", themes=["agenda"])
    agenda_south.territories.add(civis)
    confirmed("achats@exemple.re", themes=["achats"])
    leaving = confirmed("part@exemple.re")
    Subscriber.objects.create(email="pas-confirme@exemple.re", consent_text="ok", consent_at=timezone.now())
    issue = issue_with_content(themes=["agenda"])
    issue.territories.add(tco)
    assert newsletter.start_sending(issue) == 3  # everything, agenda_west, leaving
    newsletter.unsubscribe(leaving)
    while newsletter.send_batch(issue.pk)["remaining"]:
        pass
    assert sorted(m.to[0] for m in mail.outbox) == sorted([everything.email, agenda_west.email])
    issue.refresh_from_db()
    assert issue.status == "envoyee" and issue.sent_at
    assert newsletter.send_batch(issue.pk)["sent"] == 0 and len(mail.outbox) == 2
    with pytest.raises(newsletter.NewsletterError):
        newsletter.start_sending(issue)
    statuses = dict(issue.deliveries.values_list("subscriber__email", "status"))
    assert statuses[everything.email] == "envoye" and list(statuses.values()).count("ignore") == 1


def test_interrupted_rows_become_uncertain_and_are_not_sent_again(settings):
    settings.NEWSLETTER_CLAIM_TIMEOUT_SECONDS = 60
    for index in range(3):
        confirmed(f"r{index}@exemple.re")
    issue = issue_with_content()
    newsletter.start_sending(issue)
    interrupted = newsletter._claim(issue.pk)  # claimed, then the worker died
    Delivery.objects.filter(pk=interrupted.pk).update(claimed_at=timezone.now() - timedelta(minutes=5))
    newsletter.resume_stalled_sends()
    while newsletter.send_batch(issue.pk)["remaining"]:
        pass
    interrupted.refresh_from_db()
    assert interrupted.status == "incertain"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        {"r0@exemple.re", "r1@exemple.re", "r2@exemple.re"} - {interrupted.subscriber.email}
    )
    issue.refresh_from_db()
    assert issue.status == "envoyee"
    # Staff may choose to send those again, knowingly.
    assert newsletter.resend_uncertain(issue) == 1
    while newsletter.send_batch(issue.pk)["remaining"]:
        pass
    assert len(mail.outbox) == 3


def test_unconfirmed_subscriptions_are_purged(settings):
    settings.NEWSLETTER_PENDING_DAYS = 30
    old = Subscriber.objects.create(email="vieux@exemple.re", consent_text="ok", consent_at=timezone.now())
    Subscriber.objects.filter(pk=old.pk).update(consent_at=timezone.now() - timedelta(days=31))
    # Asked again on day 29: the new link is good for its whole week.
    again = Subscriber.objects.create(email="relance@exemple.re", consent_text="ok", consent_at=timezone.now())
    Subscriber.objects.filter(pk=again.pk).update(created_at=timezone.now() - timedelta(days=29))
    Subscriber.objects.create(email="recent@exemple.re", consent_text="ok", consent_at=timezone.now())
    confirmed_old = confirmed("fidele@exemple.re")
    Subscriber.objects.filter(pk=confirmed_old.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert newsletter.purge_unconfirmed() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "recent@exemple.re", "fidele@exemple.re", "relance@exemple.re",
    }  # fmt: skip


def test_staff_compose_preview_test_and_send_an_issue_in_the_admin(client):
    staff = StaffFactory(role="Communication", email="com@exemple.re")
    login_verified(client, staff)
    recent = NewsFactory(title="Récente")
    NewsFactory(title="Trop ancienne", publish_at=timezone.now() - timedelta(days=60))
    coming = EventFactory(title="Bientôt")
    add = client.get(reverse("admin:communication_newsletterissue_add")).content.decode()
    assert re.search(rf'<option value="{recent.pk}" selected>', add)
    assert re.search(rf'<option value="{coming.pk}" selected>', add)
    response = client.post(
        reverse("admin:communication_newsletterissue_add"),
        {
            "subject": "Lettre n°1",
            "intro": "<p>Édito<script>x()</script></p>",
            "news": [recent.pk],
            "events": [coming.pk],
        },
    )
    assert response.status_code == 302
    issue = NewsletterIssue.objects.get()
    assert "<script" not in issue.intro and issue.created_by == staff
    preview = client.get(reverse("admin:communication_newsletterissue_preview", args=[issue.pk]))
    assert "Récente" in preview.content.decode() and "Bientôt" in preview.content.decode()
    client.post(reverse("admin:communication_newsletterissue_test", args=[issue.pk]))
    test_copy = OutgoingEmail.objects.get(to="com@exemple.re")
    assert test_copy.subject == "[Essai] Lettre n°1" and "Récente" in test_copy.body_html
    confirmed("abonne@exemple.re")
    assert (
        "1</strong> abonné"
        in client.get(reverse("admin:communication_newsletterissue_send", args=[issue.pk])).content.decode()
    )
    client.post(reverse("admin:communication_newsletterissue_send", args=[issue.pk]))
    issue.refresh_from_db()
    assert issue.status in {"envoi", "envoyee"} and issue.deliveries.count() == 1
    # Other roles cannot send.
    login_verified(client, StaffFactory(role="Formation"))
    assert client.post(reverse("admin:communication_newsletterissue_send", args=[issue.pk])).status_code == 403


@pytest.fixture
def flaky_mail(settings):
    from tests.helpers import mail_backends

    settings.MAILERS = {"default": {"BACKEND": "tests.helpers.mail_backends.FlakyBackend"}}
    mail_backends.SPECIAL.clear()
    yield mail_backends.SPECIAL
    mail_backends.SPECIAL.clear()


def send_all(issue):
    while newsletter.send_batch(issue.pk)["remaining"]:
        pass


def test_a_lost_answer_after_delivery_is_never_sent_again(flaky_mail):
    for index in range(3):
        confirmed(f"r{index}@exemple.re")
    flaky_mail["r0@exemple.re"] = "accepted-then-timeout"
    issue = issue_with_content()
    newsletter.start_sending(issue)
    send_all(issue)
    assert sorted(m.to[0] for m in mail.outbox) == ["r0@exemple.re", "r1@exemple.re", "r2@exemple.re"]
    row = Delivery.objects.get(subscriber__email="r0@exemple.re")
    assert row.status == "incertain" and "r0@" not in row.error
    newsletter.resume_stalled_sends()
    send_all(issue)
    assert len(mail.outbox) == 3


def test_a_dropped_connection_stops_the_batch_instead_of_failing_everyone(flaky_mail):
    for index in range(4):
        confirmed(f"r{index}@exemple.re")
    flaky_mail["r0@exemple.re"] = "disconnect"
    issue = issue_with_content()
    newsletter.start_sending(issue)
    result = newsletter.send_batch(issue.pk)
    assert result == {"sent": 0, "failed": 1, "remaining": True}
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {
        "r0@exemple.re": "incertain", "r1@exemple.re": "a_envoyer", "r2@exemple.re": "a_envoyer",
        "r3@exemple.re": "a_envoyer",
    }  # fmt: skip
    send_all(issue)  # the next batch, on a new connection
    assert sorted(m.to[0] for m in mail.outbox) == ["r1@exemple.re", "r2@exemple.re", "r3@exemple.re"]


def test_refusals_are_retried_later_or_failed_without_keeping_the_address(flaky_mail, settings):
    settings.NEWSLETTER_RETRY_MINUTES = 10
    confirmed("busy@exemple.re")
    leaving = confirmed("unknown@exemple.re")
    confirmed("fine@exemple.re")
    flaky_mail.update({"busy@exemple.re": "busy", "unknown@exemple.re": "unknown"})
    issue = issue_with_content()
    newsletter.start_sending(issue)
    send_all(issue)
    rows = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert rows["fine@exemple.re"].status == "envoye"
    assert rows["unknown@exemple.re"].status == "echec" and "(550)" in rows["unknown@exemple.re"].error
    busy = rows["busy@exemple.re"]
    assert busy.status == "a_envoyer" and busy.next_attempt_at > timezone.now() + timedelta(minutes=9)
    issue.refresh_from_db()
    assert issue.status == "envoi", "still a recipient to try again"
    assert newsletter.resume_stalled_sends() == 0, "nothing to send before the retry time"
    del flaky_mail["busy@exemple.re"]
    Delivery.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    send_all(issue)
    issue.refresh_from_db()
    assert issue.status == "envoyee" and "busy@exemple.re" in [m.to[0] for m in mail.outbox]
    assert not any("@" in error for error in Delivery.objects.values_list("error", flat=True))
    newsletter.unsubscribe(leaving)
    assert Delivery.objects.get(subscriber=leaving).error == ""


def test_the_periodic_resume_does_not_start_a_second_chain_beside_a_live_one(monkeypatch):
    for index in range(3):
        confirmed(f"r{index}@exemple.re")
    issue = issue_with_content()
    newsletter.start_sending(issue)
    enqueued = []
    monkeypatch.setattr(newsletter, "_enqueue_batch", enqueued.append)
    newsletter.send_batch(issue.pk, size=1)  # a chain at work: a claim just now
    assert newsletter.resume_stalled_sends() == 0 and enqueued == []
    Delivery.objects.update(claimed_at=timezone.now() - timedelta(hours=1))  # the chain died long ago
    assert newsletter.resume_stalled_sends() == 1 and enqueued == [issue.pk]


def test_the_plain_text_version_has_no_html_entities(settings):
    confirmed("lecteur@exemple.re")
    issue = issue_with_content()
    issue.intro = "<p>Emploi &amp; formation : la lettre arrive&nbsp;!</p>"
    issue.save()
    newsletter.start_sending(issue)
    newsletter.send_batch(issue.pk)
    assert "Emploi & formation : la lettre arrive !" in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body and "&nbsp;" not in mail.outbox[0].body


def test_a_test_copy_for_an_account_without_email_says_so(client):
    login_verified(client, StaffFactory(role="Communication", email=""))
    issue = issue_with_content()
    response = client.post(reverse("admin:communication_newsletterissue_test", args=[issue.pk]), follow=True)
    assert response.status_code == 200 and "pas d&#x27;adresse électronique" in response.content.decode()
    assert not OutgoingEmail.objects.exists()
