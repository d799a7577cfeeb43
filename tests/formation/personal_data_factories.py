"""Everything the trainings can hold about one person, for the personal-data tests (their
own and the cross-app one of tests/test_personal_data.py): self-contained, callable several
times in one test with different people."""

import itertools
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from formation import hr, registrations
from formation.models import (
    Attendance,
    Complaint,
    HrRequest,
    Registration,
    RegistrationGroup,
    SurveyResponse,
    Trainer,
)
from tests.comptes.factories import StaffFactory
from tests.formation import documents_helpers, factories_registration
from tests.formation.hr_factories import make_hr_request

_numbers = itertools.count(1)

CONSENT = "J'accepte que la CRESS enregistre mon inscription (conservée trois ans après la session)."


@dataclass
class TraineePerson:
    past: Registration  # a session they attended: attendance, survey answers, certificate
    upcoming: Registration  # a session still to come, where they hold a place
    group: RegistrationGroup  # a group they registered for their structure
    trainer: Trainer  # they lead a session
    hr_request: HrRequest  # their HR support request, with its conversation
    complaints: list[Complaint]  # one signed with their name, one with their address


def make_trainee_person(email: str, first_name: str, last_name: str, phone: str = "0692 11 22 33") -> TraineePerson:
    number = next(_numbers)
    full_name = f"{first_name} {last_name}"
    staff = StaffFactory(role="Formation", first_name="Agent", last_name="Formation")
    # A session they attended, with its half-days, their attendance, answers and certificate.
    training = documents_helpers.make_training(slug=f"employeur-rgpd-{number}", title=f"Devenir employeur {number}")
    session = documents_helpers.make_session(training=training, days_ago=30)
    past = documents_helpers.make_registration(
        session,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        job_title="Trésorière",
        needs_adaptation=f"{first_name} se déplace en fauteuil.",
        status=Registration.Status.PRESENT,
        assessment_result="atteints",
        certificate_number=f"AF-RGPD-{number:05d}",
        certificate_issued_at=timezone.now(),
    )
    past.certificate_file.save(f"attestation-{number}.pdf", ContentFile(f"%PDF-1.4 {full_name}".encode()))
    for index, half_day in enumerate(session.half_days.order_by("date", "-period")):
        Attendance.objects.create(registration=past, half_day=half_day, present=index != 1, recorded_by=staff)
    SurveyResponse.objects.create(
        registration=past, kind="chaud", satisfaction=5, objectives_met=4, comment=f"Merci, {full_name}"
    )
    SurveyResponse.objects.create(
        registration=past, kind="froid", satisfaction=4, objectives_met=4, applied_at_work=True, comment=""
    )
    # A session to come, where they hold a place, and a group they registered for their structure.
    upcoming_session = factories_registration.make_session(capacity=1, allow_groups=True)
    upcoming = registrations.register_person(
        session=upcoming_session,
        person={"first_name": first_name, "last_name": last_name, "email": email.upper(), "phone": phone},
        consent_text=CONSENT,
        organisation_name="Association Lakour",
    )
    group = RegistrationGroup.objects.create(
        session=upcoming_session, organisation_name="Association Lakour", contact_email=email
    )
    # They lead a session.
    trainer = Trainer.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        organisation_name="Cabinet Lakour",
        bio=f"{full_name} accompagne les associations depuis dix ans.",
    )
    documents_helpers.make_session(training=training, days_ago=5, length_days=1, trainer=trainer)
    # Their HR support request and its conversation.
    hr_request, _token = make_hr_request(
        email=email, contact_name=full_name, phone=phone, description=f"{first_name} embauche sa première salariée."
    )
    hr.send_staff_message(hr_request=hr_request, by=staff, body=f"Bonjour {first_name}, voici le modèle de contrat.")
    hr.transition_hr_request(hr_request=hr_request, target="en_cours", by=staff, comment=f"Appelé {full_name}.")
    hr.answer_as_employer(hr_request=hr_request, body=f"Merci ! {full_name}")
    # Their complaints: one signed with their name, one with their address.
    complaints = [
        Complaint.objects.create(
            training=training,
            session=session,
            author=full_name,
            description=f"{first_name} n'a pas reçu le support de cours.",
            handling=f"Support envoyé à {full_name}.",
            status=Complaint.Status.HANDLED,
            handled_at=timezone.now(),
        ),
        Complaint.objects.create(training=training, author=email, description="Salle trop petite."),
    ]
    return TraineePerson(past, upcoming, group, trainer, hr_request, complaints)


def make_person(email: str, first_name: str, last_name: str) -> None:
    make_trainee_person(email, first_name, last_name)
