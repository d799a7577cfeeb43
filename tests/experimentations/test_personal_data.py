"""Action 7's part of a personal-data request (lib.personal_data): alerts, needs posted as a
buyer (with their log and the answers received), answers given as a supplier; found field
by field, then erased: the need stays in the figures without its contact, nothing of the
person is left, the other person's rows are untouched, a second erasure finds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from experimentations import needs
from experimentations.models import AlertDelivery, Need, NeedTransition, SupplierMatch, ToolAlert
from experimentations.personal_data import (
    ALERT,
    ALERT_DELIVERY,
    ANSWER_RECEIVED,
    NEED,
    NEED_STEP,
    SUPPLIER_ANSWER,
)
from lib.dates import french_datetime
from lib.personal_data import Erased, declared_models
from messagerie.models import PrivateLink
from tests.comptes.factories import UserFactory
from tests.experimentations.factories import buyer_token
from tests.experimentations.personal_data_factories import make_person, phone_of
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db

YSALINE = "ysaline.grondin@exemple.re"
MAELYS = "maelys.boyer-kala@exemple.re"
PROVIDER = provider("experimentations")


@pytest.fixture
def people():
    UserFactory(email=YSALINE, first_name="Ysaline", last_name="Grondin-Testa")
    make_person(YSALINE, "Ysaline", "Grondin-Testa")
    make_person(MAELYS, "Maëlys", "Boyer-Kala")


def test_every_personal_model_of_action_7_is_declared_by_its_provider():
    declared = declared_models()
    for model in ("ToolAlert", "AlertDelivery", "Need", "SupplierMatch"):
        assert declared[f"experimentations.{model}"] == "experimentations"


def test_find_returns_each_record_field_by_field(people):
    found = PROVIDER.find(f"  {YSALINE.upper()} ")

    alert = ToolAlert.objects.get(email=YSALINE)
    (data,) = records_of(found, ALERT)
    assert data == {
        "adresse électronique": YSALINE,
        "recherche": "Financements : subventions",
        "filtres": "instrument=subvention",
        "appel suivi": alert.tool.name,
        "fréquence": "Chaque semaine",
        "état": "confirmée",
        "consentement": "J'accepte de recevoir ces alertes.",
        "consentement donné le": french_datetime(alert.consent_at),
        "confirmée le": french_datetime(alert.confirmed_at),
        "dernier envoi": "",
        "créée le": french_datetime(alert.created_at),
    }
    delivery = AlertDelivery.objects.get(alert=alert)
    assert records_of(found, ALERT_DELIVERY) == [
        {
            "alerte": "Financements : subventions",
            "outil": alert.tool.name,
            "motif": "Clôture dans 30 jours",
            "envoyé le": french_datetime(delivery.created_at),
        }
    ]

    need = Need.objects.get(contact_email=YSALINE)
    (data,) = records_of(found, NEED)
    assert data == {
        "référence": need.reference,
        "type d'acheteur": "Collectivité",
        "acheteur": "Commune de Saint-Paul",
        "nom du contact": "Ysaline Grondin-Testa",
        "adresse du contact": YSALINE,
        "téléphone du contact": phone_of(YSALINE),
        "nature": "Demande de devis",
        "objet": "Repas du restaurant scolaire en circuit court",
        "description": need.description,
        "lieu d'exécution": need.commune.name,
        "budget minimum (€ HT)": 20000,
        "budget maximum (€ HT)": 40000,
        "début de la prestation": "",
        "fin de la prestation": "",
        "date limite de réponse": french_datetime(need.answer_deadline),
        "clauses": ["Clause d'insertion"],
        "précisions sur les clauses": "",
        "comment répondre": f"Un devis à {YSALINE} ou au {phone_of(YSALINE)}, à l'attention de Ysaline Grondin-Testa.",
        "réponses souhaitées": 3,
        "état": "Envoyé aux fournisseurs",
        "motif du refus": "",
        "modifications demandées": "",
        "consentement": needs.CONSENT_TEXT,
        "consentement donné le": french_datetime(need.consent_at),
        "soumis le": french_datetime(need.submitted_at),
        "premier envoi aux fournisseurs le": french_datetime(need.sent_at),
        "enquête envoyée le": french_datetime(need.survey_sent_at),
        "enquête répondue le": french_datetime(need.survey_answered_at),
        "marché conclu avec l'ESS": "oui",
        "montant acheté à l'ESS (€ HT)": 12000,
        "commentaire": "Marché conclu.",
        "publié parmi les besoins inspirants": "non",
        "texte publié": "",
        "créé le": french_datetime(need.created_at),
    }
    assert "Tonte et taille" in need.description
    steps = list(need.transitions.order_by("created_at", "pk"))
    assert records_of(found, NEED_STEP) == [
        {
            "besoin": need.reference,
            "date": french_datetime(step.created_at),
            "état de départ": source,
            "nouvel état": target,
            "commentaire": comment,
        }
        for step, (source, target, comment) in zip(
            steps,
            [
                ("Brouillon", "Soumis", ""),
                ("Soumis", "Validé", "Merci Ysaline, c'est clair."),
                ("Validé", "Envoyé aux fournisseurs", ""),
            ],
            strict=True,
        )
    ]
    received = need.matches.get()
    assert records_of(found, ANSWER_RECEIVED) == [
        {
            "besoin": need.reference,
            "fournisseur": received.organisation.name,
            "réponse": "Intéressé",
            "message": "Bonjour Ysaline Grondin-Testa, nous livrons déjà deux écoles.",
            "répondu le": french_datetime(received.answered_at),
            "contact transmis le": french_datetime(received.contact_shared_at),
        }
    ]

    answer = SupplierMatch.objects.get(email=YSALINE)
    (data,) = records_of(found, SUPPLIER_ANSWER)
    assert data == {
        "besoin": answer.need.reference,
        "objet": "Nettoyage des locaux",
        "acheteur": "Commune de Saint-Denis",
        "fournisseur": answer.organisation.name,
        "adresse du fournisseur": YSALINE,
        "envoyé le": french_datetime(answer.emailed_at),
        "lien ouvert le": french_datetime(answer.opened_at),
        "besoin consulté le": french_datetime(answer.viewed_at),
        "réponse": "Intéressé",
        "motif": "",
        "message à l'acheteur": f"Nous sommes disponibles, appelez-moi au {phone_of(YSALINE)}.",
        "répondu le": french_datetime(answer.answered_at),
        "contact transmis à l'acheteur le": french_datetime(answer.contact_shared_at),
        "relancé le": "",
    }
    assert len(found.records) == 8  # nothing of Maëlys Boyer-Kala
    assert found.documents == []
    # No secret: neither the alert's nor the supplier's link hash.
    exported = str([record.data for record in found.records])
    assert alert.token_hash not in exported and answer.token_hash not in exported


def test_a_need_is_found_through_the_buyers_account_too(people):
    need = Need.objects.get(contact_email=YSALINE)
    Need.objects.filter(pk=need.pk).update(contact_email="achats@saint-paul.re")
    assert [data["référence"] for data in records_of(PROVIDER.find(YSALINE), NEED)] == [need.reference]


def test_erase_leaves_nothing_of_the_person_and_touches_nobody_else(people, django_capture_on_commit_callbacks):
    before = PROVIDER.find(MAELYS)
    need = Need.objects.get(contact_email=YSALINE)
    token = buyer_token(need)
    answer = SupplierMatch.objects.get(email=YSALINE)
    counts = {model: model.objects.count() for model in (ToolAlert, AlertDelivery, Need, NeedTransition, SupplierMatch)}

    with django_capture_on_commit_callbacks(execute=True):
        result = PROVIDER.erase(YSALINE, by=UserFactory(is_superuser=True, is_staff=True))

    # The alert, the need and its three steps, the supplier's answer.
    assert result == Erased(erased=6, kept=[])
    needles = [YSALINE, "Ysaline", "Grondin-Testa", phone_of(YSALINE)]
    assert traces(needles, model_labels=PROVIDER.models) == []
    # Every row stays, for the figures; what named the person is gone.
    assert {model: model.objects.count() for model in counts} == counts
    need.refresh_from_db()
    assert (need.contact_name, need.contact_email, need.contact_phone, need.user) == ("", "", "", None)
    assert need.how_to_answer == "Un devis à [effacé] ou au [effacé], à l'attention de [effacé]."
    assert (need.status, need.deal_amount) == (Need.Status.SENT, 12000)
    assert need.transitions.get(to_state=Need.Status.VALIDATED).comment == "Merci [effacé], c'est clair."
    assert need.matches.get().message == "Bonjour [effacé], nous livrons déjà deux écoles."
    assert needs.find_need_by_token(token) is None
    assert not PrivateLink.objects.filter(purpose=needs.NEED_LINK, object_id=need.pk, expires_at__gt=timezone.now())
    answer.refresh_from_db()
    assert (answer.email, answer.message, answer.token_hash) == ("", "", "")
    assert (answer.answer, answer.answered_at is not None) == (SupplierMatch.Answer.INTERESTED, True)
    # Maëlys Boyer-Kala's rows are as they were.
    assert PROVIDER.find(MAELYS).records == before.records

    assert PROVIDER.find(YSALINE).records == []
    assert PROVIDER.erase(YSALINE, by=None) == Erased(erased=0, kept=[])


def test_an_erased_need_emails_nobody_afterwards(people, django_capture_on_commit_callbacks):
    from messagerie.models import OutgoingEmail

    need = Need.objects.get(contact_email=YSALINE)
    PROVIDER.erase(YSALINE, by=None)
    emails = OutgoingEmail.objects.count()
    needs.close_need(need=Need.objects.get(pk=need.pk), by=None)
    assert OutgoingEmail.objects.count() == emails


def test_needs_lose_their_contact_once_their_retention_has_run(people, settings):
    settings.NEED_ANONYMISE_MONTHS = 12
    mine = Need.objects.get(contact_email=YSALINE)
    theirs = Need.objects.get(contact_email=MAELYS)
    Need.objects.filter(pk=mine.pk).update(answer_deadline=timezone.now() - timedelta(days=370))
    Need.objects.filter(pk=theirs.pk).update(answer_deadline=timezone.now() - timedelta(days=360))

    assert needs.anonymise_expired_needs() == 1
    assert needs.anonymise_expired_needs() == 0

    mine.refresh_from_db()
    assert (mine.contact_name, mine.contact_email, mine.contact_phone) == ("", "", "")
    assert mine.matches.get().email == ""
    assert Need.objects.get(pk=theirs.pk).contact_name == "Maëlys Boyer-Kala"
    retention = next(r for r in PROVIDER.retentions if "NEED_ANONYMISE_MONTHS" in r.settings)
    assert "12 mois après la date limite de réponse" in retention.period_text()


def test_an_empty_address_finds_and_erases_nothing_though_erased_rows_have_none(people):
    PROVIDER.erase(YSALINE, by=None)
    before = PROVIDER.find(MAELYS)
    assert not PROVIDER.find("  ")
    assert PROVIDER.erase("", by=None) == Erased(erased=0, kept=[])
    assert PROVIDER.find(MAELYS).records == before.records
