"""What comptes holds about a person (lib/personal_data.py): their account, its sessions,
second factor and rights, the login records of their address (django-axes), and the admin
log's lines about their account.

A partner's or visitor's account is deleted on request, with its sessions, its second factor
and its memberships (cascade); the admin log keeps its lines (who changed what, when) with
the account's name replaced by its number.

A staff account (is_staff or is_superuser) is never erased by a personal-data request: it is
returned as a `Hold`, with its sessions and login records left as they are. A superuser
deactivates it when the person leaves the team; the account and the log of its actions in the
admin are the audit trail of who handled the FSE records and the personal data (RGPD article
5.2, regulation (EU) 2021/1060 article 82), so the hold ends with the FSE one.

The provider comes first in the list (order 10), so it erases last (lib.personal_data
erases in reverse order): the other apps find the rows linked to the account through its
address before it goes. Its names then let it erase what the address alone does not find:
emails to others that name the person (the outbox's own provider finds them by address), and
the admin log's lines about any record shown by the person's name.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q

from comptes.models import RecoveryCode
from comptes.services import ACTIVATION_LINK, RESET_LINK, has_second_factor
from lib.personal_data import (
    Erased,
    Found,
    Hold,
    PersonalDataProvider,
    Record,
    Retention,
    fse_hold_until,
    normalise_email,
    when,
    yes_no,
)
from messagerie.models import OutgoingEmail, PrivateLink
from messagerie.personal_data import email_data, emails_about, emails_naming

STAFF_HOLD_REASON = (
    "Compte d'un membre de l'équipe de la CRESS : une demande de données personnelles ne l'efface pas. "
    "Un superutilisateur le désactive au départ de la personne ; le compte et le journal de ses actions "
    "dans l'espace de gestion restent la piste d'audit des opérations cofinancées par le Fonds social "
    "européen (règlement (UE) 2021/1060, article 82) et des accès aux données personnelles (RGPD, "
    "article 5.2), jusqu'à la fin de la conservation des pièces FSE."
)
LOG_ACTIONS = {ADDITION: "Création", CHANGE: "Modification", DELETION: "Suppression"}


def _accounts(email: str):
    return get_user_model().objects.filter(email__iexact=normalise_email(email))


def _is_staff(user) -> bool:
    return user.is_staff or user.is_superuser


def _sessions_of(user) -> list[Session]:
    """The stored sessions of this account (expired ones too: they hold its id until the
    clearsessions job runs). Session data is encoded: each one is read."""
    return [
        session
        for session in Session.objects.order_by("expire_date").iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def _account_log(user):
    """The admin log's lines about this account (made by staff)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk)
    )


def _full_names(user) -> list[str]:
    """How records and emails name the person: « Prénom Nom » and « Nom Prénom ». A first or
    a last name alone is not enough to tell them from someone else."""
    if user is None or not (user.first_name.strip() and user.last_name.strip()):
        return []
    first, last = user.first_name.strip(), user.last_name.strip()
    return [f"{first} {last}", f"{last} {first}"]


def _mentions(email: str, user=None):
    """Other lines of the admin log that name the person: their address (a subscriber or an
    email is shown by its address), or their account's full name."""
    match = Q(object_repr__icontains=email) | Q(change_message__icontains=email)
    for name in _full_names(user):
        match |= Q(object_repr__icontains=name)
    return LogEntry.objects.filter(match)


def _emails_naming(email: str, user):
    """Emails to others that name the person without giving their address (those that give it,
    or were sent to it, are the outbox's own provider's)."""
    return emails_naming(_full_names(user)).exclude(pk__in=emails_about(email).values("pk"))


def _login_records(email: str):
    return (
        (AccessAttempt, "Tentatives de connexion refusées", AccessAttempt.objects.filter(username__iexact=email)),
        (AccessFailureLog, "Échec de connexion", AccessFailureLog.objects.filter(username__iexact=email)),
        (AccessLog, "Connexion", AccessLog.objects.filter(username__iexact=email)),
    )


def _log_line(entry: LogEntry) -> dict:
    return {
        "date": when(entry.action_time),
        "action": LOG_ACTIONS.get(entry.action_flag, ""),
        "type d'enregistrement": str(entry.content_type.model_class()._meta.verbose_name)
        if entry.content_type and entry.content_type.model_class()
        else "",
        "enregistrement": entry.object_repr,
        "détail": entry.get_change_message(),
    }


def find(email: str) -> Found:
    email = normalise_email(email)
    if not email:
        return Found()  # an empty address would match every row whose address was erased
    found = Found()
    mentioned = set()
    for user in _accounts(email):
        found.records.append(
            Record(
                "Compte",
                {
                    "numéro": user.pk,
                    "adresse électronique": user.email,
                    "prénom": user.first_name,
                    "nom": user.last_name,
                    "équipe CRESS": yes_no(user.is_staff),
                    "actif": yes_no(user.is_active),
                    "inscrit le": when(user.date_joined),
                    "dernière connexion": when(user.last_login),
                    "rôles": sorted(user.groups.values_list("name", flat=True)),
                    "application d'authentification": "enregistrée" if has_second_factor(user) else "aucune",
                    "codes de secours restants": RecoveryCode.objects.filter(
                        code_set__user=user, used_at__isnull=True
                    ).count(),
                },
            )
        )
        for session in _sessions_of(user):
            found.records.append(Record("Session de connexion", {"expire le": when(session.expire_date)}))
        for row in _emails_naming(email, user).order_by("created_at", "pk"):
            found.records.append(Record("Courriel à un tiers vous nommant", email_data(row)))
        for entry in _account_log(user).select_related("content_type").order_by("action_time", "pk"):
            mentioned.add(entry.pk)
            found.records.append(Record("Action de l'équipe sur le compte", _log_line(entry)))
        for entry in LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time", "pk"):
            # What a staff member did: which record, by its number only. The record's name
            # and the detail may be other people's data (RGPD article 15.4).
            mentioned.add(entry.pk)
            line = _log_line(entry)
            line["enregistrement"] = f"n° {entry.object_id}" if entry.object_id else ""
            del line["détail"]
            found.records.append(Record("Action dans l'espace de gestion", line))
    users = list(_accounts(email))
    for entry in (
        _mentions(email, users[0] if users else None)
        .exclude(pk__in=mentioned)
        .select_related("content_type")
        .order_by("action_time", "pk")
    ):
        found.records.append(Record("Mention dans le journal de l'espace de gestion", _log_line(entry)))
    for model, kind, rows in _login_records(email):
        for row in rows.order_by("attempt_time", "pk"):
            data = {
                "adresse saisie": row.username,
                "date": when(row.attempt_time),
                "adresse IP": row.ip_address,
                "navigateur": row.user_agent,
            }
            if model is AccessAttempt:
                data["échecs"] = row.failures_since_start
            if model is AccessLog:
                data["déconnexion"] = when(row.logout_time)
            found.records.append(Record(kind, data))
    return found


