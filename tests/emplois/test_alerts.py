"""Job alerts: the saved search of the offers' list, double opt-in, one-click unsubscribe,
digests of the new matching offers sent once each (emplois/alerts.py, alert_matching.py)."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cress.celery import app as celery_app
from emplois import alerts
from emplois.alert_matching import URL_NAMES, OfferIndex, load_new_offers, match_batch, parse_query, read_search
from emplois.models import JobAlert, JobAlertDelivery, Offer
from emplois.search import PARAMETERS, OfferFilters
from messagerie.models import OutgoingEmail
from referentiels.models import LegalForm
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_job_alert, make_offer
from tests.helpers.mail import deliver, link_path, sent_email

pytestmark = pytest.mark.django_db

NEW = "/emplois/alertes/nouvelle/"
CONFIRM = r"/emplois/alertes/confirmation/[^/\s]+/"
UNSUBSCRIBE = r"/emplois/alertes/desinscription/[^/\s]+/"
DIGEST = "emplois/alerte_nouveautes"


def subscribe(client, query="", email="lectrice@exemple.re", **extra):
    data = {"email": email, "frequency": "quotidienne", "consent": "on", **extra}
    return client.post(f"{NEW}?{query}" if query else NEW, data)


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- The saved search ------------------------------------------------------------------------


def test_the_search_is_normalised_unknown_parameters_left_out():
    search = read_search("page=3&contrat=cdd&q=++aide   à domicile&tri=date&contrat=cdi&commune=97411&depuis=7")
    assert search.errors == ()
    assert search.querystring == "q=aide+%C3%A0+domicile&contrat=cdd&contrat=cdi&commune=97411"
    assert search.label == "Offres « aide à domicile » : CDD ou CDI, à Saint-Denis"
    assert read_search("commune=97411&contrat=cdi&contrat=cdd&q=aide à domicile").querystring == search.querystring
    assert read_search("").label == "Toutes les offres"
    assert read_search("nature=benevolat&metier=k&epci=cinor").errors == ()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("contrat=cdx", "Le contrat « cdx » n'existe pas"),
        ("nature=stage", "La nature d'offre « stage » n'existe pas"),
        ("commune=75056", "La commune « 75056 » n'existe pas"),
        ("commune=97499", "La commune « 97499 » n'existe pas"),
        ("metier=Z", "Le domaine de métiers « Z » n'existe pas"),
        ("metier_ess=astronaute", "Le métier de l'ESS « astronaute » n'existe pas"),
        ("metier_ess=Aide+%C3%A0", "Le métier de l'ESS « Aide à » n'existe pas"),
        ("epci=nulle-part", "L'intercommunalité « nulle-part » n'existe pas"),
        ("famille=club", "La famille de l'ESS « club » n'existe pas"),
        ("q=" + "a" * 201, "Les mots-clés tiennent en 200 caractères au plus."),
        ("q=%00", "Les mots-clés contiennent des caractères non valables."),
        ("q=" + "a" * 1001, "Cette recherche est trop longue"),
    ],
)
def test_a_bad_search_is_refused_with_a_french_message(client, query, message):
    assert any(error.startswith(message) for error in read_search(query).errors)
    response = client.get(f"{NEW}?{query}")
    assert response.status_code == 400 and message in text(response)
    assert subscribe(client, query).status_code == 400
    assert not JobAlert.objects.exists()


def test_a_search_of_the_metiers_de_l_ess_matches_the_offers_of_their_fiches():
    search = read_search("metier_ess=animation-socioculturelle&metier_ess=aide-et-soin-a-domicile&contrat=cdi")
    assert search.errors == ()
    assert search.querystring == "contrat=cdi&metier_ess=aide-et-soin-a-domicile&metier_ess=animation-socioculturelle"
    assert search.label == ("Offres : CDI, métier aide et soin à domicile ou animation socioculturelle et de loisirs")
    alert = make_job_alert(query=search.querystring)
    home_help = make_offer("Aide à domicile", rome_code="K1302", published_ago=timedelta(hours=3))
    make_offer("Webmestre", rome_code="M1805", published_ago=timedelta(hours=3))
    make_offer("Animateur en CDD", rome_code="G1203", contract="cdd", published_ago=timedelta(hours=3))
    assert alerts.send_digests() == 1
    assert list(JobAlertDelivery.objects.filter(alert=alert).values_list("offer_id", flat=True)) == [home_help.pk]


def test_the_parser_reads_no_database():
    with CaptureQueriesContext(connection) as queries:
        criteria, errors = parse_query("q=animateur&contrat=cdi&commune=97411&epci=cinor&metier=K")
    assert len(queries) == 0 and errors == []
    assert criteria.contract == {"cdi"} and criteria.q == "animateur"


@pytest.mark.parametrize(
    "query",
    [
        "contrat=cdd",
        "nature=benevolat",
        "q=animateurs",
        "commune=97415",
        "epci=cinor",
        "metier=G",
        "metier_ess=aide-et-soin-a-domicile",
        "famille=cooperative",
        "q=aide&contrat=cdi&commune=97411",
    ],
)
def test_an_alert_reads_the_filters_of_the_list_as_the_list_does(query):
    """A search of one value per filter: the alert matches the offers the list shows."""
    assert set(URL_NAMES.values()) <= set(PARAMETERS)
    coop = OrganisationFactory(is_ess_actor=True, legal_form=LegalForm.objects.get(code="5458"))  # a SCOP
    make_offer("Aide à domicile")
    make_offer("Animateur en CDD", rome_code="G1203", contract="cdd", commune_code="97415")
    make_offer("Aide aux devoirs, bénévole", contract="benevolat", organisation=coop, commune_code="97415")
    make_offer("Webmestre", rome_code="M1805", contract="cdd", commune_code=None, remote="total")
    now = timezone.now()
    listed = set(OfferFilters(dict(parse_qsl(query))).matches(now).values_list("pk", flat=True))
    index = OfferIndex(load_new_offers(since=now - timedelta(days=1), now=now))
    assert set(match_batch([(1, read_search(query).querystring)], index)[1]) == listed
    assert 0 < len(listed) < 4


# --- Subscribing and the double opt-in --------------------------------------------------------


def test_the_page_says_the_search_in_words_and_asks_email_frequency_and_consent(client):
    page = text(client.get(NEW + "?contrat=cdi&commune=97411"))
    assert "Votre recherche" in page and "Offres : CDI, à Saint-Denis" in page
    for name in ("email", "frequency", "consent", "website_url"):
        assert f'name="{name}"' in page


def test_double_opt_in_then_confirm_on_the_button_of_the_emailed_link(client):
    response = subscribe(client, "contrat=cdi")
    assert response.status_code == 200 and "Vérifiez votre messagerie" in text(response)
    alert = JobAlert.objects.get()
    assert alert.confirmed_at is None and alert.query == "contrat=cdi" and alert.frequency == "quotidienne"
    assert "offres d'emploi et de bénévolat" in alert.consent_text and alert.consent_at is not None
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["emplois/alerte_confirmation"]
    message = sent_email(kind="emplois/alerte_confirmation")
    assert message.to == ["lectrice@exemple.re"] and "Offres : CDI" in message.body
    assert re.fullmatch(r"<https?://[^/]+" + UNSUBSCRIBE + ">", message.extra_headers["List-Unsubscribe"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = link_path(message, CONFIRM)
    token = link.rstrip("/").split("/")[-1]
    assert token not in alert.token_hash and token not in str(OutgoingEmail.objects.values().get())
    assert client.get(link).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is None  # opening is not confirming (mail scanners)
    done = client.post(link)
    assert done.status_code == 200 and "Alerte confirmée" in text(done)
    alert.refresh_from_db()
    assert alert.confirmed_at is not None and alert.watermark == alert.confirmed_at


def test_nothing_but_the_confirmation_before_it_is_confirmed(client):
    subscribe(client)
    JobAlert.objects.update(watermark=timezone.now() - timedelta(days=3))
    make_offer(published_ago=timedelta(minutes=5))
    assert alerts.send_digests() == 0
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["emplois/alerte_confirmation"]


def test_the_same_answer_whatever_the_address_already_receives(client):
    make_job_alert("lectrice@exemple.re", query="")
    response = subscribe(client, email="Lectrice@Exemple.re")
    assert response.status_code == 200 and "Vérifiez votre messagerie" in text(response)
    assert JobAlert.objects.count() == 1 and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse"}, "Cette adresse électronique n'est pas valable"),
        ({"email": ""}, "Indiquez l'adresse où recevoir les alertes."),
        ({"consent": ""}, "Votre accord est nécessaire"),
        ({"frequency": "horaire"}, "Choisissez « chaque jour » ou « chaque semaine »."),
    ],
)
def test_bad_form_input_gets_a_french_message(client, data, message):
    response = subscribe(client, **data)
    assert response.status_code == 400 and message in text(response)
    assert not JobAlert.objects.exists()


def test_the_honeypot_refuses_robots(client):
    response = subscribe(client, website_url="http://spam.example")
    assert response.status_code == 400 and "rempli automatiquement" in text(response)
    assert not JobAlert.objects.exists() and not OutgoingEmail.objects.exists()


def test_subscriptions_are_rate_limited(client, settings):
    settings.ALERT_SUBSCRIPTIONS_PER_HOUR = 2
    for number in range(2):
        assert subscribe(client, email=f"p{number}@exemple.re").status_code == 200
    response = subscribe(client, email="p3@exemple.re")
    assert response.status_code == 429 and "Trop d'envois" in text(response)
    assert JobAlert.objects.count() == 2


# --- The links -------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 300])
def test_a_forged_link_is_refused_with_a_french_page(client, token):
    for page in (f"/emplois/alertes/confirmation/{token}/", f"/emplois/alertes/desinscription/{token}/"):
        for response in (client.get(page), client.post(page)):
            assert response.status_code == 404 and "Ce lien n'est pas valable" in text(response)


def test_the_confirmation_link_expires_and_the_unconfirmed_alert_is_purged(client, settings):
    subscribe(client)
    link = link_path(sent_email(kind="emplois/alerte_confirmation"), CONFIRM)
    almost = timezone.now() - timedelta(days=settings.ALERT_CONFIRM_DAYS) + timedelta(minutes=1)
    JobAlert.objects.update(consent_at=almost)
    assert alerts.SUBSCRIPTIONS.purge_unconfirmed() == 0
    assert client.get(link).status_code == 200
    JobAlert.objects.update(consent_at=almost - timedelta(minutes=2))
    response = client.post(link)
    assert response.status_code == 404 and "Ce lien n'est pas valable" in text(response)
    assert alerts.SUBSCRIPTIONS.purge_unconfirmed() == 1 and not JobAlert.objects.exists()


def test_an_expired_unsubscribe_link_is_refused(client):
    alert = make_job_alert()
    make_offer(published_ago=timedelta(hours=1))
    alerts.send_digests()
    link = link_path(sent_email(kind=DIGEST), UNSUBSCRIBE)
    from messagerie.models import PrivateLink

    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link)
    assert response.status_code == 404 and "Ce lien n'est pas valable" in text(response)
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None


def test_one_click_unsubscribe_posts_without_csrf_and_erases_the_address():
    alert = make_job_alert("partante@exemple.re")
    make_offer(published_ago=timedelta(hours=1))
    alerts.send_digests()
    message = sent_email(kind=DIGEST)
    header = re.fullmatch(r"<https?://[^/]+(" + UNSUBSCRIBE + ")>", message.extra_headers["List-Unsubscribe"])
    assert header.group(1) == link_path(message, UNSUBSCRIBE)  # the body's link is the header's
    mail_program = Client(enforce_csrf_checks=True)
    page = mail_program.get(header.group(1))
    assert page.status_code == 200 and "Arrêter l'alerte" in text(page)
    response = mail_program.post(header.group(1), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "C'est fait" in text(response)
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and "partante" not in alert.email
    assert not JobAlert.objects.filter(email__icontains="partante").exists()
    # Nothing more reaches it.
    JobAlert.objects.update(watermark=timezone.now() - timedelta(days=8))
    make_offer(published_ago=timedelta(minutes=1))
    assert alerts.send_digests() == 0


def test_confirming_is_csrf_protected_unlike_unsubscribing(client):
    subscribe(client)
    link = link_path(sent_email(kind="emplois/alerte_confirmation"), CONFIRM)
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403


# --- Digests ---------------------------------------------------------------------------------------


def test_a_digest_sends_only_the_new_open_matching_offers_once(client):
    alert = make_job_alert(query="q=aides+a+domicile&contrat=cdi&commune=97411", label="Offres « aides à domicile »")
    wanted = make_offer("Aide à domicile de nuit", published_ago=timedelta(hours=3))
    also = make_offer("Intervenante à domicile", published_ago=timedelta(days=2))  # its description says it
    make_offer("Aide à domicile en CDD", contract="cdd", published_ago=timedelta(hours=2))
    make_offer("Aide à domicile à Saint-Pierre", commune_code="97416", published_ago=timedelta(hours=2))
    make_offer("Comptable", rome_code="M1203", description="<p>Tenue des comptes.</p>")
    make_offer("Aide à domicile pourvue", status=Offer.Status.FILLED, published_ago=timedelta(hours=2))
    make_offer("Aide à domicile expirée", status=Offer.Status.EXPIRED, published_ago=timedelta(hours=2))
    make_offer("Aide à domicile en revue", status=Offer.Status.REVIEW)
    make_offer("Aide à domicile close", closes_on=timezone.localdate() - timedelta(days=1))
    make_offer("Aide à domicile d'avant", published_ago=timedelta(days=9))  # before the watermark
    sent_before = make_offer("Aide à domicile déjà envoyée", published_ago=timedelta(hours=5))
    JobAlertDelivery.objects.create(alert=alert, offer=sent_before)

    assert alerts.send_digests() == 1
    assert set(JobAlertDelivery.objects.filter(alert=alert).values_list("offer_id", flat=True)) == {
        wanted.pk,
        also.pk,
        sent_before.pk,
    }
    message = sent_email(kind=DIGEST)
    assert message.subject.startswith("2 nouvelles offres : Offres « aides à domicile »")
    assert "Aide à domicile de nuit" in message.body and "Intervenante à domicile" in message.body
    for absent in ("CDD", "Saint-Pierre", "Comptable", "pourvue", "expirée", "revue", "close", "d'avant", "déjà"):
        assert absent not in message.body.split("Votre recherche")[0], absent
    assert f"/emplois/offres/{wanted.pk}-{wanted.slug}/" in message.body
    assert "/emplois/?q=aides+a+domicile&contrat=cdi&commune=97411" in message.body
    assert link_path(message, UNSUBSCRIBE)
    alert.refresh_from_db()
    assert alert.last_sent_at == alert.watermark
    # Run again, a day later, a week later: nothing new, nothing sent twice.
    assert alerts.send_digests() == 0
    assert alerts.send_digests(now=timezone.now() + timedelta(days=8)) == 0
    assert OutgoingEmail.objects.filter(kind=DIGEST).count() == 1


def test_daily_and_weekly_are_due_a_day_and_a_week_after_their_watermark():
    now = timezone.now()
    daily = make_job_alert("jour@exemple.re", frequency="quotidienne")
    weekly = make_job_alert("semaine@exemple.re", frequency="hebdomadaire")
    JobAlert.objects.update(watermark=now - timedelta(hours=20))
    make_offer(published_ago=timedelta(hours=10))
    assert alerts.send_digests(now=now) == 0  # nobody due yet (a day less the 2 h slack)
    assert alerts.send_digests(now=now + timedelta(hours=3)) == 1
    assert JobAlertDelivery.objects.get().alert == daily
    assert alerts.send_digests(now=now + timedelta(days=7)) == 1
    assert set(JobAlertDelivery.objects.values_list("alert__email", flat=True)) == {daily.email, weekly.email}


def test_a_long_digest_keeps_to_its_limit_and_links_the_search(settings):
    settings.JOB_ALERT_DIGEST_MAX_OFFERS = 3
    make_job_alert()
    for number in range(5):
        make_offer(f"Animateur n°{number}", published_ago=timedelta(hours=number + 1))
    assert alerts.send_digests() == 1
    message = sent_email(kind=DIGEST)
    assert JobAlertDelivery.objects.count() == 3 and "D'autres nouvelles offres correspondent" in message.body


def test_an_alert_matched_but_sent_meanwhile_gives_way():
    alert = make_job_alert()
    make_offer(published_ago=timedelta(hours=1))
    now = timezone.now()
    [(batch, matches)] = list(alerts.digest_batches(now=now))
    assert alerts.send_digests(now=now) == 1
    # A second run that matched before the first committed: the watermark moved, it sends nothing.
    assert alerts.send_digest(alert_id=alert.pk, offers=matches[alert.pk], watermark=batch[0][2], now=now) == 0
    assert OutgoingEmail.objects.filter(kind=DIGEST).count() == 1


def matching_queries(alerts_count: int, *, batch_size: int = 1000) -> int:
    searches = ["q=animateur", "contrat=cdi", "q=aide+domicile&commune=97411", "epci=cinor", "nature=benevolat"]
    for number in range(alerts_count):
        make_job_alert(f"l{number}@exemple.re", query=f"{searches[number % 5]}&metier=G" * (number % 2))
    with CaptureQueriesContext(connection) as queries:
        batches = list(alerts.digest_batches(now=timezone.now(), batch_size=batch_size))
    assert sum(len(batch) for batch, _matches in batches) == alerts_count
    return len(queries)


def test_matching_takes_the_same_queries_for_10_and_30_alerts():
    make_offer("Animateur périscolaire", rome_code="G1203", published_ago=timedelta(hours=2))
    make_offer("Aide à domicile", published_ago=timedelta(hours=3))
    make_offer("Mission bénévole", contract="benevolat", published_ago=timedelta(hours=4))
    ten = matching_queries(10)
    JobAlert.objects.all().delete()
    thirty = matching_queries(30)
    # The due alerts, the new offers and the métiers de l'ESS of their fiches, then for the
    # one batch: its keywords, what it was sent.
    assert ten == thirty == 5


def test_matching_takes_one_query_per_batch_of_alerts_never_per_alert():
    make_offer("Animateur périscolaire", rome_code="G1203", published_ago=timedelta(hours=2))
    # The due alerts, the new offers and the métiers de l'ESS of their fiches; per batch what
    # it was sent, and its keywords for the first batch only (the next ones hold the same
    # keywords: matched already).
    assert matching_queries(30, batch_size=10) == 3 + 3 + 1


def test_the_digests_and_the_purge_are_declared_to_beat():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"emplois.tasks_alerts.send_job_alert_digests", "emplois.tasks_alerts.purge_unconfirmed_job_alerts"} <= tasks


def test_the_digest_message_reads_well():
    make_job_alert(query="nature=benevolat", label="Offres : missions bénévoles")
    make_offer("Bénévole pour l'épicerie solidaire", contract="benevolat", published_ago=timedelta(hours=1))
    alerts.send_digests()
    message = deliver(OutgoingEmail.objects.get(kind=DIGEST))
    assert message.subject == "1 nouvelle offre : Offres : missions bénévoles"
    assert "Une nouvelle offre correspond à votre alerte" in message.body
    assert "Bénévolat · Saint-Denis" in message.body and "Candidater avant le" in message.body
