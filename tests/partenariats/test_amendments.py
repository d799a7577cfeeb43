"""Amendments (avenants): recorded through `services.record_amendment`, which moves the
convention's end and amount, brings a convention « à renouveler » back in force, and refuses
what cannot be (an end before the start, a number taken, a file that is not a PDF) in French
with nothing changed; the admin's « Ajouter un avenant » page and the amendment's PDF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lib.dates import french_date
from partenariats import services
from partenariats.models import Amendment, Convention, ConventionTransition
from tests.comptes.factories import StaffFactory
from tests.partenariats.admin_helpers import change_form, messages_of, page_text, staff_client, stored_files
from tests.partenariats.factories import PDF_BYTES, make_amendment, make_convention, pdf_upload

pytestmark = pytest.mark.django_db
Status = Convention.Status


def today():
    return timezone.localdate()


def record(convention, **values):
    values.setdefault("number", 1)
    values.setdefault("signed_on", today())
    values.setdefault("summary", "Prolongation d'un an.")
    return services.record_amendment(convention=convention, **values)


def test_an_amendment_moves_the_end_and_the_amount_of_the_convention():
    staff = StaffFactory(role="Partenariats")
    convention = make_convention(status=Status.ACTIVE, amount=Decimal("10000"))
    logged = ConventionTransition.objects.filter(subject=convention).count()
    new_end = convention.end_date + timedelta(days=365)
    amendment = record(convention, new_end_date=new_end, new_amount=Decimal("15000.50"), file=pdf_upload(), by=staff)
    convention.refresh_from_db()
    assert (convention.end_date, convention.amount, convention.status) == (new_end, Decimal("15000.50"), Status.ACTIVE)
    assert amendment.file.name.startswith("partenariats/avenants/") and amendment.file.read() == PDF_BYTES
    assert ConventionTransition.objects.filter(subject=convention).count() == logged  # in force already

    # An amendment that changes neither leaves them.
    record(convention, number=2, summary="Ajout d'un engagement de communication.")
    convention.refresh_from_db()
    assert (convention.end_date, convention.amount) == (new_end, Decimal("15000.50"))


def test_a_convention_to_renew_given_a_future_end_is_back_in_force_with_one_log_row():
    staff = StaffFactory(role="Partenariats")
    convention = make_convention(status=Status.TO_RENEW)
    logged = convention.transitions.count()
    new_end = today() + timedelta(days=200)
    record(convention, new_end_date=new_end, by=staff)
    convention.refresh_from_db()
    assert convention.status == Status.ACTIVE and convention.end_date == new_end
    assert convention.transitions.count() == logged + 1
    row = convention.transitions.last()
    assert (row.from_state, row.to_state, row.by) == (Status.TO_RENEW, Status.ACTIVE, staff)
    assert row.comment == f"Avenant n° 1 : prolongée jusqu'au {french_date(new_end)}."


def test_a_convention_to_renew_whose_new_end_is_past_stays_to_renew():
    start = today() - timedelta(days=400)
    convention = make_convention(status=Status.TO_RENEW, start=start, end=today() + timedelta(days=10))
    record(convention, new_end_date=today() - timedelta(days=1))
    convention.refresh_from_db()
    assert convention.status == Status.TO_RENEW and convention.end_date == today() - timedelta(days=1)


@pytest.mark.parametrize("days_after_start", [-1, 0])
def test_an_end_before_or_on_the_start_is_refused_in_french_and_nothing_changes(days_after_start):
    convention = make_convention(status=Status.ACTIVE, amount=Decimal("500"))
    before = (convention.end_date, convention.amount)
    bad_end = convention.start_date + timedelta(days=days_after_start)
    with pytest.raises(ValidationError) as refused:
        record(convention, new_end_date=bad_end, new_amount=Decimal("900"), file=pdf_upload())
    assert refused.value.message_dict["new_end_date"] == [
        f"La nouvelle fin ({french_date(bad_end)}) doit être postérieure au début de la convention "
        f"({french_date(convention.start_date)})."
    ]
    convention.refresh_from_db()
    assert (convention.end_date, convention.amount) == before
    assert not Amendment.objects.exists() and stored_files("avenants") == []


@pytest.mark.parametrize("status", [Status.EXPIRED, Status.TERMINATED])
def test_an_ended_convention_is_not_extended_but_may_record_an_amendment(status):
    convention = make_convention(status=status)
    end = convention.end_date
    with pytest.raises(ValidationError, match="un avenant ne déplace plus sa fin"):
        record(convention, new_end_date=end + timedelta(days=300))
    convention.refresh_from_db()
    assert convention.end_date == end and convention.status == status
    record(convention, summary="Précision sur le bilan final.")
    assert convention.amendments.count() == 1


def test_a_number_taken_a_negative_amount_and_a_file_that_is_no_pdf_are_refused():
    convention = make_convention(status=Status.ACTIVE)
    make_amendment(convention, number=1)
    with pytest.raises(ValidationError) as taken:
        record(convention, number=1)
    assert taken.value.message_dict == {"number": ["L'avenant n° 1 de cette convention est déjà enregistré."]}
    with pytest.raises(ValidationError) as negative:
        record(convention, number=2, new_amount=Decimal("-1"))
    assert "new_amount" in negative.value.message_dict
    with pytest.raises(ValidationError, match="n'est pas un document accepté"):
        record(convention, number=2, file=SimpleUploadedFile("avenant.pdf", b"GIF89a une image"))
    assert convention.amendments.count() == 1 and len(stored_files("avenants")) == 1


# --- The admin page « Ajouter un avenant » -----------------------------------------------------


def add_url(convention):
    return reverse("admin:partenariats_convention_amendment_add", args=[convention.pk])


def test_the_page_proposes_the_next_number_and_records_the_amendment():
    client = staff_client()
    convention = make_convention(status=Status.TO_RENEW)
    make_amendment(convention, number=1)
    response = client.get(add_url(convention))
    assert response.status_code == 200
    assert response.context["form"].initial["number"] == 2
    new_end = today() + timedelta(days=365)
    response = client.post(
        add_url(convention),
        {"number": "2", "signed_on": today().isoformat(), "summary": "Prolongation d'un an.",
         "new_end_date": new_end.isoformat(), "new_amount": "12000", "file": pdf_upload("avenant 2.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("admin:partenariats_convention_change", args=[convention.pk])
    assert messages_of(response) == [
        f"L'avenant n° 2 est enregistré : la convention court désormais jusqu'au {french_date(new_end)} "
        "(état : En vigueur)."
    ]
    convention.refresh_from_db()
    assert (convention.status, convention.end_date, convention.amount) == (Status.ACTIVE, new_end, Decimal("12000"))
    amendment = convention.amendments.get(number=2)
    html = client.get(reverse("admin:partenariats_convention_change", args=[convention.pk])).content.decode()
    file_url = reverse("admin:partenariats_convention_amendment_file", args=[convention.pk, amendment.pk])
    assert file_url in html and "/media/" not in html
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"number": ""}, "Ce champ est obligatoire."),
        ({"number": "0"}, "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ({"signed_on": "hier"}, "Saisissez une date valide."),
        ({"summary": ""}, "Ce champ est obligatoire."),
        ({"new_amount": "-10"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"new_end_date": "2000-01-01"}, "doit être postérieure au début de la convention"),
        ({"number": "1"}, "L'avenant n° 1 de cette convention est déjà enregistré."),
        ({"file": SimpleUploadedFile("avenant.pdf", b"pas un pdf")}, "n'est pas un document accepté"),
    ],
)
def test_bad_input_on_the_page_gives_a_french_message_and_changes_nothing(values, message):
    client = staff_client()
    convention = make_convention(status=Status.ACTIVE)
    make_amendment(convention, number=1, file=False)
    before = (convention.end_date, convention.amount)
    data = {"number": "2", "signed_on": today().isoformat(), "summary": "Prolongation.", "new_end_date": "",
            "new_amount": "", **values}  # fmt: skip
    response = client.post(add_url(convention), data)
    assert response.status_code == 200
    assert message in page_text(response)
    convention.refresh_from_db()
    assert (convention.end_date, convention.amount) == before
    assert convention.amendments.count() == 1 and stored_files("avenants") == []


@pytest.mark.parametrize("role", ["Direction", "Accueil", "Communication"])
def test_only_who_changes_conventions_adds_an_amendment(role):
    convention = make_convention(status=Status.ACTIVE)
    client = staff_client(role)
    assert client.get(add_url(convention)).status_code == 403
    response = client.post(add_url(convention), {"number": "1", "signed_on": today().isoformat(), "summary": "x"})
    assert response.status_code == 403 and not Amendment.objects.exists()


def test_the_signed_pdf_of_an_amendment_is_attached_later_on_the_conventions_page():
    client = staff_client()
    convention = make_convention(status=Status.ACTIVE)
    amendment = make_amendment(convention, file=False)
    url = reverse("admin:partenariats_convention_change", args=[convention.pk])
    form = change_form(client, url, "convention_form")
    response = client.post(url, {**form, "amendments-0-file": SimpleUploadedFile("avenant.pdf", b"pas un pdf")})
    assert response.status_code == 200 and "n'est pas un document accepté" in page_text(response)
    response = client.post(url, {**form, "amendments-0-file": pdf_upload("avenant signé.pdf")})
    assert response.status_code == 302, page_text(response)
    amendment.refresh_from_db()
    assert amendment.file.read() == PDF_BYTES
