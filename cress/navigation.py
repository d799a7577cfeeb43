"""The public areas of the portal: one table for the main navigation, the home page's
blocks and the sitemap.

An area is live once it names its `urls`: only then is it routed, in the menu, on the home
page and in the sitemap. An area still to come keeps its row (its final address and
label, reserved) but is linked from nowhere and its address answers 404; it appears
everywhere on the day its app names its URLconf here.

Labels and summaries are read by the public: people's words, never the programme's
internal names (« Action 4 — Communication ») — those belong on the « À propos » page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    namespace: str
    path: str
    label: str
    summary: str
    urls: str = ""  # the app's URLconf once the area is built

    @property
    def live(self) -> bool:
        return bool(self.urls)

    @property
    def url_name(self) -> str:
        return f"{self.namespace}:index"


AREAS = (
    Area(
        "annuaire",
        "annuaire/",
        "Annuaire",
        "L'annuaire et la carte des structures de l'économie sociale et solidaire de La Réunion : "
        "associations, coopératives, mutuelles, fondations et sociétés commerciales de l'ESS.",
        urls="annuaire.urls",
    ),
    Area(
        "actualites",
        "actualites/",
        "Actualités",
        "Les actualités de l'ESS à La Réunion et de la CRESS.",
        urls="communication.urls_news",
    ),
    Area(
        "agenda",
        "agenda/",
        "Agenda",
        "Les événements de l'ESS : Mois de l'ESS, forums, rencontres et formations ouvertes au public.",
        urls="communication.urls_agenda",
    ),
    Area(
        "formation",
        "formations/",
        "Formations",
        "Le catalogue des formations pour les salariés, bénévoles et employeurs de l'ESS, "
        "et l'inscription aux sessions.",
        urls="formation.urls",
    ),
    Area(
        "observatoire",
        "observatoire/",
        "Observatoire",
        "Les chiffres de l'ESS par territoire, famille et secteur, les niches d'activité et les "
        "publications de l'observatoire régional.",
        urls="observatoire.urls",
    ),
    Area(
        "territoires",
        "territoires/",
        "Territoires",
        "Les intercommunalités et les communes de La Réunion, et leur population.",
        urls="territoires.urls",
    ),
    Area(
        "partenariats",
        "partenaires/",
        "Partenaires",
        "Les partenaires de la CRESS (chambres consulaires, URSCOP, Cité des Métiers, France Travail, "
        "CGSS…), les conventions et l'espace des structures partenaires.",
        urls="partenariats.urls",
    ),
    Area(
        "emplois",
        "emplois/",
        "Emplois",
        "Les offres d'emploi et les missions bénévoles des structures de l'ESS de La Réunion, "
        "les métiers de l'ESS et l'orientation vers une carrière dans l'ESS.",
        urls="emplois.urls",
    ),
    Area(
        "experimentations",
        "financer-et-acheter/",
        "Financer et acheter responsable",
        "Les outils financiers pour les projets de l'ESS, les expérimentations et la plateforme "
        "d'achat responsable qui met en relation acheteurs et fournisseurs de l'ESS.",
        urls="experimentations.urls",
    ),
    Area(
        "appartenance",
        "ess/",
        "L'ESS et vous",
        "Savoir si votre structure fait partie de l'économie sociale et solidaire, évaluer ses bonnes "
        "pratiques, afficher son adhésion à la CRESS, trouver guides et modèles, concourir au Prix de l'ESS.",
        urls="appartenance.urls",
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
    urls="accueil.urls",
)


def live_areas() -> tuple[Area, ...]:
    """The areas whose pages work, in menu order."""
    return tuple(area for area in AREAS if area.live)


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str


# In the header on every page: where a holder gets the link to follow their request.
TRACKING = Link("Suivre ma demande", "accueil:nouveau-lien")
