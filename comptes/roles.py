"""The staff roles, what a rule of the access declaration says, and how a declaration
becomes the roles' groups.

The declaration itself (`MODEL_RULES`: every model, its sensitive data, each role's
actions) is in the composition root, `cress/access.py`, since it names the models of
every app and comptes sits below them. Roles are groups: comptes' migration 0002 creates
them, and `sync_role_permissions` gives each exactly the permissions declared (after
every `migrate`, `cress.apps`).
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


def sync_role_permissions(*, rules, group_model, permission_model) -> None:
    """Create the role groups and give each exactly the permissions of `rules` (ModelRules).

    Takes the model classes so that a data migration can pass its historical models;
    permissions of models not created yet are attached by the next sync.
    """
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.group)
        wanted = Q(pk__in=[])
        for rule in rules:
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


def declaration_markdown(rules) -> str:
    """A declaration (ModelRules) as Markdown tables, for docs/security.md (`manage.py security_table`)."""
    from django.apps import apps

    header = ["model (admin name)", "sensitive data", *ROLE_NAMES, "why"]
    lines = [
        "Rights: V view, A add, C change, D delete; « — » nothing. A superuser has every right. A model "
        "missing from this table fails `tests/test_access_matrix.py`.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for rule in rules:
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
    for rule in rules:
        for name, action in rule.admin_views.items():
            needed = "superusers only" if action is SUPERUSER_ONLY else action
            lines.append(f"| `admin:{name}` | `{rule.model}` | {needed} |")
    lines += [
        "",
        "On an account that is not a superuser's, a role with the change right on users (Direction) edits "
        f"only: {', '.join(f'`{name}`' for name in DELEGATED_ACCOUNT_FIELDS)}.",
    ]
    return "\n".join(lines) + "\n"
