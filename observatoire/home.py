"""The observatory's key figures for the portal's home page (`lib.keyfigures`): the ESS of
La Réunion in the latest published millésime, read through the mask like any output."""

from django.urls import reverse

from lib.keyfigures import KeyFigure, KeyFigureBlock, KeyFigureProvider
from observatoire import selectors, services
from observatoire.formatting import SECRET, french_euros, french_number, french_percent
from observatoire.reference import current_reference


def _written(value, write) -> str:
    if value is None:
        return "—"
    return SECRET if value == SECRET else write(value)


def latest_key_figures() -> KeyFigureBlock | None:
    reference = current_reference()
    if not reference.millesimes:
        return None
    latest = reference.millesimes[-1]
    figures = selectors.key_figures(millesime=latest, territory=reference.region)
    if figures is None:
        return None
    return KeyFigureBlock(
        figures=(
            KeyFigure(_written(figures.establishments, french_number), "établissements employeurs de l'ESS"),
            KeyFigure(_written(figures.employees, french_number), "salariés dans l'ESS"),
            KeyFigure(_written(figures.share, french_percent), "de l'emploi salarié privé"),
            KeyFigure(_written(figures.payroll, french_euros), "de masse salariale brute"),
        ),
        source=latest.source_note or reference.source_labels[figures.source],
        year=latest.year,
        link_url=reverse("observatoire:index"),
        link_label="Tous les chiffres de l'observatoire",
        caveat="données synthétiques de démonstration" if latest.is_synthetic else "",
    )


PROVIDER = KeyFigureProvider(name="observatoire", figures=latest_key_figures, version=services.data_version)
