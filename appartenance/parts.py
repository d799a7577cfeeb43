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


PARTS: tuple[Part, ...] = ()

PARTS += (
    Part(
        "Centre de ressources",
        "Guides pratiques, études, modèles de statuts, publications de l'observatoire et enregistrements, "
        "à chercher par thème, public et format.",
        "resources",
    ),
)
