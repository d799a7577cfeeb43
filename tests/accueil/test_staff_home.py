"""The admin home of whoever works on requests starts with the day's work (issue 18, point 5)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.models import IntakeRequest, Orientation
from accueil.orientation import answer_schedule, expiring_within, orient
from accueil.services import add_holder_information, transition_request
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def counts(page):
    panel = page[page.index("Aujourd'hui à l'accueil") : page.index("Tableau de bord complet")]
    assert "Relances dues" in panel
    return [
        (int(n), re.sub(r"<[^>]+>|\s+", " ", text).strip())
        for n, text in re.findall(r"<strong>(\d+)</strong>(.*?)</a>", panel, re.S)
    ]


def test_the_accueil_home_counts_the_days_work_and_leads_to_it(client):
    nadia = StaffFactory(role="Accueil")
    mine, _ = make_request(email="a@exemple.re")
    transition_request(intake=mine, target="qualification", by=nadia)
    add_holder_information(intake=mine, body="Voici ma réponse.", documents=[])
    make_request(email="b@exemple.re")
    old, _ = make_request(email="c@exemple.re")
    IntakeRequest.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    login_verified(client, nadia)
    page = client.get(reverse("admin:index")).content.decode()
    assert [n for n, _text in counts(page)] == [1, 1, 2, 0, 0, 1]
    assert page.index("Aujourd'hui à l'accueil") < page.index('id="content-main"')  # before the apps
    for link in re.findall(r'<section class="module staff-today".*?</section>', page, re.S)[0].split('href="')[1:7]:
        url = link.split('"')[0].replace("&amp;", "&")
        assert client.get(url).status_code == 200
    mine_list = client.get(
        reverse("admin:accueil_intakerequest_changelist")
        + "?attribuee=moi&status__in=nouvelle%2Cqualification%2Cattente_infos%2Corientee%2Csuivi"
    ).content.decode()
    assert mine.reference in mine_list and old.reference not in mine_list


def test_other_roles_keep_the_plain_home(client):
    login_verified(client, StaffFactory(role="Communication"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Aujourd'hui à l'accueil" not in page


def sent_days_ago(intake, by, days, name):
    structure = OrganisationFactory(name=name, commune=commune(), is_support_structure=True, email="s@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[structure], by=by)
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=timezone.now() - timedelta(days=days))
    return orientation


def test_the_reminders_due_count_the_orientations_by_the_daily_jobs_schedule(client, settings):
    settings.ORIENTATION_REMINDER_DAYS, settings.ORIENTATION_EXPIRY_DAYS = 7, 15
    settings.ORIENTATION_EXPIRY_WARNING_DAYS = 3
    nadia = StaffFactory(role="Accueil")
    intake, _ = make_request(email="a@exemple.re")
    transition_request(intake=intake, target="qualification", by=nadia)
    fresh = sent_days_ago(intake, nadia, 1, "Kaz Initiatives")
    reminded = sent_days_ago(intake, nadia, 8, "Ressourcerie Kaz Lontan")
    expiring = sent_days_ago(intake, nadia, 13, "Couveuse Tikaz")
    closed, _ = make_request(email="b@exemple.re")
    transition_request(intake=closed, target="qualification", by=nadia)
    sent_days_ago(closed, nadia, 13, "Incubateur du Sud")
    transition_request(intake=closed, target="cloturee", by=nadia, outcome="sans_suite")
    login_verified(client, nadia)
    page = client.get(reverse("admin:index")).content.decode()
    found = {text: n for n, text in counts(page)}
    assert found["orientations sans réponse de la structure après la date de relance"] == 2
    assert found["orientation expire d'ici 3 jours"] == 1
    changelist = reverse("admin:accueil_orientation_changelist")
    listing = client.get(changelist, {"echeance": "relance"}).content.decode()
    assert "Ressourcerie Kaz Lontan" in listing and "Couveuse Tikaz" in listing
    assert "Kaz Initiatives" not in listing and "Incubateur du Sud" not in listing
    listing = client.get(changelist, {"echeance": "expiration"}).content.decode()
    assert "Couveuse Tikaz" in listing and "Ressourcerie Kaz Lontan" not in listing
    # The count agrees with what the partner's page tells (the job's run that expires it).
    now = timezone.now()
    for orientation in (fresh, reminded, expiring):
        orientation.refresh_from_db()
        expires_soon = answer_schedule(orientation).expires_on <= now + timedelta(days=3)
        assert Orientation.objects.filter(expiring_within(now, 3), pk=orientation.pk).exists() == expires_soon


def test_the_expiry_count_matches_the_schedule_around_the_daily_run(settings):
    """Sent at any hour of the day: « expires within N days » is exactly « the job's run that
    expires it (AnswerSchedule.expires_on) comes within N days »."""
    settings.ORIENTATION_EXPIRY_DAYS = 15
    nadia = StaffFactory(role="Accueil")
    intake, _ = make_request(email="a@exemple.re")
    transition_request(intake=intake, target="qualification", by=nadia)
    orientation = sent_days_ago(intake, nadia, 0, "Kaz Initiatives")
    now = timezone.now()
    for hours in range(12 * 24, 15 * 24, 1):
        Orientation.objects.filter(pk=orientation.pk).update(sent_at=now - timedelta(hours=hours, minutes=7))
        orientation.refresh_from_db()
        expected = answer_schedule(orientation).expires_on <= now + timedelta(days=2)
        assert Orientation.objects.filter(expiring_within(now, 2), pk=orientation.pk).exists() == expected, hours


def test_the_admin_home_makes_the_same_queries_whatever_the_rows(client, django_assert_num_queries):
    nadia = StaffFactory(role="Accueil")
    login_verified(client, nadia)
    client.get(reverse("admin:index"))

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    before = queries()
    for index in range(3):
        intake, _ = make_request(email=f"p{index}@exemple.re")
        transition_request(intake=intake, target="qualification", by=nadia)
        sent_days_ago(intake, nadia, 8 + index, f"Structure {index}")
        add_holder_information(intake=intake, body="Une question ?", documents=[])
    with django_assert_num_queries(before):
        client.get(reverse("admin:index"))
