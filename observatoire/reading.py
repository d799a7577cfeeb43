"""Reading the files staff give the observatory: INSEE's establishment file and published
aggregated tables.

Real INSEE files come with `;` or `,` separators, in UTF-8 or Latin-1: both are detected.
Each row is checked and either becomes a plain tuple ready for the database or a refusal
with its reason in French. Nothing here writes to the database (`services.py` does).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from referentiels.validators import LA_POSTE_SIREN, luhn_is_valid

PREVIEW_ROWS = 10


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is in French, for the staff."""


@dataclass(frozen=True)
class Refusal:
    line: int  # the header is line 1
    identifier: str
    reason: str


@dataclass(frozen=True)
class OpenedFile:
    encoding: str
    delimiter: str
    header: list[str]
    text: io.TextIOBase


def open_table(raw: bytes) -> OpenedFile:
    """Detect the encoding (UTF-8, with or without BOM, else Latin-1) and the separator."""
    if not raw.strip():
        raise FileRefused("Le fichier est vide.")
    try:
        text = raw.decode("utf-8-sig")
        encoding = "UTF-8"
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        encoding = "Latin-1"
    first_line = text.partition("\n")[0]
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise FileRefused(
            "La première ligne ne contient aucun séparateur (« ; », « , » ou tabulation) : est-ce un CSV ?"
        )
    stream = io.StringIO(text, newline="")
    header = [name.strip() for name in next(csv.reader(stream, delimiter=delimiter))]
    return OpenedFile(encoding, delimiter, header, stream)


