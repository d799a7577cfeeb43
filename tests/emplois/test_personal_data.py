"""The job board's part of a personal-data request (lib.personal_data): what it finds about
one address, field by field, with the files; what erasing leaves (nothing of that person,
the other person's rows untouched, the files gone); a second erasure finds nothing more."""

import pytest
from django.core.files.storage import default_storage

from annuaire.models import Organisation
from emplois.models import Application, JobAlert, JobAlertDelivery, Offer
from emplois.models_skills import SkillsRecord
from emplois.personal_data import (
    ALERT,
    ALERT_DELIVERY,
    APPLICATION,
    APPLICATION_STEP,
    OFFER,
    SKILLS_EXPERIENCE,
    SKILLS_RECORD,
)
from lib.dates import french_date, french_datetime
from lib.personal_data import Erased, declared_models
from tests.comptes.factories import UserFactory
from tests.emplois.personal_data_factories import file_bytes, make_person, phone_of
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db

YSALINE = "ysaline.grondin@exemple.re"
MAELYS = "maelys.boyer-kala@exemple.re"
PROVIDER = provider("emplois")


@pytest.fixture
def people():
    UserFactory(email=YSALINE, first_name="Ysaline", last_name="Grondin-Testa")
    make_person(YSALINE, "Ysaline", "Grondin-Testa")
    make_person(MAELYS, "Maëlys", "Boyer-Kala")


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_every_personal_model_of_the_job_board_is_declared_by_its_provider():
    declared = declared_models()
    for model in ("Offer", "Application", "ApplicationTransition", "JobAlert", "JobAlertDelivery"):
        assert declared[f"emplois.{model}"] == "emplois"
    assert declared["emplois.SkillsRecord"] == declared["emplois.SkillsExperience"] == "emplois"


def test_find_returns_each_record_field_by_field_and_the_files(people):
    found = PROVIDER.find(YSALINE.upper())

    application = Application.objects.get(email=YSALINE)
    (data,) = records_of(found, APPLICATION)
    assert data == {
        "référence": application.reference,
        "offre": "Chargé·e d'accueil",
        "structure": application.offer.organisation.name,
        "nom et prénom": "Ysaline Grondin-Testa",
        "adresse électronique": YSALINE,
        "téléphone": phone_of(YSALINE),
        "message": f"Bonjour, je suis Ysaline Grondin-Testa, joignable au {phone_of(YSALINE)}.",
        "CV": "CV Ysaline Grondin-Testa.pdf",
        "lettre de motivation": "lettre-motivation.pdf",
        "état": "Entretien proposé",
        "état changé le": french_datetime(application.status_changed_at),
        "consentement": "J'accepte que mes données soient transmises à l'employeur.",
        "consentement donné le": french_datetime(application.consent_at),
        "déposée le": french_datetime(application.created_at),
    }
    (step,) = records_of(found, APPLICATION_STEP)
    assert step == {
        "candidature": application.reference,
        "date": french_datetime(application.transitions.get().created_at),
        "état de départ": "Reçue",
        "nouvel état": "Entretien proposé",
        "message": "Bonjour Ysaline, nous vous proposons un entretien mardi à 10 h.",
    }

    offer = Offer.objects.get(contact_email=YSALINE)
    (data,) = records_of(found, OFFER)
    assert data == {
        "intitulé": "Animateur ou animatrice de réseau",
        "structure": offer.organisation.name,
        "état": "Publiée",
        "adresse qui reçoit les candidatures": YSALINE,
        "candidature": "Par courriel",
        "adresse pour candidater": YSALINE.upper(),
        "déposée par vous": True,
        "date limite de candidature": french_date(offer.closes_on),
        "créée le": french_datetime(offer.created_at),
    }

    alert = JobAlert.objects.get(email=YSALINE)
    (data,) = records_of(found, ALERT)
    assert data == {
        "adresse électronique": YSALINE,
        "recherche": "Offres : accueil",
        "filtres": "q=accueil",
        "fréquence": "Chaque jour",
        "état": "confirmée",
        "consentement": "J'accepte de recevoir ces offres.",
        "consentement donné le": french_datetime(alert.consent_at),
        "confirmée le": french_datetime(alert.confirmed_at),
        "dernier envoi": "",
        "créée le": french_datetime(alert.created_at),
    }
    delivery = JobAlertDelivery.objects.get(alert=alert)
    assert records_of(found, ALERT_DELIVERY) == [
        {
            "alerte": "Offres : accueil",
            "offre": "Chargé·e d'accueil",
            "envoyée le": french_datetime(delivery.created_at),
        }
    ]

    record = SkillsRecord.objects.get(email=YSALINE)
    (data,) = records_of(found, SKILLS_RECORD)
    assert data == {
        "numéro": record.pk,
        "adresse électronique": YSALINE,
        "nom sur la synthèse": "Ysaline Grondin-Testa",
        "consentement": "J'accepte.",
        "consentement donné le": french_datetime(record.consent_at),
        "créé le": french_datetime(record.created_at),
        "dernière activité": french_datetime(record.last_activity_at),
        "synthèse demandée le": french_datetime(record.pdf_requested_at),
        "synthèse construite le": french_datetime(record.pdf_built_at),
    }
    (data,) = records_of(found, SKILLS_EXPERIENCE)
    assert data == {
        "dossier": record.pk,
        "fonction ou mission": "Trésorière bénévole",
        "structure": "Association des jardins partagés",
        "statut": "Bénévole",
        "début": "1er septembre 2023",
        "fin": "30 juin 2025",
        "heures au total": None,
        "heures par semaine": record.experiences.get().hours_per_week,
        "ce que j'ai fait": "Ysaline tenait les comptes de l'association.",
        "compétences (codes CléA)": ["1.1", "4.2"],
        "association déclarée depuis au moins 1 an": "Oui",
        "activités d'intérêt général": "Oui",
        "rôle bénévole": "Membre de l'organe de direction (bureau, conseil d'administration)",
    }
    assert len(found.records) == 7  # nothing of Maëlys Boyer-Kala

    documents = {document.name: read(document) for document in found.documents}
    assert documents == {
        f"{application.reference}/CV Ysaline Grondin-Testa.pdf": file_bytes(YSALINE, "CV"),
        f"{application.reference}/lettre-motivation.pdf": file_bytes(YSALINE, "lettre"),
        f"dossier-{record.pk}/synthese-competences-{record.pk}.pdf": file_bytes(YSALINE, "synthèse"),
    }


