"""comptes' personal-data provider: a person's account, sessions, login records and admin
log lines, found by their address and erased; a staff account is held, not erased."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes import personal_data
from comptes.models import RecoveryCode, RecoveryCodeSet
from lib.dates import french_datetime
from lib.personal_data import fse_hold_until
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.comptes.personal_data_factories import STAFF_EMAIL, USER_AGENT, make_person
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db
EMAIL = "ysaline.grondin@exemple.re"
OTHER = "maelys.boyer-kala@exemple.re"


@pytest.fixture
def people():
    make_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_person(OTHER, "Maëlys", "Boyer-Kala")
    # Failures are logged one by one only where AXES_ENABLE_ACCESS_FAILURE_LOG is on.
    for email in (EMAIL, OTHER):
        AccessFailureLog.objects.create(
            username=email, ip_address="127.0.0.1", user_agent=USER_AGENT, attempt_time=timezone.now()
        )
    User = get_user_model()
    return User.objects.get(email=EMAIL), User.objects.get(email=OTHER)


def test_the_provider_is_registered_with_every_model_of_an_account():
    registered = provider("comptes")
    assert registered is personal_data.PROVIDER
    assert {"comptes.User", "sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "admin.LogEntry"} <= set(
        registered.models
    )


def test_find_gives_the_account_its_sessions_logins_and_log_lines(people):
    ysaline, _ = people
    found = personal_data.find("  Ysaline.GRONDIN@exemple.re ")
    [account] = records_of(found, "Compte")
    assert account == {
        "numéro": ysaline.pk,
        "adresse électronique": EMAIL,
        "prénom": "Ysaline",
        "nom": "Grondin-Testa",
        "équipe CRESS": "non",
        "actif": "oui",
        "inscrit le": french_datetime(ysaline.date_joined),
        "dernière connexion": french_datetime(ysaline.last_login),
        "rôles": [],
        "application d'authentification": "enregistrée",
        "codes de secours restants": 10,
    }
    [session] = records_of(found, "Session de connexion")
    stored = Session.objects.get(session_key=_session_keys(ysaline)[0])
    assert session == {"expire le": french_datetime(stored.expire_date)}
    [login] = records_of(found, "Connexion")
    access = AccessLog.objects.get(username=EMAIL)
    assert login == {
        "adresse saisie": EMAIL,
        "date": french_datetime(access.attempt_time),
        "adresse IP": "127.0.0.1",
        "navigateur": USER_AGENT,
        "déconnexion": "",
    }
    [failure] = records_of(found, "Échec de connexion")
    assert failure["adresse saisie"] == EMAIL and failure["adresse IP"] == "127.0.0.1"
    assert failure["navigateur"] == USER_AGENT
    [attempt] = records_of(found, "Tentatives de connexion refusées")
    assert attempt["échecs"] == 1 and attempt["navigateur"] == USER_AGENT
    [change] = records_of(found, "Action de l'équipe sur le compte")
    assert change["action"] == "Modification" and change["enregistrement"] == "Ysaline Grondin-Testa"
    assert change["type d'enregistrement"] == "utilisateur" and change["détail"] == "Modification de Prénom."
    [naming] = records_of(found, "Courriel à un tiers vous nommant")
    assert naming["destinataire"] == "accueil-partenaire@structure.exemple" and naming["état"] == "À envoyer"
    assert naming["texte"] == "La demande de Ysaline Grondin-Testa vous est orientée par la CRESS."
    [mention] = records_of(found, "Mention dans le journal de l'espace de gestion")
    assert mention["enregistrement"] == EMAIL and mention["type d'enregistrement"] == "groupe"
    assert not found.documents
    # Nothing of the other person, and no secret: no password hash, key or recovery code.
    text = repr(found.records)
    assert OTHER not in text and "Boyer" not in text
    assert ysaline.password not in text
    assert not any(digest in text for digest in RecoveryCode.objects.values_list("digest", flat=True))
    assert TOTPDevice.objects.get(user=ysaline).key not in text


def test_erase_deletes_the_account_and_keeps_the_log_without_the_person(people, django_capture_on_commit_callbacks):
    ysaline, maelys = people
    ysaline_sessions = _session_keys(ysaline)
    other_sessions = _session_keys(maelys)
    staff = StaffFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        erased = personal_data.erase(EMAIL, by=staff)
    # The account, its session, 3 login records, 2 log lines, the email that names her.
    assert erased.erased == 1 + 1 + 3 + 2 + 1
    assert erased.kept == []
    needles = [EMAIL, "Ysaline", "Grondin-Testa", "ysaline.grondin"]
    assert traces(needles, model_labels=(*personal_data.PROVIDER.models, "messagerie.OutgoingEmail")) == []
    assert OutgoingEmail.objects.filter(body_text__contains="Maëlys Boyer-Kala").count() == 1
    assert not get_user_model().objects.filter(pk=ysaline.pk).exists()
    assert not Session.objects.filter(session_key__in=ysaline_sessions).exists()
    assert not TOTPDevice.objects.filter(user_id=ysaline.pk).exists()
    assert not RecoveryCodeSet.objects.filter(user_id=ysaline.pk).exists()
    # The admin log keeps who changed what, and when, without the person.
    line = LogEntry.objects.get(object_id=str(ysaline.pk), content_type__model="user")
    assert line.object_repr == f"Compte n° {ysaline.pk} (effacé)" and line.user.email == STAFF_EMAIL
    assert LogEntry.objects.filter(object_repr="groupe n° 0 (effacé)").count() == 1
    # The other person is untouched.
    maelys.refresh_from_db()
    assert maelys.first_name == "Maëlys" and maelys.has_usable_password()
    assert Session.objects.filter(session_key__in=other_sessions).count() == 1
    assert AccessLog.objects.filter(username=OTHER).count() == 1
    assert AccessFailureLog.objects.filter(username=OTHER).count() == 1
    assert AccessAttempt.objects.filter(username=OTHER).count() == 1
    assert LogEntry.objects.filter(object_repr="Maëlys Boyer-Kala").count() == 1
    assert LogEntry.objects.filter(object_repr=OTHER).count() == 1
    assert personal_data.find(OTHER).records
    # A second request finds nothing left.
    again = personal_data.erase(EMAIL, by=staff)
    assert again.erased == 0 and again.kept == []
    assert not personal_data.find(EMAIL)


def test_a_staff_account_is_held_not_erased():
    member = StaffFactory(email=EMAIL, first_name="Ysaline", last_name="Grondin-Testa", role="Accueil")
    AccessLog.objects.create(username=EMAIL, ip_address="127.0.0.1", user_agent="x", attempt_time=timezone.now())
    superuser = StaffFactory(is_superuser=True)
    erased = personal_data.erase(EMAIL, by=superuser)
    assert erased.erased == 0
    [hold] = erased.kept
    assert hold.what == f"Compte de l'équipe n° {member.pk}"
    assert "désactive" in hold.reason and "2021/1060" in hold.reason and EMAIL not in hold.what
    assert hold.until == fse_hold_until() and (hold.model, hold.pk) == ("comptes.User", member.pk)
    member.refresh_from_db()
    assert member.email == EMAIL and member.is_active
    assert AccessLog.objects.filter(username=EMAIL).count() == 1
    # Asked again: the same hold, nothing erased.
    assert personal_data.erase(EMAIL, by=superuser).kept == [hold]
    found = personal_data.find(EMAIL)
    [account] = records_of(found, "Compte")
    assert account["équipe CRESS"] == "oui" and account["rôles"] == ["Accueil"]


def test_a_staff_member_sees_what_they_did_without_the_names_of_others():
    member = StaffFactory(email=EMAIL, first_name="Ysaline", last_name="Grondin-Testa", role="Accueil")
    LogEntry.objects.create(
        user=member,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id="4242",
        object_repr="Maëlys Boyer-Kala",
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Nom"]}}]',
    )
    [action] = records_of(personal_data.find(EMAIL), "Action dans l'espace de gestion")
    assert action["enregistrement"] == "n° 4242" and action["action"] == "Modification"
    assert action["type d'enregistrement"] == "utilisateur" and "détail" not in action
    assert "Maëlys" not in repr(personal_data.find(EMAIL).records)


def _session_keys(user) -> list[str]:
    return [s.session_key for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def test_the_five_providers_together_export_and_erase_a_person_who_used_them_all(django_capture_on_commit_callbacks):
    """Together, in the registry's order: the directory finds the memberships through the
    account before the account goes, and the outbox the emails that the other apps wrote."""
    import io
    import json
    import zipfile

    from lib import personal_data as registry
    from tests.annuaire.personal_data_factories import make_person as directory_person
    from tests.annuaire.personal_data_factories import phone_of
    from tests.communication.personal_data_factories import make_person as newsletter_person
    from tests.messagerie.personal_data_factories import make_person as outbox_person
    from tests.observatoire.personal_data_factories import make_person as observatory_person

    mine = ("comptes", "messagerie", "annuaire", "communication", "observatoire")
    for email, first, last in ((EMAIL, "Ysaline", "Grondin-Testa"), (OTHER, "Maëlys", "Boyer-Kala")):
        for make in (make_person, outbox_person, directory_person, newsletter_person, observatory_person):
            make(email, first, last)
    content, counts = registry.zip_bytes(EMAIL)
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in mine:
        assert counts[name] > 0, name
        records = json.loads(archive.read(f"{name}/donnees.json"))
        assert records and all(record["type"] for record in records)
        assert "Maëlys" not in json.dumps(records, ensure_ascii=False)
    assert any(name.startswith("annuaire/documents/proposition-") for name in archive.namelist())
    models = [label for name in mine for label in provider(name).models]
    needles = [EMAIL, "Ysaline", "Grondin-Testa", phone_of(EMAIL)]
    assert traces(needles, model_labels=models), "the person is everywhere before"
    superuser = StaffFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        result = registry.erase_everywhere(EMAIL, by=superuser)
    assert all(result[name].erased > 0 and result[name].kept == [] for name in mine)
    assert traces(needles, model_labels=models) == []
    assert traces([OTHER, "Maëlys", "Boyer-Kala", phone_of(OTHER)], model_labels=models)
    again = registry.erase_everywhere(EMAIL, by=superuser)
    assert all(again[name].erased == 0 for name in mine)
    assert all(count == 0 for name, count in registry.zip_bytes(EMAIL)[1].items() if name in mine)


def test_an_empty_address_finds_and_erases_nothing_in_any_of_the_five_parts(django_capture_on_commit_callbacks):
    """Erased rows have an empty address (or one of their own): an empty request must not
    match them, nor rows that never had one."""
    from annuaire.models import Organisation
    from lib import personal_data as registry
    from tests.annuaire.factories import OrganisationFactory
    from tests.annuaire.personal_data_factories import make_person as directory_person
    from tests.communication.personal_data_factories import make_person as newsletter_person
    from tests.messagerie.personal_data_factories import make_person as outbox_person
    from tests.observatoire.personal_data_factories import make_person as observatory_person

    for make in (make_person, outbox_person, directory_person, newsletter_person, observatory_person):
        make(EMAIL, "Ysaline", "Grondin-Testa")
    OrganisationFactory(email="", phone="0262 00 00 00")
    mine = ("comptes", "messagerie", "annuaire", "communication", "observatoire")
    counts = {part.name: len(found.records) for part, found in registry.find_everywhere(EMAIL)}
    emails = OutgoingEmail.objects.count()
    superuser = StaffFactory(is_superuser=True)
    for name in mine:
        part = provider(name)
        assert not part.find(""), name
        assert not part.find("   "), name
        with django_capture_on_commit_callbacks(execute=True):
            assert part.erase("", by=superuser).erased == 0, name
    assert OutgoingEmail.objects.count() == emails
    assert Organisation.objects.filter(email="", phone="0262 00 00 00").exists()
    assert {part.name: len(found.records) for part, found in registry.find_everywhere(EMAIL)} == counts
    assert all(provider(name).find(EMAIL) for name in mine)
