"""The dimensions of the observatory's figures: sectors (NAF and the ESS groupings) and families.

The ESS groupings follow the sectors the CRESS network's panoramas use; each NAF division
belongs to exactly one grouping, so that the groupings add up to all sectors, like the
NAF sections do.
"""

from dataclasses import dataclass

from referentiels.models import EssFamily


@dataclass(frozen=True)
class Grouping:
    code: str
    label: str
    divisions: tuple[str, ...]


def _span(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"{n:02d}" for n in range(first, last + 1))


GROUPINGS = (
    Grouping("action-sociale", "Action sociale", ("87", "88")),
    Grouping("sante", "Santé humaine", ("86",)),
    Grouping("enseignement", "Enseignement", ("85",)),
    Grouping("arts-spectacles", "Arts, spectacles et culture", ("90", "91")),
    Grouping("sports-loisirs", "Sports et loisirs", ("93",)),
    Grouping("finance-assurance", "Activités financières et d'assurance", ("64", "65", "66")),
    Grouping("soutien-entreprises", "Soutien aux entreprises", _span(69, 82)),
    Grouping("hebergement-restauration", "Hébergement et restauration", ("55", "56")),
    Grouping("commerce", "Commerce", ("45", "46", "47")),
    Grouping("industrie-construction", "Industrie et construction", _span(5, 43)),
    Grouping("agriculture", "Agriculture, sylviculture et pêche", ("01", "02", "03")),
    Grouping("associations-diverses", "Organisations associatives diverses", ("94",)),
)
OTHER = Grouping("autres", "Autres activités", ())
GROUPING_BY_DIVISION = {division: grouping for grouping in GROUPINGS for division in grouping.divisions}
GROUPING_LABELS = {grouping.code: grouping.label for grouping in (*GROUPINGS, OTHER)}


def grouping_of(division: str) -> Grouping:
    return GROUPING_BY_DIVISION.get(division, OTHER)


FAMILY_LABELS = dict(EssFamily.choices)