def test_find_never_shows_a_secret(people):
    found = PROVIDER.find(YSALINE)
    alert = JobAlert.objects.get(email=YSALINE)
    keys = {key for record in found.records for key in record.data}
    assert not any("empreinte" in key or "jeton" in key for key in keys)
    assert alert.token_hash not in str([record.data for record in found.records])


def test_erase_leaves_nothing_of_the_person_and_touches_nobody_else(people, django_capture_on_commit_callbacks):
    before = PROVIDER.find(MAELYS)
    files = [
        *Application.objects.filter(email=YSALINE).values_list("cv", "letter").get(),
        SkillsRecord.objects.get(email=YSALINE).pdf_file.name,
    ]
    assert all(default_storage.exists(name) for name in files)
    offer = Offer.objects.get(contact_email=YSALINE)
    delivery_count = JobAlertDelivery.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = PROVIDER.erase(YSALINE.title(), by=UserFactory(is_superuser=True, is_staff=True))

    # The offer, the application and its step, the alert, the record and its experience.
    assert result == Erased(erased=6, kept=[])
    needles = [YSALINE, "Ysaline", "Grondin-Testa", phone_of(YSALINE)]
    assert traces(needles, model_labels=PROVIDER.models) == []
    assert not any(default_storage.exists(name) for name in files)
    # The offer stays published for its organisation, without the person's address or account.
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PUBLISHED
    assert offer.contact_email == offer.apply_email == f"efface-offre-{offer.pk}@invalid.invalid"
    assert offer.created_by is None
    # What the alert was sent stays counted; the alert no longer has an address.
    assert JobAlertDelivery.objects.count() == delivery_count
    assert JobAlert.objects.filter(unsubscribed_at__isnull=False).count() == 1
    # Maëlys Boyer-Kala's rows and files are as they were.
    after = PROVIDER.find(MAELYS)
    assert after.records == before.records
    assert [(d.name, read(d)) for d in after.documents] == [(d.name, read(d)) for d in before.documents]

    assert PROVIDER.find(YSALINE).records == []
    assert PROVIDER.erase(YSALINE, by=None) == Erased(erased=0, kept=[])


def test_retention_periods_are_settings(settings):
    settings.APPLICATION_RETENTION_MONTHS = 7
    texts = [retention.period_text() for retention in PROVIDER.retentions]
    assert "7 mois après la date limite de candidature de l'offre" in texts
    assert all(retention.basis for retention in PROVIDER.retentions)


def test_an_empty_address_finds_and_erases_nothing_though_erased_rows_have_none(people):
    PROVIDER.erase(YSALINE, by=None)
    before = PROVIDER.find(MAELYS)
    assert not PROVIDER.find("  ")
    assert PROVIDER.erase("", by=None) == Erased(erased=0, kept=[])
    assert PROVIDER.find(MAELYS).records == before.records


def test_an_offer_takes_its_organisations_address_in_place_of_the_erased_one(people):
    offer = Offer.objects.get(contact_email=YSALINE)
    Organisation.objects.filter(pk=offer.organisation_id).update(email="recrutement@asso-lontan.re")

    PROVIDER.erase(YSALINE, by=None)

    offer.refresh_from_db()
    assert offer.contact_email == offer.apply_email == "recrutement@asso-lontan.re"
