"""Everything the intake can hold about one person, for the personal-data tests (their own
and the cross-app one of tests/test_personal_data.py): self-contained, callable several
times in one test with different people."""

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from accueil.forms import CONSENT_TEXT
from accueil.models import (
    DocumentDownload,
    IntakeRequest,
    InternalNote,
    Orientation,
    RequestReference,
    RequestReferenceTransition,
)
from accueil.orientation import answer_orientation, ask_holder, orient
from accueil.services import (
    add_holder_information,
    send_staff_message,
    submit_request,
    transition_request,
)
from tests.accueil.factories import commune
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory

_numbers = itertools.count(1)


@dataclass
class IntakePerson:
    request: IntakeRequest  # their own request, with every kind of row around it
    fse_request: IntakeRequest  # their request with FSE participant answers
    partner_request: IntakeRequest  # someone else's request, where they answered for a structure
    account: object  # their (non-staff) account, a member of a partner structure


def pdf(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4 {text}".encode(), content_type="application/pdf")


def file_request(*, email, first_name, last_name, phone="", participant=None, title=None, documents=()):
    number = next(_numbers)
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "commune": commune(),
        "title": title or f"Ressourcerie de quartier n°{number}",
        "description": f"Projet porté par {first_name} {last_name} : une ressourcerie à Saint-Pierre.",
        "sector": None,
        "activity_commune": commune("97416"),
        "stage": "emergence",
        "legal_form": None,
        "siret": "",
    }
    return submit_request(
        values=values,
        needs=["financement", "statut"],
        documents=[(document, "pdf") for document in documents],
        participant=participant,
        consent_text=CONSENT_TEXT,
    )


def support_structure(name: str):
    number = next(_numbers)
    return OrganisationFactory(
        name=f"{name} {number}", is_support_structure=True, email=f"structure{number}@exemple.re"
    )


def make_intake_person(email: str, first_name: str, last_name: str, phone: str = "0692 11 22 33") -> IntakePerson:
    full_name = f"{first_name} {last_name}"
    staff = StaffFactory(role="Accueil", first_name="Agent", last_name="Accueil")
    # Their own request: documents, the conversation, a note, the logs, an orientation and its
    # structure's answers, a suggestion, and the structure's download of their document.
    intake = file_request(
        email=email, first_name=first_name, last_name=last_name, phone=phone, documents=[pdf("cv.pdf", full_name)]
    )
    transition_request(intake=intake, target="qualification", by=staff, comment=f"Appel à {full_name}.")
    send_staff_message(intake=intake, by=staff, body=f"Bonjour {first_name}, pouvez-vous préciser votre budget ?")
    add_holder_information(
        intake=intake, body=f"Budget de 12 000 €. {full_name}", documents=[(pdf("budget.pdf", "budget"), "pdf")]
    )
    InternalNote.objects.create(request=intake, author=staff, body=f"{full_name} a déjà une équipe de trois.")
    structure = support_structure("Couveuse Sud")
    (orientation,) = orient(intake=intake, organisations=[structure], by=staff, why=None)
    answer_orientation(orientation=orientation, accept=True, message=f"Nous recevons {first_name} jeudi.")
    ask_holder(orientation=orientation, question=f"{first_name}, avez-vous un local ?")
    Orientation.objects.filter(pk=orientation.pk).update(outcome_report=f"{full_name} accompagnée six mois.")
    suggestion = RequestReference.objects.create(
        request=intake, source="essai", key=str(intake.pk), title="Prêt d'honneur France Active", added_by=staff
    )
    RequestReferenceTransition.objects.create(
        subject=suggestion, from_state="propose", to_state="demande", comment=f"Demandé par {first_name}."
    )
    RequestReference.objects.filter(pk=suggestion.pk).update(outcome="demande")
    DocumentDownload.objects.create(orientation=orientation, attachment=intake.attachments.first(), user=None)
    # Their request with FSE participant answers (an FSE record), with a document and a message.
    fse_request = file_request(
        email=email.upper(),  # the same person, typed otherwise
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        participant={"sex": "femme", "age_band": "25_54", "employment": "chomage", "education": "cite_5_8"},
        documents=[pdf("kbis.pdf", full_name)],
    )
    send_staff_message(intake=fse_request, by=staff, body=f"Merci {first_name}, dossier complet.")
    # Their account, a member of a structure: they answered someone else's request for it.
    account = get_user_model().objects.filter(email__iexact=email).first() or UserFactory(
        email=email, first_name=first_name, last_name=last_name
    )
    number = next(_numbers)
    partner_request = file_request(
        email=f"porteur-tiers-{number}@exemple.re",
        first_name="Porteur",
        last_name=f"Tiers {number}",
        documents=[pdf("statuts.pdf", "statuts")],
    )
    (thread,) = orient(intake=partner_request, organisations=[support_structure("Incubateur Nord")], by=staff)
    ask_holder(orientation=thread, question="Quel est votre calendrier ?", by=account)
    DocumentDownload.objects.create(orientation=thread, attachment=partner_request.attachments.first(), user=account)
    intake.refresh_from_db()
    fse_request.refresh_from_db()
    return IntakePerson(intake, fse_request, partner_request, account)


def make_person(email: str, first_name: str, last_name: str) -> None:
    make_intake_person(email, first_name, last_name)
