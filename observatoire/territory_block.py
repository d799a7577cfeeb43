"""The observatory's block on the territory pages (lib.territory_blocks): the territory's
key figures in the latest published millésime, every value read through the secrecy mask
(`selectors.key_figures` → `cube.read`): a hidden cell shows « s », never its value."""

from django.urls import reverse

from lib.territory_blocks import TerritoryBlock
from observatoire import selectors, services
from observatoire.formatting import SECRET, french_number, french_percent
from observatoire.reference import current_reference


def _written(value, write) -> str:
    if value is None:
        return "—"
    return SECRET if value == SECRET else write(value)


def territory_figures(territory) -> dict:
    reference = current_reference()
    if not reference.millesimes:
        return {
            "empty": "L'observatoire n'a pas encore publié de chiffres : ceux de ce territoire apparaîtront ici "
            "dès la publication du premier millésime."
        }
    latest = reference.millesimes[-1]
    sources = reference.sources.get(latest.year) or []
    figures = selectors.key_figures(millesime=latest, territory=territory, source=sources[0]) if sources else None
    if figures is None or not figures.has_data:
        return {"empty": f"Le dernier millésime publié ({latest.year}) ne contient pas de chiffres pour ce territoire."}
    shown = [
        (_written(figures.establishments, french_number), "établissements employeurs de l'ESS"),
        (_written(figures.employees, french_number), "salariés dans l'ESS"),
        (_written(figures.share, french_percent), "de l'emploi salarié privé"),
    ]
    known = reference.territory(territory.code)
    return {
        "figures": shown,
        "has_secret": any(value == SECRET for value, _label in shown),
        "year": latest.year,
        "source_label": latest.source_note or reference.source_labels[figures.source],
        "synthetic": latest.is_synthetic,
        "portrait_url": reverse("observatoire:portrait", args=[territory.code])
        if known is not None and known.kind == territory.kind
        else "",
        "method_url": reverse("observatoire:methode") + "#secret",
    }


BLOCK = TerritoryBlock(
    name="observatoire",
    title="L'ESS en chiffres",
    order=10,
    template="observatoire/_bloc_territoire.html",
    context=territory_figures,
    version=services.data_version,
    wide=True,
)
