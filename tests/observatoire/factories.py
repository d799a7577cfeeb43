"""Establishment files as INSEE sends them, written row by row for the tests."""

import csv
import io
from dataclasses import asdict, dataclass

from referentiels.validators import luhn_is_valid

HEADER = (
    "siren",
    "siret",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleEtablissement",
    "codeCommuneEtablissement",
    "trancheEffectifsEtablissement",
    "caractereEmployeurEtablissement",
    "economieSocialeSolidaireUniteLegale",
    "dateCreationEtablissement",
    "etatAdministratifEtablissement",
    "effectifSalarie",
    "etp",
    "masseSalarialeBrute",
)


def with_key(digits: str) -> str:
    """`digits` followed by the Luhn key digit that makes the whole valid."""
    return next(digits + str(key) for key in range(10) if luhn_is_valid(digits + str(key)))


def make_siret(number: int) -> str:
    """A valid SIRET (SIREN and SIRET keys right) for each number."""
    siren = with_key(f"{number:08d}")
    return with_key(siren + "0001")


@dataclass
class Row:
    siret: str
    name: str = "Association test"
    legal_category: str = "9220"
    naf: str = "88.99B"
    commune: str = "97411"
    band: str = "11"
    employer: str = "O"
    ess: str = "O"
    created: str = "2010-05-01"
    state: str = "A"
    employees: str = "12"
    fte: str = "10,5"
    payroll: str = "300000"

    def cells(self) -> list[str]:
        values = asdict(self)
        return [
            values["siret"][:9],
            values["siret"],
            values["name"],
            values["legal_category"],
            values["naf"],
            values["commune"],
            values["band"],
            values["employer"],
            values["ess"],
            values["created"],
            values["state"],
            values["employees"],
            values["fte"],
            values["payroll"],
        ]


def establishment_file(rows, *, delimiter=";", encoding="latin-1") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row.cells() if isinstance(row, Row) else row)
    return buffer.getvalue().encode(encoding)
