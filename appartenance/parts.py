"""The parts of the « L'ESS et vous » area, in the order its home page shows them: each part
adds its row here when it is built (never a row for a part still to come)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Part:
    title: str
    summary: str
    url_name: str  # in the « appartenance » namespace

    @property
    def url(self) -> str:
        return reverse(f"appartenance:{self.url_name}")


PARTS: tuple[Part, ...] = (
    Part(
        "Mon entreprise fait-elle partie de l'ESS ?",
        "Quelques questions, sans compte : chaque condition de la loi, remplie ou non, avec son article, ce qu'il "
        "faudrait changer, et l'agrément ESUS.",
        "autodiagnostic",
    ),
    Part(
        "Le guide des bonnes pratiques",
        "Chaque entreprise de l'ESS présente chaque année en assemblée générale ses pratiques sur les huit thèmes "
        "du guide (loi du 31 juillet 2014, article 3) : évaluez-les à plusieurs, fixez vos actions d'amélioration, "
        "comparez les années.",
        "guide",
    ),
    Part(
        "Le badge des adhérents",
        "Adhérente de la CRESS Réunion ou statut ESS vérifié : affichez le badge « Entreprise de l'ESS » "
        "sur votre site et dans vos courriels, avec sa page de vérification.",
        "badges-membre",
    ),
    Part(
        "Centre de ressources",
        "Guides pratiques, études, modèles de statuts, publications de l'observatoire et enregistrements, "
        "à chercher par thème, public et format.",
        "resources",
    ),
    Part(
        "Le Prix de l'ESS",
        "Chaque année, des structures de l'ESS et leurs projets distingués par catégorie : le calendrier, les "
        "conditions, la candidature en ligne au nom de votre structure, puis les lauréats.",
        "prix",
    ),
)
