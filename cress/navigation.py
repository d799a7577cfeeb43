"""The public areas of the portal: one table for the main navigation and for the
areas whose pages are not built yet.

An area that is not built yet (no `urls`) answers with an honest "bientôt disponible"
page at its final address, under its final URL name (`<namespace>:index`), so that
links made today keep working when the area is built and names its `urls`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    namespace: str
    path: str
    label: str
    summary: str
    action: str = ""
    urls: str = ""  # the app's URLconf once the area is built


AREAS = (
    Area(
        "annuaire",
        "annuaire/",
        "Annuaire",
        "L'annuaire et la carte des structures de l'économie sociale et solidaire de La Réunion : "
        "associations, coopératives, mutuelles, fondations et sociétés commerciales de l'ESS.",
        action="Action 4 — Communication",
        urls="annuaire.urls",
    ),
    Area(
        "actualites",
        "actualites/",
        "Actualités",
        "Les actualités de l'ESS à La Réunion et de la CRESS.",
        action="Action 4 — Communication",
        urls="communication.urls_news",
    ),
    Area(
        "agenda",
        "agenda/",
        "Agenda",
        "Les événements de l'ESS : Mois de l'ESS, forums, rencontres et formations ouvertes au public.",
        action="Action 4 — Communication",
        urls="communication.urls_agenda",
    ),
    Area(
        "formation",
        "formations/",
        "Formations",
        "Le catalogue des formations pour les salariés, bénévoles et employeurs de l'ESS, "
        "et l'inscription aux sessions.",
        action="Action 6 — Formation",
    ),
    Area(
        "observatoire",
        "observatoire/",
        "Observatoire",
        "Les chiffres de l'ESS par territoire, famille et secteur, les niches d'activité et les "
        "publications de l'observatoire régional.",
        action="Action 3 — Observatoire",
    ),
    Area(
        "territoires",
        "territoires/",
        "Territoires",
        "Les intercommunalités et communes de La Réunion, et les plans d'action concertés pour l'ESS.",
        action="Action 2 — Territoires",
        urls="territoires.urls",
    ),
    Area(
        "partenariats",
        "partenaires/",
        "Partenaires",
        "Les partenaires de la CRESS (chambres consulaires, URSCOP, Cité des Métiers, France Travail, "
        "CGSS…), les conventions et l'espace des structures partenaires.",
        action="Action 1 — Partenariats",
    ),
    Area(
        "experimentations",
        "financer-et-acheter/",
        "Financer et acheter responsable",
        "Les outils financiers pour les projets de l'ESS, les expérimentations et la plateforme "
        "d'achat responsable qui met en relation acheteurs et fournisseurs de l'ESS.",
        action="Action 7 — Expérimentations",
    ),
)

# Not in the main menu, but reached from the home page's call to action.
INTAKE = Area(
    "accueil",
    "accompagnement/",
    "Déposer une demande d'accompagnement",
    "Décrivez votre projet une fois : l'équipe de la CRESS l'étudie et vous oriente vers les "
    "structures d'accompagnement qui peuvent vous aider. Vous suivez votre demande par un lien "
    "personnel. Un guide vous aide aussi à choisir le statut de votre projet.",
    action="Action 5 — Accueil",
    urls="accueil.urls",
)
