"""annuaire's personal-data provider: the structures whose contact is the person, their
claims, proposals and memberships, found by address and erased field by field."""

import pytest
from django.core.files.storage import default_storage

from annuaire import personal_data
from annuaire.models import (
    Claim,
    ClaimTransition,
    Contribution,
    ContributionTransition,
    Organisation,
    PartnerMembership,
)
from lib.dates import french_datetime
from tests.annuaire.personal_data_factories import CONSENT, logo_bytes, make_person, phone_of
from tests.comptes.factories import StaffFactory
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db
EMAIL = "ysaline.grondin@exemple.re"
OTHER = "maelys.boyer-kala@exemple.re"
NEEDLES = [EMAIL, "Ysaline", "Grondin-Testa", "ysaline.grondin", phone_of(EMAIL)]


@pytest.fixture
def people():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_person(OTHER, "Maëlys", "Boyer-Kala")


def snapshot(email):
    """The other person's rows, as they are."""
    return {
        "organisations": sorted(Organisation.objects.filter(email=email).values_list("pk", "email", "phone")),
        "history": Organisation.history.filter(email=email).count(),
        "contributions": sorted(
            Contribution.objects.filter(contributor_email__iexact=email).values_list("pk", "contributor_name", "logo")
        ),
        "claims": sorted(Claim.objects.filter(email=email).values_list("pk", "name", "message")),
        "memberships": PartnerMembership.objects.filter(user__email=email).count(),
        "transitions": ContributionTransition.objects.filter(subject__contributor_email=email).count()
        + ClaimTransition.objects.filter(subject__email=email).count(),
    }


def test_the_provider_declares_every_model_of_the_directory_about_people():
    assert provider("annuaire") is personal_data.PROVIDER
    assert set(personal_data.PROVIDER.models) == {
        "annuaire.Organisation",
        "annuaire.HistoricalOrganisation",
        "annuaire.Contribution",
        "annuaire.ContributionTransition",
        "annuaire.Claim",
        "annuaire.ClaimTransition",
        "annuaire.PartnerMembership",
    }


def test_find_gives_every_row_about_the_person_field_by_field(people):
    found = personal_data.find("YSALINE.Grondin@exemple.re")
    own = Organisation.objects.get(email=EMAIL)
    [structure] = records_of(found, "Structure dont vous êtes le contact")
    assert structure == {
        "structure": own.name,
        "adresse électronique": EMAIL,
        "téléphone": phone_of(EMAIL),
        "adresse": "",
        "code postal": "",
        "commune": own.commune.name,
        "publiée dans l'annuaire": "oui",
    }
    versions = records_of(found, "Version passée d'une fiche de structure")
    assert [v["changement"] for v in versions] == ["Création", "Modification"]
    assert all(v["adresse électronique"] == EMAIL and v["téléphone"] == phone_of(EMAIL) for v in versions)
    [edit] = records_of(found, "Modification d'une fiche faite depuis votre compte")
    assert edit["structure"] == own.name and edit["changement"] == "Modification"

    new, correction = Contribution.objects.filter(contributor_email__iexact=EMAIL).order_by("pk")
    proposals = records_of(found, "Proposition de contribution")
    assert proposals[0] == {
        "numéro": new.pk,
        "type": "Nouvelle structure",
        "structure concernée": "",
        "valeurs proposées": {"Nom": new.proposed["name"], "Présentation": "Réemploi.", "Commune": "Saint-André"},
        "message": "Nous ouvrons en janvier.",
        "nom du contributeur": "Ysaline Grondin-Testa",
        "adresse du contributeur": EMAIL,
        "consentement accepté": CONSENT,
        "consentement donné le": french_datetime(new.consent_at),
        "état": "Refusée",
        "reçue le": french_datetime(new.created_at),
    }
    assert proposals[1]["type"] == "Correction d'une fiche" and proposals[1]["état"] == "En attente de modération"
    assert proposals[1]["structure concernée"] == correction.organisation.name
    assert proposals[1]["adresse du contributeur"] == EMAIL.upper()
    assert proposals[1]["valeurs proposées"] == {"Site internet": correction.proposed["website"]}
    [refusal] = records_of(found, "Suite donnée à une proposition")
    assert refusal["proposition"] == new.pk and refusal["commentaire"] == "Cette structure figure déjà à l'annuaire."
    assert (refusal["état de départ"], refusal["nouvel état"]) == ("En attente de modération", "Refusée")

    claim = Claim.objects.get(email=EMAIL)
    [claimed] = records_of(found, "Demande de gestion d'une fiche")
    assert claimed == {
        "numéro": claim.pk,
        "structure": claim.organisation.name,
        "nom et prénom": "Ysaline Grondin-Testa",
        "adresse électronique": EMAIL,
        "fonction dans la structure": "Co-gérante",
        "message": f"Je suis Ysaline, joignable au {phone_of(EMAIL)}.",
        "consentement accepté": CONSENT,
        "consentement donné le": french_datetime(claim.consent_at),
        "état": "Refusée",
        "demandée le": french_datetime(claim.created_at),
        "lien valable jusqu'au": french_datetime(claim.expires_at),
    }
    [claim_refusal] = records_of(found, "Suite donnée à une demande de gestion")
    assert claim_refusal["commentaire"] == "Fonction non confirmée par la structure."
    assert claim_refusal["nouvel état"] == "Refusée"
    [membership] = records_of(found, "Rattachement à une structure partenaire")
    assert membership["structure"] == own.name and membership["rôle"] == "Administrateur de la structure"

    [logo] = found.documents
    assert logo.name == f"proposition-{new.pk}/{new.logo.name.rsplit('/', 1)[-1]}"
    with logo.file.open("rb") as handle:
        assert handle.read() == logo_bytes()
    assert "Maëlys" not in repr(found.records) and OTHER not in repr(found.records)


def test_erase_leaves_no_trace_and_the_other_person_untouched(people, django_capture_on_commit_callbacks):
    logo = Contribution.objects.get(contributor_email=EMAIL, kind="nouvelle").logo.name
    assert default_storage.exists(logo)
    own = Organisation.objects.get(email=EMAIL)
    before = snapshot(OTHER)
    superuser = StaffFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        erased = personal_data.erase(EMAIL, by=superuser)
    # 1 structure and its 2 past versions, 1 version saved from her account, 2 proposals, 1 claim,
    # 1 membership.
    assert erased.erased == 8 and erased.kept == []
    assert traces(NEEDLES, model_labels=personal_data.PROVIDER.models) == []
    assert not default_storage.exists(logo), "the proposed logo left the storage after commit"
    own.refresh_from_db()
    assert (own.email, own.phone, own.is_published) == ("", "", True), "the structure stays in the directory"
    assert own.history.first().history_user == superuser
    assert not own.history.filter(history_user__email=EMAIL).exists()
    assert snapshot(OTHER) == before
    assert before["contributions"] and before["claims"] and before["memberships"] and before["transitions"]
    again = personal_data.erase(EMAIL, by=superuser)
    assert again.erased == 0 and again.kept == []
    assert not personal_data.find(EMAIL)


def test_a_structure_the_checks_would_refuse_today_is_erased_all_the_same():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    Organisation.objects.filter(email=EMAIL).update(postcode="1234")  # imported before the check existed
    assert personal_data.erase(EMAIL, by=StaffFactory(is_superuser=True)).erased == 8
    assert traces(NEEDLES, model_labels=personal_data.PROVIDER.models) == []
    assert Organisation.objects.get(postcode="1234").email == ""
