"""The observatory's source for the ESS métiers pages (lib.employment_figures): salaried
employment in the ESS of La Réunion for NAF divisions, in the latest published millésime,
read through the secrecy mask like any output."""

from django.urls import reverse

from lib.employment_figures import SECRET_LABEL, EmploymentFigure, EmploymentSource
from observatoire import cube, services
from observatoire.formatting import french_number
from observatoire.models import ALL_FAMILIES, Figure, Scope, SectorLevel
from observatoire.reference import current_reference


def ess_employment(naf_divisions: list[str]) -> EmploymentFigure | None:
    """The ESS's salaried employees in these divisions, region-wide: the sum of the
    divisions' published cells, or « secret statistique » when any of them is hidden (a
    sum with a hidden part would let a reader estimate it). One query (the reference is
    cached per data version). None without a published millésime or a measured employment."""
    reference = current_reference()
    if not reference.millesimes:
        return None
    latest = reference.millesimes[-1]
    sources = reference.sources.get(latest.year) or []
    if not sources:
        return None
    source, region = sources[0], reference.region
    rows = cube.rows(
        Figure.objects.filter(
            millesime=latest,
            source=source,
            scope=Scope.ESS,
            territory=region,
            family=ALL_FAMILIES,
            sector_level=SectorLevel.DIVISION,
            sector__in=naf_divisions,
        )
    )
    found = {row.sector: row for row in rows}
    cells = [cube.read(found.get(code), key=(str(region.pk), ALL_FAMILIES, code)) for code in naf_divisions]
    labels = reference.sector_labels
    activities = ", ".join(labels.get(code, code) for code in naf_divisions)
    common = {
        "label": "salarié·es de l'ESS à La Réunion dans ces activités",
        "source": latest.source_note or reference.source_labels[source],
        "year": latest.year,
        "note": f"Activités comptées (divisions NAF) : {activities}."
        + (" Données synthétiques de démonstration." if latest.is_synthetic else ""),
        "link_url": reverse("observatoire:methode"),
        "link_label": "La méthode de l'observatoire et le secret statistique",
    }
    if any(cell.is_secret for cell in cells):
        return EmploymentFigure(value=SECRET_LABEL, is_secret=True, **common)
    employees = [cell.employees for cell in cells]
    if all(value is None for value in employees):
        return None
    return EmploymentFigure(value=french_number(sum(value or 0 for value in employees)), **common)


SOURCE = EmploymentSource(name="observatoire", figure=ess_employment, version=services.data_version)