def erase(email: str, *, by) -> Erased:
    """Delete the account of a non-staff person and what hangs on it; the admin log's lines
    stay, without the person's name or address. A staff account is held (see the module)."""
    email = normalise_email(email)
    if not email:
        return Erased()
    erased = Erased()
    users = list(_accounts(email))
    staff = [user for user in users if _is_staff(user)]
    for user in staff:
        erased.kept.append(
            Hold(
                what=f"Compte de l'équipe n° {user.pk}",
                reason=STAFF_HOLD_REASON,
                until=fse_hold_until(),
                model="comptes.User",
                pk=user.pk,
            )
        )
    if staff:
        return erased
    for user in users:
        for entry in _account_log(user).exclude(object_repr=f"Compte n° {user.pk} (effacé)"):
            entry.object_repr = f"Compte n° {user.pk} (effacé)"
            entry.save(update_fields=["object_repr"])
            erased.erased += 1
        erased.erased += _mention_lines_blanked(email, user)
        sessions = _sessions_of(user)
        Session.objects.filter(session_key__in=[session.session_key for session in sessions]).delete()
        erased.erased += len(sessions)
        PrivateLink.objects.filter(purpose__in=[RESET_LINK, ACTIVATION_LINK], object_id=user.pk).delete()
        erased.erased += OutgoingEmail.objects.filter(
            pk__in=list(_emails_naming(email, user).values_list("pk", flat=True))
        ).delete()[0]
        user.delete()  # second factor, recovery codes, memberships: cascade
        erased.erased += 1
    if not users:
        erased.erased += _mention_lines_blanked(email, None)
    for _model, _kind, rows in _login_records(email):
        erased.erased += rows.delete()[1].get(rows.model._meta.label, 0)
    return erased


def _mention_lines_blanked(email: str, user) -> int:
    count = 0
    for entry in _mentions(email, user).select_related("content_type"):
        model = entry.content_type.model_class() if entry.content_type else None
        name = str(model._meta.verbose_name) if model else "enregistrement"
        entry.object_repr = f"{name} n° {entry.object_id} (effacé)"[:200]
        if email in entry.change_message.lower():
            entry.change_message = ""
        entry.save(update_fields=["object_repr", "change_message"])
        count += 1
    return count


PROVIDER = PersonalDataProvider(
    name="comptes",
    label="Compte et connexions",
    order=10,
    # The outbox's rows that name the person are messagerie's (declared there).
    models=(
        "comptes.User",
        "comptes.AuthenticatorApp",
        "otp_totp.TOTPDevice",
        "comptes.RecoveryCodeSet",
        "comptes.RecoveryCode",
        "sessions.Session",
        "axes.AccessAttempt",
        "axes.AccessAttemptExpiration",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "admin.LogEntry",
    ),
    find=find,
    erase=erase,
    retentions=(
        Retention(
            treatment="Comptes des partenaires (adresse électronique, nom, prénom, second facteur)",
            basis="Exécution d'une mission d'intérêt public (l'orientation des porteurs de projet vers les "
            "structures partenaires)",
            period="Jusqu'à la suppression du compte, à la demande de la personne ou de sa structure",
        ),
        Retention(
            treatment="Comptes de l'équipe de la CRESS et journal de leurs actions dans l'espace de gestion",
            basis="Obligation légale : piste d'audit des opérations cofinancées par le FSE (règlement (UE) "
            "2021/1060, article 82) et traçabilité des accès aux données personnelles (RGPD, article 5.2)",
            period="Désactivés au départ de la personne, conservés {FSE_RETENTION_YEARS} ans à compter du 31 "
            "décembre de l'année du dernier paiement du FSE",
            settings=("FSE_RETENTION_YEARS",),
        ),
        Retention(
            treatment="Sessions de connexion",
            basis="Exécution d'une mission d'intérêt public (l'accès aux espaces privés)",
            period="Jusqu'à la déconnexion, {STAFF_SESSION_HOURS} heures au plus pour l'équipe ; effacées à la "
            "suppression du compte",
            settings=("STAFF_SESSION_HOURS",),
        ),
        Retention(
            treatment="Tentatives de connexion (adresse saisie, adresse IP, navigateur)",
            basis="Intérêt légitime : la sécurité des comptes (blocage des attaques par essais répétés)",
            period="{LOGIN_ATTEMPTS_RETENTION_DAYS} jours",
            settings=("LOGIN_ATTEMPTS_RETENTION_DAYS",),
        ),
    ),
)
