"""The staff's pages of a session: places and waiting list, half-days kept in step with the
dates, the attendance grid, the registration buttons and their log, the list's exports."""

import csv
import io
import re
import zipfile
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from formation.models import Attendance, Registration, RegistrationTransition
from tests.comptes.factories import StaffFactory
from tests.formation.documents_helpers import make_registration, make_session, make_training
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def staff(client):
    login_verified(client, StaffFactory(role="Formation"))
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def grid_url(session):
    return reverse("admin:formation_registration_attendance", args=[session.pk])


def queries(client, url) -> int:
    client.get(url)  # the first request of a login writes its session: not the page's own
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_session_page_shows_places_the_waiting_list_in_order_and_the_offers(staff):
    session = make_session(capacity=3, days_ago=-10)
    make_registration(session, first_name="Ana", last_name="Payet")
    make_registration(session, first_name="Bruno", last_name="Hoarau", status=Status.REGISTERED)
    make_registration(session, first_name="Chloé", last_name="Offre", status=Status.OFFERED)
    make_registration(session, first_name="Second", last_name="Attente", status=Status.WAITING)
    first = make_registration(session, first_name="Premier", last_name="Attente", status=Status.WAITING)
    Registration.objects.filter(pk=first.pk).update(waiting_since=timezone.now() - timedelta(hours=2))
    make_registration(session, first_name="Dan", last_name="Annule", status=Status.CANCELLED)

    html = staff.get(reverse("admin:formation_session_change", args=[session.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Places prises : 3 / 3 (dont 1 proposée en attente de réponse)" in text
    assert "Places libres : 0" in text and "Liste d'attente : 2 personnes" in text
    assert "Chloé Offre — à confirmer avant le" in text
    assert text.index("Premier Attente") < text.index("Second Attente")  # the list in its order
    assert "Dan Annule" not in text
    assert "Relever les présences" in html and "Exporter la liste (XLSX)" in html

    listing = staff.get(reverse("admin:formation_session_changelist")).content.decode()
    assert "3 / 3" in listing


def test_a_role_that_reads_sessions_but_not_trainees_sees_counts_not_names(client):
    session = make_session(capacity=3)
    make_registration(session, first_name="Premier", last_name="Attente", status=Status.WAITING)
    login_verified(client, StaffFactory(role="Communication"))
    html = client.get(reverse("admin:formation_session_change", args=[session.pk])).content.decode()
    assert "Liste d'attente : <strong>1</strong>" in html
    assert "Premier Attente" not in html and "Relever les présences" not in html
    assert client.get(grid_url(session)).status_code == 403


def test_changing_the_dates_in_the_admin_makes_the_half_days_again_and_keeps_the_attendance_that_stays(staff):
    session = make_session(length_days=1, days_ago=3)
    marie = make_registration(session)
    morning, afternoon = session.half_days.all()
    Attendance.objects.create(registration=marie, half_day=morning, present=True)
    start = timezone.localtime(session.starts_at)
    end = start.replace(hour=12)  # the afternoon is dropped
    data = {
        "training": session.training.pk, "status": "prevue", "starts_at_0": start.date().isoformat(),
        "starts_at_1": "09:00", "ends_at_0": end.date().isoformat(), "ends_at_1": "12:00",
        "trainer": session.trainer.pk, "commune": session.commune.pk, "address": session.address,
        "access_notes": "", "online_url": "", "capacity": 12, "offer_hours": 48,
        "half_days-TOTAL_FORMS": 2, "half_days-INITIAL_FORMS": 2, "half_days-MIN_NUM_FORMS": 0,
        "half_days-MAX_NUM_FORMS": 0, "half_days-0-id": morning.pk, "half_days-0-session": session.pk,
        "half_days-1-id": afternoon.pk, "half_days-1-session": session.pk,
    }  # fmt: skip
    response = staff.post(reverse("admin:formation_session_change", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(session.half_days.all()) == [morning]
    assert Attendance.objects.get().half_day == morning


def test_staff_record_attendance_for_the_whole_session_and_states_follow_through_the_workflow(staff):
    session = make_session(length_days=2)
    marie = make_registration(session, first_name="Marie", last_name="Hoarau")
    paul = make_registration(session, first_name="Paul", last_name="Grondin", status=Status.REGISTERED)
    lea = make_registration(session, first_name="Léa", last_name="Técher", status=Status.WAITING)
    half_days = list(session.half_days.all())
    page = staff.get(grid_url(session)).content.decode()
    assert f'name="p-{marie.pk}-{half_days[0].pk}"' in page and f"p-{lea.pk}-" not in page

    data = {f"p-{marie.pk}-{hd.pk}": "1" for hd in half_days[:3]} | {f"r-{marie.pk}": "atteints", f"r-{paul.pk}": ""}
    response = staff.post(grid_url(session), data)
    assert response.status_code == 302
    assert "Présences enregistrées : 1 personne(s) présente(s), 1 absente(s)." in messages_of(response)
    marie.refresh_from_db()
    paul.refresh_from_db()
    assert (marie.status, marie.assessment_result, paul.status) == (Status.PRESENT, "atteints", Status.ABSENT)
    assert Attendance.objects.filter(registration=marie, present=True).count() == 3
    assert Attendance.objects.filter(registration=paul, present=False).count() == 4
    log = RegistrationTransition.objects.get(subject=marie)
    assert (log.from_state, log.to_state, log.comment) == (Status.CONFIRMED, Status.PRESENT, "Relevé des présences")

    # A correction: Paul came on the last afternoon after all.
    staff.post(grid_url(session), data | {f"p-{paul.pk}-{half_days[3].pk}": "1"})
    paul.refresh_from_db()
    assert paul.status == Status.PRESENT
    assert list(paul.transitions.values_list("to_state", flat=True)) == [Status.ABSENT, Status.PRESENT]
    page = staff.get(grid_url(session)).content.decode()
    assert f'id="p-{paul.pk}-{half_days[3].pk}" value="1" checked' in page


def test_attendance_is_refused_before_the_session_starts_with_a_french_message(staff):
    session = make_session(days_ago=-5)
    marie = make_registration(session)
    response = staff.post(grid_url(session), {f"p-{marie.pk}-{session.half_days.first().pk}": "1"})
    assert "La session n'a pas encore commencé" in " ".join(messages_of(response))
    marie.refresh_from_db()
    assert marie.status == Status.CONFIRMED and not Attendance.objects.exists()


def test_an_unknown_assessment_result_is_refused_never_a_500(staff):
    session = make_session()
    marie = make_registration(session)
    response = staff.post(grid_url(session), {f"r-{marie.pk}": "<script>", f"p-{marie.pk}-abc": "1", "p-x": "1"})
    assert response.status_code == 302
    assert "Résultat d'évaluation inconnu pour Marie Hoarau." in messages_of(response)


def test_direction_reads_the_grid_but_cannot_record(client):
    session = make_session()
    marie = make_registration(session)
    login_verified(client, StaffFactory(role="Direction"))
    page = client.get(grid_url(session)).content.decode()
    assert "disabled" in page and "Enregistrer les présences" not in page
    assert client.post(grid_url(session), {f"p-{marie.pk}-{session.half_days.first().pk}": "1"}).status_code == 403


def test_registration_buttons_offer_the_allowed_staff_transitions_and_log_them(staff):
    session = make_session()
    paul = make_registration(session, first_name="Paul", last_name="Grondin", status=Status.REGISTERED)
    page = staff.get(reverse("admin:formation_registration_change", args=[paul.pk])).content.decode()
    for target in ("confirmee", "presente", "absente"):
        assert reverse("admin:formation_registration_transition", args=[paul.pk, target]) in page
    assert reverse("admin:formation_registration_transition", args=[paul.pk, "annulee"]) in page  # freg's service

    url = reverse("admin:formation_registration_transition", args=[paul.pk, "presente"])
    response = staff.post(url, {"comment": "Arrivé en retard"})
    assert "Paul Grondin : présente." in messages_of(response)
    paul.refresh_from_db()
    assert paul.status == Status.PRESENT
    assert Attendance.objects.filter(registration=paul, present=True).count() == session.half_days.count()
    log = paul.transitions.get()
    assert (log.from_state, log.to_state, log.comment) == (Status.REGISTERED, Status.PRESENT, "Arrivé en retard")
    page = staff.get(reverse("admin:formation_registration_change", args=[paul.pk])).content.decode()
    assert "Corriger : absente" in page and "Arrivé en retard" in page  # the next button, and the log

    # A transition the workflow does not declare is refused, in French.
    response = staff.post(reverse("admin:formation_registration_transition", args=[paul.pk, "confirmee"]))
    assert any("Transition refusée" in m for m in messages_of(response))
    # A GET changes nothing.
    assert staff.get(url).status_code == 403


def test_the_export_lists_the_expected_then_the_waiting_list_in_order_as_csv_and_xlsx(staff):
    session = make_session(training=make_training(slug="employeur"))
    make_registration(session, first_name="Zoé", last_name="Abadie", phone="+262 692 12 34 56")
    make_registration(session, first_name="Hack", last_name="=HYPERLINK(1)", status=Status.REGISTERED)
    late = make_registration(session, first_name="Tard", last_name="Venue", status=Status.WAITING)
    make_registration(session, first_name="Tôt", last_name="Venu", status=Status.WAITING)
    Registration.objects.filter(pk=late.pk).update(waiting_since=timezone.now() + timedelta(hours=1))

    response = staff.get(reverse("admin:formation_registration_export_csv", args=[session.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="inscriptions-employeur-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Nom", "Prénom", "Adresse électronique"]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)", "Abadie", "Venu", "Venue"]
    assert rows[2][3] == "+262 692 12 34 56" and rows[3][6] == "En attente"

    response = staff.get(reverse("admin:formation_registration_export_xlsx", args=[session.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314 — our own file
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    first_column = [
        cell.findtext(".//s:t", namespaces=ns) for cell in sheet.iterfind(".//s:c", ns) if cell.get("r").startswith("A")
    ]
    assert first_column == ["Nom", "'=HYPERLINK(1)", "Abadie", "Venu", "Venue"]


def test_the_session_list_makes_the_same_number_of_queries_whatever_the_sessions(staff):
    training = make_training()
    make_registration(make_session(training=training))
    url = reverse("admin:formation_session_changelist")
    few = queries(staff, url)
    for _ in range(6):
        session = make_session(training=make_training())
        make_registration(session)
        make_registration(session, first_name="Autre", status=Status.WAITING)
    assert queries(staff, url) == few


def test_the_session_page_makes_the_same_number_of_queries_whatever_its_registrations(staff):
    session = make_session(capacity=5)
    make_registration(session, status=Status.WAITING)
    url = reverse("admin:formation_session_change", args=[session.pk])
    few = queries(staff, url)
    for index in range(12):
        make_registration(session, first_name=f"P{index}", status=Status.WAITING if index % 2 else Status.OFFERED)
    assert queries(staff, url) == few


def test_the_registration_list_and_page_make_the_same_number_of_queries_whatever_the_rows(staff):
    session = make_session()
    first = make_registration(session)
    list_url = reverse("admin:formation_registration_changelist")
    change_url = reverse("admin:formation_registration_change", args=[first.pk])
    staff.post(reverse("admin:formation_registration_transition", args=[first.pk, "presente"]))
    few_list, few_change = queries(staff, list_url), queries(staff, change_url)
    for index in range(15):
        other = make_registration(make_session(training=session.training), first_name=f"P{index}")
        staff.post(reverse("admin:formation_registration_transition", args=[other.pk, "presente"]))
        staff.post(
            reverse(
                "admin:formation_registration_transition", args=[first.pk, "absente" if index % 2 == 0 else "presente"]
            )
        )
    assert queries(staff, list_url) == few_list
    assert queries(staff, change_url) == few_change


def test_the_attendance_grid_makes_the_same_number_of_queries_whatever_its_size(staff):
    session = make_session(length_days=1)
    make_registration(session)
    url = grid_url(session)
    few = queries(staff, url)
    bigger = make_session(length_days=3)
    for index in range(20):
        make_registration(bigger, first_name=f"P{index}")
    staff.post(grid_url(bigger), {})
    assert queries(staff, grid_url(bigger)) == few


def test_staff_cancel_a_registration_and_the_freed_place_is_offered_to_the_first_waiting(staff):
    session = make_session(capacity=1, days_ago=-10)
    marie = make_registration(session)
    first = make_registration(session, first_name="Premier", last_name="Attente", status=Status.WAITING)
    page = staff.get(reverse("admin:formation_registration_change", args=[marie.pk])).content.decode()
    assert "Annuler l&#x27;inscription" in page or "Annuler l'inscription" in page

    response = staff.post(
        reverse("admin:formation_registration_transition", args=[marie.pk, "annulee"]), {"comment": "Malade"}
    )
    assert any("L'inscription de Marie Hoarau est annulée" in m for m in messages_of(response))
    marie.refresh_from_db()
    first.refresh_from_db()
    assert (marie.status, first.status) == (Status.CANCELLED, Status.OFFERED)
    assert marie.transitions.get().comment == "Malade"


def test_staff_move_a_person_to_another_session_of_the_catalogue(staff):
    training = make_training()
    session = make_session(training=training, capacity=1, days_ago=-10)
    later = make_session(training=training, capacity=2, days_ago=-20)
    full = make_session(training=training, capacity=1, days_ago=-30)
    make_registration(full, first_name="Déjà", last_name="Là")
    marie = make_registration(session)
    waiting = make_registration(session, first_name="Premier", last_name="Attente", status=Status.WAITING)

    page = staff.get(reverse("admin:formation_registration_change", args=[marie.pk])).content.decode()
    assert 'name="to_session"' in page and f'<option value="{later.pk}">' in page
    assert f'<option value="{session.pk}">' not in page

    move = reverse("admin:formation_registration_move", args=[marie.pk])
    response = staff.post(move, {"to_session": full.pk})
    assert any("est complète" in m for m in messages_of(response))
    response = staff.post(move, {"to_session": ""})
    assert "Choisissez la session vers laquelle déplacer la personne." in messages_of(response)
    assert staff.get(move).status_code == 403

    response = staff.post(move, {"to_session": later.pk})
    moved = Registration.objects.get(session=later, email=marie.email)
    assert response.headers["Location"] == reverse("admin:formation_registration_change", args=[moved.pk])
    marie.refresh_from_db()
    waiting.refresh_from_db()
    assert (marie.status, moved.status, waiting.status) == (Status.CANCELLED, Status.REGISTERED, Status.OFFERED)


def test_raising_the_capacity_offers_the_new_places_and_lowering_it_below_the_places_taken_is_refused(staff):
    session = make_session(capacity=1, days_ago=-10)
    make_registration(session)
    first = make_registration(session, first_name="Premier", last_name="Attente", status=Status.WAITING)
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    half_days = list(session.half_days.all())
    data = {
        "training": session.training.pk, "status": "prevue", "starts_at_0": start.date().isoformat(),
        "starts_at_1": "09:00", "ends_at_0": end.date().isoformat(), "ends_at_1": "17:00",
        "trainer": session.trainer.pk, "commune": session.commune.pk, "address": session.address,
        "access_notes": "", "online_url": "", "capacity": 2, "offer_hours": 48,
        "half_days-TOTAL_FORMS": len(half_days), "half_days-INITIAL_FORMS": len(half_days),
        "half_days-MIN_NUM_FORMS": 0, "half_days-MAX_NUM_FORMS": 0,
        **{f"half_days-{n}-id": hd.pk for n, hd in enumerate(half_days)},
        **{f"half_days-{n}-session": session.pk for n in range(len(half_days))},
    }  # fmt: skip
    url = reverse("admin:formation_session_change", args=[session.pk])
    response = staff.post(url, data)
    assert response.status_code == 302
    assert any("1 place(s) proposée(s)" in m for m in messages_of(response))
    first.refresh_from_db()
    assert first.status == Status.OFFERED

    response = staff.post(url, data | {"capacity": 1})
    assert response.status_code == 200
    assert "2 places sont déjà prises (offres en cours comprises)" in response.content.decode()
    response = staff.post(url, data | {"ends_at_0": start.date().isoformat(), "ends_at_1": "08:00"})
    assert "La fin de la session doit venir après son début." in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2
