"""Staff roles of the CRESS, as Django groups with their permissions.

The table below is the single statement of who may do what in the admin. The
groups are created by a data migration, and `sync_role_permissions` runs again
after every `migrate` so that a model added by a later app gets its permissions
attached to the right roles without a hand-written migration each time.
"""

from dataclasses import dataclass

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)


@dataclass(frozen=True)
class Role:
    group: str
    description: str
    # app label -> actions granted on every model of that app
    apps: dict[str, tuple[str, ...]]


ROLES = (
    Role(
        group="Accueil",
        description="Chargé·e d'accueil : demandes d'accompagnement, orientation, suivi.",
        apps={"accueil": ALL, "annuaire": ("view", "change"), "referentiels": VIEW, "messagerie": VIEW},
    ),
    Role(
        group="Observatoire",
        description="Chargé·e d'observatoire : données, indicateurs, rapports.",
        apps={"observatoire": ALL, "annuaire": ALL, "referentiels": ALL},
    ),
    Role(
        group="Communication",
        description="Chargé·e de communication : actualités, agenda, lettre d'information, annuaire.",
        apps={"communication": ALL, "annuaire": ALL, "referentiels": VIEW, "messagerie": VIEW},
    ),
    Role(
        group="Formation",
        description="Chargé·e de formation : catalogue, sessions, inscriptions, présences.",
        apps={"formation": ALL, "annuaire": VIEW, "referentiels": VIEW, "messagerie": VIEW},
    ),
    Role(
        group="Partenariats",
        description="Chargé·e de partenariats : conventions, territoires, expérimentations.",
        apps={
            "partenariats": ALL,
            "territoires": ALL,
            "experimentations": ALL,
            "annuaire": ALL,
            "referentiels": VIEW,
        },
    ),
    Role(
        group="Direction",
        description="Direction : lecture de tout, pilotage, gestion des comptes de l'équipe.",
        apps={
            "accueil": VIEW,
            "partenariats": VIEW,
            "territoires": VIEW,
            "observatoire": VIEW,
            "communication": VIEW,
            "formation": VIEW,
            "experimentations": VIEW,
            "annuaire": VIEW,
            "referentiels": VIEW,
            "messagerie": VIEW,
            "comptes": ALL,
            "auth": VIEW,
        },
    ),
)


def sync_role_permissions(*, group_model, permission_model) -> None:
    """Create the role groups and give each exactly the permissions of the table.

    Takes the model classes so that a data migration can pass its historical models.
    """
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.group)
        wanted = []
        for app_label, actions in role.apps.items():
            wanted.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label,
                    codename__regex=rf"^({'|'.join(actions)})_",
                ).values_list("pk", flat=True)
            )
        group.permissions.set(wanted)