def _columns(header: list[str], wanted: dict[str, tuple[str, ...]], required: set[str]) -> dict[str, int]:
    """Position of each wanted column (by any of its names, case-insensitive)."""
    lowered = {name.lower(): index for index, name in enumerate(header)}
    found = {}
    for key, names in wanted.items():
        for name in names:
            if name.lower() in lowered:
                found[key] = lowered[name.lower()]
                break
    missing = [wanted[key][0] for key in wanted if key in required and key not in found]
    if missing:
        raise FileRefused(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
    return found


# --- The establishment file ----------------------------------------------------------

ESTABLISHMENT_COLUMNS = {
    "siret": ("siret",),
    "siren": ("siren",),
    "name": ("denominationUniteLegale", "denomination", "raison_sociale"),
    "legal_category": ("categorieJuridiqueUniteLegale", "categorie_juridique"),
    "naf_code": ("activitePrincipaleEtablissement", "apet700", "code_naf"),
    "commune_code": ("codeCommuneEtablissement", "depcomet", "code_commune"),
    "headcount_band": ("trancheEffectifsEtablissement", "tefet", "tranche_effectif"),
    "employer": ("caractereEmployeurEtablissement", "caractere_employeur"),
    "ess": ("economieSocialeSolidaireUniteLegale", "ess"),
    "created_on": ("dateCreationEtablissement", "date_creation"),
    "state": ("etatAdministratifEtablissement", "etat_administratif"),
    "employees": ("effectifSalarie", "effectifs", "salaries"),
    "fte": ("etp", "equivalentsTempsPlein"),
    "payroll": ("masseSalarialeBrute", "masse_salariale"),
}
ESTABLISHMENT_REQUIRED = {
    "siret",
    "legal_category",
    "naf_code",
    "commune_code",
    "employer",
    "ess",
    "state",
}
HEADCOUNT_BANDS = {"", "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53"}
_NAF_WITHOUT_DOT = re.compile(r"[0-9]{4}[A-Z]")
_LEGAL_CATEGORY = re.compile(r"[1-9][0-9]{3}")


@dataclass(frozen=True)
class References:
    """What a row is checked against: the referentiels, loaded once per file."""

    communes: frozenset[str]
    legal_categories: frozenset[str]
    naf_codes: frozenset[str]


class EstablishmentReader:
    """Turns the rows of one establishment file of millésime `year` into database tuples."""

    # The order of the tuples `rows()` yields: the columns of observatoire_establishment.
    FIELDS = (
        "siret",
        "siren",
        "name",
        "legal_category",
        "naf_code",
        "commune_code",
        "headcount_band",
        "is_employer",
        "ess_declared",
        "created_on",
        "is_active",
        "employees",
        "fte",
        "payroll",
    )

    def __init__(self, opened: OpenedFile, *, year: int, refs: References):
        self.opened = opened
        self.year = year
        self.refs = refs
        self.columns = _columns(opened.header, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED)
        self.seen: dict[str, int] = {}
        self.refusals: list[Refusal] = []

    def records(self):
        """(line, cells) for each non-empty data row, as an editor numbers the lines."""
        reader = csv.reader(self.opened.text, delimiter=self.opened.delimiter)
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num + 1, cells
        except csv.Error as exc:
            raise FileRefused(f"Le fichier CSV est mal formé (ligne {reader.line_num + 1}).") from exc

    def rows(self):
        """Each accepted row as a tuple in FIELDS order; refusals are collected on the way."""
        for line, cells in self.records():
            try:
                yield self.parse(cells, line)
            except _Refused as refused:
                self.refusals.append(Refusal(line, self._cell(cells, "siret")[:40], str(refused)))

    def _cell(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def parse(self, cells: list[str], line: int) -> tuple:
        size = len(cells)
        found = {key: cells[index].strip() if index < size else "" for key, index in self.columns.items()}
        siret = found.get("siret", "").replace(" ", "")
        if len(siret) != 14 or not siret.isdigit():
            raise _Refused("SIRET invalide : 14 chiffres attendus.")
        if siret.startswith(LA_POSTE_SIREN):
            key_ok = luhn_is_valid(siret) or sum(map(int, siret)) % 5 == 0
        else:
            key_ok = luhn_is_valid(siret[:9]) and luhn_is_valid(siret)
        if not key_ok:
            raise _Refused("SIRET invalide : clé de contrôle incorrecte.")
        siren = found.get("siren", "").replace(" ", "")
        if siren and siren != siret[:9]:
            raise _Refused(f"Le SIREN {siren} ne correspond pas aux 9 premiers chiffres du SIRET.")
        if siret in self.seen:
            raise _Refused(f"SIRET en double dans le fichier (déjà ligne {self.seen[siret]}).")
        self.seen[siret] = line

        legal_category = found.get("legal_category", "")
        # Every private employer counts for the whole economy, so a category outside the
        # referentiel (an individual entrepreneur, a public body) is read by its format.
        if legal_category not in self.refs.legal_categories and not _LEGAL_CATEGORY.fullmatch(legal_category):
            raise _Refused(f"Catégorie juridique invalide : « {legal_category} » (4 chiffres, le premier de 1 à 9).")
        naf_code = found.get("naf_code", "").upper()
        if _NAF_WITHOUT_DOT.fullmatch(naf_code):
            naf_code = f"{naf_code[:2]}.{naf_code[2:]}"
        if naf_code not in self.refs.naf_codes:
            raise _Refused(f"Code NAF inconnu : « {naf_code} ».")
        commune_code = found.get("commune_code", "")
        if commune_code not in self.refs.communes:
            raise _Refused(f"Commune inconnue : « {commune_code} ».")
        band = found.get("headcount_band", "").upper()
        if band not in HEADCOUNT_BANDS:
            raise _Refused(f"Tranche d'effectif inconnue : « {band} ».")
        employer = _flag(found.get("employer", ""), "caractère employeur")
        ess = _flag(found.get("ess", ""), "qualité ESS")
        state = found.get("state", "").upper()
        if state not in {"A", "F"}:
            raise _Refused(f"État administratif inconnu : « {state} » (A ou F attendu).")
        created_on = None
        if raw := found.get("created_on", ""):
            try:
                created_on = date.fromisoformat(raw)
            except ValueError:
                raise _Refused(f"Date de création illisible : « {raw} » (AAAA-MM-JJ attendu).") from None
            if created_on.year > self.year:
                raise _Refused(
                    f"Créé le {created_on:%d/%m/%Y}, après la fin du millésime {self.year} : "
                    f"ce fichier est-il bien celui de {self.year} ?"
                )
        employees = _whole(found.get("employees", ""), "effectif salarié")
        fte = _decimal(found.get("fte", ""), "équivalents temps plein")
        payroll = _whole(found.get("payroll", ""), "masse salariale", limit=PAYROLL_MAX)
        name = "" if legal_category.startswith("1") else found.get("name", "")[:255]
        return (
            siret,
            siret[:9],
            name,
            legal_category,
            naf_code,
            commune_code,
            band,
            employer,
            ess,
            created_on,
            state == "A",
            employees,
            fte,
            payroll,
        )


class _Refused(Exception):
    pass


def _flag(value: str, what: str) -> bool:
    value = value.upper()
    if value in {"O", "OUI", "1", "TRUE"}:
        return True
    if value in {"N", "NON", "0", "FALSE", ""}:
        return False
    raise _Refused(f"Valeur inconnue pour {what} : « {value} » (O ou N attendu).")


def _number_text(value: str) -> str:
    return value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")


# The largest value of an integer column (PositiveIntegerField); payrolls are bigger columns.
INTEGER_COLUMN_MAX = 2_147_483_647
PAYROLL_MAX = 10**12


def _read_number(value: str, what: str) -> Decimal:
    """A finite number, or the row is refused (« NaN » and « Infinity » are valid Decimals)."""
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _Refused(f"{what.capitalize()} illisible : « {value} ».")
    return number


def _whole(value: str, what: str, *, limit: int = INTEGER_COLUMN_MAX) -> int | None:
    if not value:
        return None
    number = _read_number(value, what)
    if number < 0:
        raise _Refused(f"{what.capitalize()} négatif : {value}.")
    if number != number.to_integral_value():
        raise _Refused(f"{what.capitalize()} : un nombre entier est attendu, pas « {value} ».")
    if number > limit:
        raise _Refused(f"{what.capitalize()} invraisemblable : {value}.")
    return int(number)


def _decimal(value: str, what: str, *, limit: int = 10**6) -> Decimal | None:
    if not value:
        return None
    number = _read_number(value, what)
    if number < 0:
        raise _Refused(f"{what.capitalize()} négatif : {value}.")
    if number > limit:
        raise _Refused(f"{what.capitalize()} invraisemblable : {value}.")
    return number.quantize(Decimal("0.1"))


# --- Published aggregated tables -------------------------------------------------------

TABLE_COLUMNS = {
    "source": ("source",),
    "scope": ("champ",),
    "territory": ("territoire",),
    "family": ("famille",),
    "sector_level": ("niveau_secteur",),
    "sector": ("secteur",),
    "establishments": ("etablissements",),
    "employees": ("salaries",),
    "fte": ("etp",),
    "payroll": ("masse_salariale",),
}
TABLE_REQUIRED = {"source", "scope", "territory", "family", "sector_level", "sector", "establishments"}
SOURCE_SECRET = "s"  # noqa: S105 — what INSEE and the Urssaf print in place of a value they keep secret


@dataclass(frozen=True)
class TableReferences:
    territories: dict[str, int | None]  # code → Territory id; "FR" → None
    families: frozenset[str]
    sectors: dict[str, frozenset[str]]  # level → allowed codes
    sources: frozenset[str]
    scopes: frozenset[str]


class TableReader:
    """Rows of a published aggregated table (one millésime), as Figure field dicts. A value
    the source keeps secret (« s », or an empty establishment count) makes a secret cell
    (`source_secret`), never a refusal nor a zero."""

    def __init__(self, opened: OpenedFile, *, refs: TableReferences):
        self.opened = opened
        self.refs = refs
        self.columns = _columns(opened.header, TABLE_COLUMNS, TABLE_REQUIRED)
        self.refusals: list[Refusal] = []
        self.seen: dict[tuple, int] = {}

    def rows(self):
        reader = csv.reader(self.opened.text, delimiter=self.opened.delimiter)
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                line = reader.line_num + 1
                try:
                    yield self.parse(cells, line)
                except _Refused as refused:
                    self.refusals.append(Refusal(line, "", str(refused)))
        except csv.Error as exc:
            raise FileRefused(f"Le fichier CSV est mal formé (ligne {reader.line_num + 1}).") from exc

    def parse(self, cells: list[str], line: int) -> dict:
        def cell(key):
            index = self.columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        source = cell("source").lower()
        if source not in self.refs.sources:
            raise _Refused(f"Source inconnue : « {source} » ({', '.join(sorted(self.refs.sources))} attendu).")
        scope = cell("scope").lower()
        if scope not in self.refs.scopes:
            raise _Refused(f"Champ inconnu : « {scope} » ({', '.join(sorted(self.refs.scopes))} attendu).")
        territory = cell("territory").upper()
        if territory not in self.refs.territories:
            raise _Refused(f"Territoire inconnu : « {territory} ».")
        family = cell("family").lower()
        if family not in self.refs.families:
            raise _Refused(f"Famille inconnue : « {family} ».")
        if scope != "ess" and family != "toutes":
            raise _Refused("Pour l'ensemble des employeurs, la famille est « toutes ».")
        level = cell("sector_level").lower()
        sector = cell("sector").upper() if level in {"section"} else cell("sector").lower()
        if level not in self.refs.sectors:
            raise _Refused(f"Niveau de secteur inconnu : « {level} ».")
        if sector not in self.refs.sectors[level]:
            raise _Refused(f"Secteur inconnu au niveau « {level} » : « {sector} ».")
        key = (source, scope, territory, family, level, sector)
        if key in self.seen:
            raise _Refused(f"Case en double dans le fichier (déjà ligne {self.seen[key]}).")
        self.seen[key] = line
        # « s » is the source's own secret, in any measure; so is an empty establishment
        # count (the column is required: empty cannot mean « not given »). The cell is kept,
        # secret, with what the source did give: absent, it would read as a true zero.
        measures = {key: cell(key) for key in ("establishments", "employees", "fte", "payroll")}
        secret = {key for key, value in measures.items() if value.lower() == SOURCE_SECRET}
        if not measures["establishments"]:
            secret.add("establishments")
        known = {key: "" if key in secret else value for key, value in measures.items()}
        establishments = _whole(known["establishments"], "nombre d'établissements")
        row = {
            "source": source,
            "scope": scope,
            "territory_id": self.refs.territories[territory],
            "family": family,
            "sector_level": level,
            "sector": sector,
            "establishments": establishments or 0,
            "employees": _whole(known["employees"], "effectif salarié"),
            "fte": _decimal(known["fte"], "équivalents temps plein", limit=10**9),
            "payroll": _whole(known["payroll"], "masse salariale", limit=PAYROLL_MAX),
        }
        if secret:
            row["source_secret"] = True
        return row
