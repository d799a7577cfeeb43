"""Who may see and do what in the staff admin: the one declaration.

Every model of the project (ours, Django's and the libraries') is listed once in
`MODEL_RULES` with the sensitive kinds of data it carries and, for each staff role,
the actions granted on it. A role not named on a model gets nothing there; a superuser
gets everything. The custom admin pages a model's admin adds (dashboards, exports,
workflow buttons…) say which of these actions they need, or `SUPERUSER_ONLY`.

From this declaration:
- the role groups and their permissions are created by a data migration and synced
  again after every `migrate` (`sync_role_permissions`, called by `comptes.apps`);
- `tests/test_access_matrix.py` walks every admin URL for every role, an anonymous
  visitor and a partner, and compares what answers with what is declared; a model or
  a custom admin page that is not declared fails it;
- `docs/security.md` shows it as a table (`manage.py security_table --write`; a test
  checks the document matches).

Rules the declaration follows (DESIGN.md, « Who may see what »): only a superuser
grants rights, deletes personal records or reads another person's secret; a role gets
what its work needs and no more.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

VIEW = ("view",)
VIEW_CHANGE = ("view", "change")
VIEW_ADD_CHANGE = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")
ACTIONS = ALL

# A custom admin page only a superuser reaches, whatever the role's rights on the model.
SUPERUSER_ONLY = None

ACCUEIL = "Accueil"
OBSERVATOIRE = "Observatoire"
COMMUNICATION = "Communication"
FORMATION = "Formation"
PARTENARIATS = "Partenariats"
DIRECTION = "Direction"


class Sensitivity(models.TextChoices):
    SECRET = "secret", "secret"  # a password, a session, a private link (even hashed) or an email carrying one
    PERSONAL = "personal", "personal data"
    FSE = "fse", "FSE participant data"


@dataclass(frozen=True)
class Role:
    group: str
    description: str


ROLES = (
    Role(ACCUEIL, "Chargé·e d'accueil : demandes d'accompagnement, orientation, suivi."),
    Role(OBSERVATOIRE, "Chargé·e d'observatoire : données, indicateurs, rapports, qualité de l'annuaire."),
    Role(COMMUNICATION, "Chargé·e de communication : actualités, agenda, lettre d'information, annuaire."),
    Role(FORMATION, "Chargé·e de formation : catalogue, sessions, inscriptions, présences."),
    Role(PARTENARIATS, "Chargé·e de partenariats : conventions, territoires, expérimentations."),
    Role(DIRECTION, "Direction : lecture de tout, pilotage, noms et désactivation des comptes de l'équipe."),
)
ROLE_NAMES = tuple(role.group for role in ROLES)

# What a non-superuser allowed to change accounts (Direction) may edit, and only on an
# account that is not a superuser's. Rights (is_staff, is_superuser, groups, permissions),
# the email (a new address plus « mot de passe oublié » is a takeover) and the password
# stay with superusers.
DELEGATED_ACCOUNT_FIELDS = ("first_name", "last_name", "is_active")


@dataclass(frozen=True)
class ModelRule:
    model: str  # "app_label.ModelName"
    kinds: tuple[Sensitivity, ...] = ()
    rights: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role group -> actions
    admin_views: Mapping[str, str | None] = field(default_factory=dict)  # admin URL name -> action needed
    note: str = ""

    @property
    def app_label(self) -> str:
        return self.model.split(".")[0]

    @property
    def model_name(self) -> str:
        return self.model.split(".")[1].lower()


_READ_ALL = {DIRECTION: VIEW}
_REFERENCE = {
    ACCUEIL: VIEW,
    OBSERVATOIRE: VIEW_ADD_CHANGE,
    COMMUNICATION: VIEW,
    FORMATION: VIEW,
    PARTENARIATS: VIEW,
    DIRECTION: VIEW,
}
_REFERENCE_NOTE = (
    "Reference data loaded by migration; Observatoire keeps it up to date, never deletes (rows are referenced)."
)
_INTAKE_DETAIL = {ACCUEIL: VIEW, DIRECTION: VIEW}
_TAXONOMY = {
    ACCUEIL: VIEW,
    OBSERVATOIRE: ALL,
    COMMUNICATION: ALL,
    FORMATION: VIEW,
    PARTENARIATS: VIEW,
    DIRECTION: VIEW,
}
_DIRECTORY_MODERATION = {
    ACCUEIL: VIEW_CHANGE,
    OBSERVATOIRE: VIEW_CHANGE,
    COMMUNICATION: VIEW_CHANGE,
    PARTENARIATS: VIEW_CHANGE,
    DIRECTION: VIEW,
}
_DIRECTORY_LOG = {ACCUEIL: VIEW, OBSERVATOIRE: VIEW, COMMUNICATION: VIEW, PARTENARIATS: VIEW, DIRECTION: VIEW}
_CLAIM = {
    ACCUEIL: VIEW_CHANGE,
    OBSERVATOIRE: VIEW,
    COMMUNICATION: VIEW_CHANGE,
    PARTENARIATS: VIEW_CHANGE,
    DIRECTION: VIEW,
}
_NEWS = {COMMUNICATION: ALL, DIRECTION: VIEW}
_PERSONAL = (Sensitivity.PERSONAL,)
_PERSONAL_SECRET = (Sensitivity.PERSONAL, Sensitivity.SECRET)

MODEL_RULES = (
    # --- Django and libraries ------------------------------------------------------------
    ModelRule(
        "admin.LogEntry",
        _PERSONAL,
        note="The admin's log; each record's history page shows its part to whoever sees the record.",
    ),
    ModelRule("auth.Permission", note="Rights are given by superusers only."),
    ModelRule(
        "auth.Group",
        rights=_READ_ALL,
        note="The roles: only a superuser adds, edits or deletes a group (enforced in comptes/admin.py).",
    ),
    ModelRule("contenttypes.ContentType"),
    ModelRule("sessions.Session", _PERSONAL_SECRET, note="An open session is as good as a password."),
    ModelRule("axes.AccessAttempt", _PERSONAL, note="Emails and IP addresses of logins (lockout)."),
    ModelRule("axes.AccessAttemptExpiration", _PERSONAL),
    ModelRule("axes.AccessFailureLog", _PERSONAL),
    ModelRule("axes.AccessLog", _PERSONAL),
    # --- referentiels ----------------------------------------------------------------------
    ModelRule("referentiels.Territory", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.LegalForm", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafSection", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafDivision", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafActivity", rights=_REFERENCE, note=_REFERENCE_NOTE),
    # --- comptes ---------------------------------------------------------------------------
    ModelRule(
        "comptes.User",
        _PERSONAL_SECRET,
        rights={DIRECTION: VIEW_CHANGE},
        admin_views={"auth_user_password_change": SUPERUSER_ONLY},
        note="Direction sees accounts and edits only names and activation of non-superuser accounts "
        "(DELEGATED_ACCOUNT_FIELDS); rights, email and passwords: superusers (enforced in comptes/admin.py).",
    ),
    ModelRule(
        "comptes.PartnerMembership",
        _PERSONAL,
        rights=_READ_ALL,
        note="A membership opens a structure's orientations (holders' contacts): it comes from an approved "
        "claim, or from a superuser.",
    ),
    ModelRule(
        "otp_totp.TOTPDevice",
        (Sensitivity.SECRET,),
        note="Second-factor keys: django-otp's own admin (which shows the key) is unregistered.",
    ),
    ModelRule(
        "comptes.AuthenticatorApp",
        (Sensitivity.SECRET,),
        note="A person's authenticator app (no key shown): superusers delete one to reset a lost factor.",
    ),
    ModelRule(
        "comptes.RecoveryCodeSet",
        (Sensitivity.SECRET,),
        note="Recovery codes, stored hashed: superusers only.",
    ),
    ModelRule("comptes.RecoveryCode", (Sensitivity.SECRET,), note="One hashed recovery code."),
    # --- annuaire --------------------------------------------------------------------------
    ModelRule(
        "annuaire.Organisation",
        _PERSONAL,
        rights={
            ACCUEIL: VIEW_CHANGE,
            OBSERVATOIRE: ALL,
            COMMUNICATION: VIEW_ADD_CHANGE,
            FORMATION: VIEW,
            PARTENARIATS: VIEW_ADD_CHANGE,
            DIRECTION: VIEW,
        },
        admin_views={
            "annuaire_organisation_import": "add",
            "annuaire_organisation_simple_history": "view",
        },
        note="Published contacts, sometimes a person's. Staff unpublish a record (« Retirer » action); only "
        "Observatoire deletes (duplicates, Sirene imports), since a deletion takes its claims and contributions.",
    ),
    ModelRule(
        "annuaire.HistoricalOrganisation",
        _PERSONAL,
        rights={
            ACCUEIL: VIEW,
            OBSERVATOIRE: VIEW,
            COMMUNICATION: VIEW,
            FORMATION: VIEW,
            PARTENARIATS: VIEW,
            DIRECTION: VIEW,
        },
        note="History of the records: read, never changed.",
    ),
    ModelRule("annuaire.SearchWord", note="The search's internal lexicon, kept by code."),
    ModelRule("annuaire.Category", rights=_TAXONOMY),
    ModelRule("annuaire.Label", rights=_TAXONOMY),
    ModelRule(
        "annuaire.Contribution",
        _PERSONAL,
        rights=_DIRECTORY_MODERATION,
        admin_views={"annuaire_contribution_transition": "change"},
        note="Who may edit a record moderates the proposals about it; the retention job deletes, nobody by hand.",
    ),
    ModelRule("annuaire.ContributionTransition", _PERSONAL, rights=_DIRECTORY_LOG),
    ModelRule(
        "annuaire.Claim",
        _PERSONAL_SECRET,
        rights=_CLAIM,
        admin_views={"annuaire_claim_transition": "change"},
        note="Approving gives partner access to the structure's orientations: Accueil, Communication and "
        "Partenariats only.",
    ),
    ModelRule("annuaire.ClaimTransition", _PERSONAL, rights=_DIRECTORY_LOG),
    # --- messagerie ------------------------------------------------------------------------
    ModelRule(
        "messagerie.OutgoingEmail",
        _PERSONAL_SECRET,
        note="Emails carry private links: superusers only (enforced in messagerie/admin.py).",
    ),
    ModelRule(
        "messagerie.PrivateLink",
        (Sensitivity.SECRET,),
        note="Hashes of the tokens of private links (never the tokens): no admin page.",
    ),
    # --- accueil ---------------------------------------------------------------------------
    ModelRule(
        "accueil.IntakeRequest",
        _PERSONAL_SECRET,
        rights={ACCUEIL: VIEW_CHANGE, DIRECTION: VIEW},
        admin_views={
            "accueil_intakerequest_message": "change",
            "accueil_intakerequest_orient": "change",
            "accueil_intakerequest_transition": "change",
            "accueil_intakerequest_dashboard": "view",
            "accueil_intakerequest_export": "view",
            "accueil_intakerequest_fse": "view",
            "accueil_intakerequest_erase": SUPERUSER_ONLY,
        },
        note="Filed online by holders (no add in the admin); only a superuser deletes one (enforced in "
        "accueil/admin.py).",
    ),
    ModelRule(
        "accueil.RequestErasure",
        rights={ACCUEIL: VIEW, DIRECTION: VIEW},
        note="Audit trail of erasures (reference, who, when, reason): read-only for everyone.",
    ),
    ModelRule("accueil.RequestTransition", _PERSONAL, rights=_INTAKE_DETAIL),
    ModelRule("accueil.Attachment", _PERSONAL, rights=_INTAKE_DETAIL, note="Name and size; files are never served."),
    ModelRule(
        "accueil.ParticipantProfile",
        (Sensitivity.PERSONAL, Sensitivity.FSE),
        rights={ACCUEIL: VIEW},
        note="Individual FSE answers: Accueil only; Direction sees the aggregated FSE report.",
    ),
    ModelRule("accueil.Message", _PERSONAL, rights=_INTAKE_DETAIL, note="Written through the « message » button."),
    ModelRule(
        "accueil.InternalNote",
        _PERSONAL,
        rights={ACCUEIL: VIEW_ADD_CHANGE, DIRECTION: VIEW},
    ),
    ModelRule(
        "accueil.Orientation",
        _PERSONAL_SECRET,
        rights=_INTAKE_DETAIL,
        note="Made by the « orienter » page, moved on by the partner: read-only in the admin.",
    ),
    ModelRule("accueil.OrientationTransition", _PERSONAL, rights=_INTAKE_DETAIL),
    # --- communication ---------------------------------------------------------------------
    ModelRule("communication.NewsCategory", rights=_NEWS),
    ModelRule("communication.Tag", rights=_NEWS),
    ModelRule("communication.NewsArticle", rights=_NEWS),
    ModelRule("communication.Event", rights=_NEWS),
    ModelRule(
        "communication.Subscriber",
        _PERSONAL,
        rights={COMMUNICATION: VIEW_CHANGE, DIRECTION: VIEW},
        note="Unsubscribing erases the address; nobody adds one (double opt-in); deletion: superusers.",
    ),
    ModelRule(
        "communication.NewsletterIssue",
        rights=_NEWS,
        admin_views={
            "communication_newsletterissue_preview": "view",
            "communication_newsletterissue_test": "change",
            "communication_newsletterissue_send": "change",
            "communication_newsletterissue_resend": "change",
        },
    ),
    ModelRule(
        "communication.Delivery",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Written by the send: read-only.",
    ),
)

RULES_BY_MODEL = {rule.model: rule for rule in MODEL_RULES}


def rights_of(role: str, model: str) -> tuple[str, ...]:
    """The actions a role has on a model ("app_label.ModelName"), as declared."""
    return tuple(RULES_BY_MODEL[model].rights.get(role, ()))


def sync_role_permissions(*, group_model, permission_model) -> None:
    """Create the role groups and give each exactly the permissions of the declaration.

    Takes the model classes so that a data migration can pass its historical models;
    permissions of models not created yet are attached by the next sync.
    """
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.group)
        wanted = Q(pk__in=[])
        for rule in MODEL_RULES:
            actions = rule.rights.get(role.group, ())
            if actions:
                wanted |= Q(
                    content_type__app_label=rule.app_label,
                    content_type__model=rule.model_name,
                    codename__in=[f"{action}_{rule.model_name}" for action in actions],
                )
        group.permissions.set(permission_model.objects.filter(wanted).values_list("pk", flat=True))


ACTION_LETTERS = {"view": "V", "add": "A", "change": "C", "delete": "D"}


def _cell(actions) -> str:
    return " ".join(ACTION_LETTERS[action] for action in ALL if action in actions) or "—"


def declaration_markdown() -> str:
    """The declaration as Markdown tables, for docs/security.md (`manage.py security_table`)."""
    from django.apps import apps

    header = ["model (admin name)", "sensitive data", *ROLE_NAMES, "why"]
    lines = [
        "Rights: V view, A add, C change, D delete; « — » nothing. A superuser has every right. A model "
        "missing from this table fails `tests/test_access_matrix.py`.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for rule in MODEL_RULES:
        verbose = apps.get_model(rule.model)._meta.verbose_name
        kinds = ", ".join(kind.label for kind in rule.kinds) or "—"
        cells = [f"`{rule.model}` ({verbose})", kinds, *(_cell(rule.rights.get(role, ())) for role in ROLE_NAMES)]
        lines.append("| " + " | ".join([*cells, rule.note.replace("|", "/")]) + " |")
    lines += [
        "",
        "Pages a ModelAdmin adds, and the right on its model each needs:",
        "",
        "| page (URL name) | model | right needed |",
        "| --- | --- | --- |",
    ]
    for rule in MODEL_RULES:
        for name, action in rule.admin_views.items():
            needed = "superusers only" if action is SUPERUSER_ONLY else action
            lines.append(f"| `admin:{name}` | `{rule.model}` | {needed} |")
    lines += [
        "",
        "On an account that is not a superuser's, a role with the change right on users (Direction) edits "
        f"only: {', '.join(f'`{name}`' for name in DELEGATED_ACCOUNT_FIELDS)}.",
    ]
    return "\n".join(lines) + "\n"
