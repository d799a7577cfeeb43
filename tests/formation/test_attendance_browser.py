"""The training staff's end of session in Chromium, on a phone and on a desktop: the session's
page with its places, the attendance grid ticked for the whole session, then the certificates
sent — built by a real worker and emailed."""

import time

import pytest

from formation.models import Registration
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.formation.documents_helpers import make_registration, make_session
from tests.helpers import browser
from tests.helpers.auth import browser_login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
Status = Registration.Status


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_mark_attendance_and_send_certificates(page, live_server, celery_worker_process, smtp_sink, width):
    def look(name):
        browser.look(page, f"formation-{name}-{width}")

    staff = StaffFactory(email="formation@exemple.re", role="Formation", first_name="Lina", last_name="Maillot")
    session = make_session(length_days=2, capacity=3)
    marie = make_registration(session, first_name="Marie", last_name="Hoarau")
    paul = make_registration(session, first_name="Paul", last_name="Grondin", status=Status.REGISTERED)
    make_registration(session, first_name="Chloé", last_name="Técher")
    make_registration(session, first_name="Léa", last_name="Attente", status=Status.WAITING)
    half_days = list(session.half_days.all())
    page.set_viewport_size({"width": width, "height": 800})
    base = live_server.url
    browser_login(page, base, staff.email, PASSWORD)

    page.goto(f"{base}/gestion/formation/session/{session.pk}/change/")
    assert page.get_by_text("Places prises : 3 / 3").is_visible()
    assert page.get_by_role("link", name="Léa Attente").is_visible()  # the waiting list
    look("session")
    page.get_by_role("link", name="Relever les présences").click()
    assert page.get_by_role("table", name="Présences par demi-journée").is_visible()
    look("presences")

    for half_day in half_days:
        page.locator(f"#p-{marie.pk}-{half_day.pk}").check()
    page.locator(f"#p-{paul.pk}-{half_days[0].pk}").check()
    page.get_by_label("Évaluation des acquis de Marie Hoarau").select_option(label="Objectifs atteints")
    page.get_by_label("Évaluation des acquis de Paul Grondin").select_option(label="Objectifs partiellement atteints")
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state()
    assert page.get_by_text("Présences enregistrées : 2 personne(s) présente(s), 1 absente(s).").is_visible()
    assert page.locator(f"#p-{marie.pk}-{half_days[3].pk}").is_checked()
    look("presences-enregistrees")
    states = dict(Registration.objects.values_list("first_name", "status"))
    assert states == {"Marie": "presente", "Paul": "presente", "Chloé": "absente", "Léa": "en_attente"}

    page.get_by_role("button", name="Établir et envoyer les attestations des personnes présentes").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 attestation(s) en cours d'établissement").is_visible()
    assert page.get_by_text("Pas d'attestation pour Chloé Técher : elle n'est pas marquée présente").is_visible()
    look("attestations-envoyees")

    messages = smtp_sink.wait_for(2, timeout=60)
    assert sorted(message["to"][0] for message in messages) == [marie.email, paul.email]
    deadline = time.monotonic() + 30
    while Registration.objects.filter(certificate_number__isnull=False).count() < 2:
        assert time.monotonic() < deadline, "les attestations ne sont pas établies"
        time.sleep(0.1)
    page.reload()
    assert page.get_by_text(f"attestation n° {Registration.objects.get(pk=marie.pk).certificate_number}").is_visible()
