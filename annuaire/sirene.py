"""Import of organisations from a CSV shaped like the INSEE Sirene stock file (établissements).

`import_sirene_csv(file=…)` reads the whole file first (so a file error changes nothing),
rejects the rows that cannot go into the directory with a French reason, then upserts the
others on their SIRET in one transaction, with simple-history's bulk helpers so that every
creation and change is in the history.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from annuaire.models import HeadcountBand, Organisation
from annuaire.services import bump_directory_version, derive_fields, save_organisations_in_bulk
from referentiels.models import LegalForm, NafActivity, NafSection, Territory, TerritoryKind
from referentiels.validators import normalise_identifier, validate_siret

REQUIRED_COLUMNS = (
    "siren",
    "siret",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleEtablissement",
    "codeCommuneEtablissement",
)
# INSEE bands above 200 employees: the directory has a single "200 and more" band.
HEADCOUNT_BANDS = {code: code for code in HeadcountBand.values} | dict.fromkeys(
    ("32", "41", "42", "51", "52", "53"), HeadcountBand.B200_PLUS.value
)
CHANGE_REASON = "Import Sirene"
BATCH_SIZE = 500


class SireneFileError(Exception):
    """The file as a whole cannot be imported; the message is in French, for the user."""


@dataclass(frozen=True)
class Rejection:
    line: int  # the header is line 1
    siret: str  # as given in the file
    reason: str


@dataclass
class SireneImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """The counts in one French sentence."""
        counts = [
            _plural(self.created, "structure créée", "structures créées"),
            _plural(self.updated, "mise à jour", "mises à jour"),
            _plural(self.unchanged, "inchangée", "inchangées"),
            _plural(len(self.rejections), "ligne rejetée", "lignes rejetées"),
        ]
        return f"Import Sirene : {', '.join(counts)}."

    def summary(self) -> str:
        """The report in French: the counts, then one line per rejected row."""
        lines = [self.headline]
        lines += [f"  Ligne {r.line} (SIRET « {r.siret} ») : {r.reason}" for r in self.rejections]
        return "\n".join(lines)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


class _Rejected(Exception):
    pass


@dataclass(frozen=True)
class _Row:
    line: int
    siret: str
    values: dict  # Organisation attribute -> value; optional values left empty in the file are absent


class _References:
    def __init__(self):
        self.legal_forms = {form.code: form for form in LegalForm.objects.all()}
        self.communes = {c.code: c for c in Territory.objects.filter(kind=TerritoryKind.COMMUNE)}
        self.epcis = Territory.objects.filter(kind=TerritoryKind.EPCI).in_bulk()
        self.activities = {a.code: a for a in NafActivity.objects.select_related("division")}
        self.sections = NafSection.objects.in_bulk()


@transaction.atomic
def import_sirene_csv(*, file, publish: bool = False) -> SireneImportReport:
    """Create or update the directory's organisations from a Sirene CSV (UTF-8, comma-separated).

    `file` is a text or binary stream (an uploaded file); bytes are decoded as UTF-8, BOM or
    not. Organisations are matched on their SIRET: new ones are created published only if
    `publish`, existing ones keep their publication state, and an empty optional value never
    erases what the directory already knows. Raises SireneFileError (French message) when the
    file cannot be read as a Sirene CSV; the database is then untouched. Everything is
    written in one transaction, and the directory's cache version is bumped once after it.
    """
    records = _read_records(file)
    refs = _References()
    report = SireneImportReport()
    rows, first_lines = [], {}
    for line, record in records:
        try:
            rows.append(_parse(line, record, refs, first_lines))
        except _Rejected as exc:
            report.rejections.append(Rejection(line, _value(record, "siret"), str(exc)))
    for chunk in batched(rows, BATCH_SIZE):
        _write(chunk, refs, publish, report)
    if report.created or report.updated:
        transaction.on_commit(bump_directory_version)
    return report


def _read_records(file) -> list[tuple[int, dict]]:
    try:
        data = file.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise SireneFileError(
            f"Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne {line}). "
            "Enregistrez-le en UTF-8 puis recommencez."
        ) from exc
    if not text.strip():
        raise SireneFileError("Le fichier est vide.")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames]
        reader.fieldnames = header
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            hint = " Le séparateur attendu est la virgule." if ";" in text.partition("\n")[0] else ""
            raise SireneFileError(f"Colonnes obligatoires absentes : {', '.join(missing)}.{hint}")
        # Physical line numbers, as an editor shows them (blank lines are skipped but counted).
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise SireneFileError(f"Le fichier CSV est mal formé (ligne {reader.line_num}).") from exc
    if not records:
        raise SireneFileError("Le fichier ne contient aucune ligne de données après l'en-tête.")
    return records


def _value(record: dict, column: str) -> str:
    return (record.get(column) or "").strip()


def _parse(line: int, record: dict, refs: _References, first_lines: dict) -> _Row:
    """The organisation's values for one row, or _Rejected with the reason."""
    siret = normalise_identifier(_value(record, "siret"))
    try:
        validate_siret(siret)
    except ValidationError as exc:
        raise _Rejected(exc.messages[0]) from exc
    if siret in first_lines:
        raise _Rejected(f"SIRET en double dans le fichier (déjà présent ligne {first_lines[siret]}).")
    first_lines[siret] = line
    if _value(record, "etatAdministratifEtablissement").upper() == "F":
        raise _Rejected("Établissement fermé (état administratif F).")
    siren = normalise_identifier(_value(record, "siren"))
    if siren and siren != siret[:9]:
        raise _Rejected(f"Le SIREN {siren} ne correspond pas aux 9 premiers chiffres du SIRET.")
    name = _value(record, "denominationUniteLegale")
    if not name:
        raise _Rejected("Dénomination absente.")
    code = _value(record, "categorieJuridiqueUniteLegale")
    legal_form = refs.legal_forms.get(code)
    if legal_form is None:
        raise _Rejected(f"Forme juridique inconnue : « {code} ».")
    ess_flag = _value(record, "economieSocialeSolidaireUniteLegale").upper()
    if not legal_form.family and ess_flag != "O":
        raise _Rejected(
            f"Hors du champ de l'ESS : forme juridique « {legal_form.label} » ({code}) sans qualité ESS déclarée."
        )
    code = _value(record, "codeCommuneEtablissement")
    commune = refs.communes.get(code)
    if commune is None:
        raise _Rejected(f"Commune inconnue : « {code} ».")
    code = _value(record, "activitePrincipaleEtablissement").upper()
    if re.fullmatch(r"[0-9]{4}[A-Z]", code):
        code = f"{code[:2]}.{code[2:]}"
    activity = refs.activities.get(code)
    if activity is None:
        raise _Rejected(f"Code NAF inconnu : « {code} ».")

    values = {
        "siret": siret,
        "siren": siret[:9],
        "name": name[:255],
        "legal_form": legal_form,
        "commune": commune,
        "naf_activity": activity,
        "acronym": _value(record, "sigleUniteLegale")[:50],
        "address": " ".join(
            part
            for part in (
                _value(record, "numeroVoieEtablissement"),
                _value(record, "typeVoieEtablissement"),
                _value(record, "libelleVoieEtablissement"),
            )
            if part
        )[:255],
        "postcode": _value(record, "codePostalEtablissement"),
        "headcount_band": HEADCOUNT_BANDS.get(_value(record, "trancheEffectifsEtablissement"), ""),
        "creation_year": _creation_year(_value(record, "dateCreationUniteLegale")),
    }
    if ess_flag in {"O", "N"}:
        values["ess_declared"] = ess_flag == "O"
    if not re.fullmatch(r"97[0-9]{3}", values["postcode"]):
        values["postcode"] = ""
    values.update(_coordinates(_value(record, "latitude"), _value(record, "longitude")))
    values = {key: value for key, value in values.items() if value not in ("", None)}
    return _Row(line, siret, values)


def _creation_year(value: str) -> int | None:
    try:
        year = date.fromisoformat(value).year
    except ValueError:
        return None
    return year if 1800 <= year <= 2100 else None


def _coordinates(latitude: str, longitude: str) -> dict:
    if not latitude and not longitude:
        return {}
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        lat = lon = math.nan
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Rejected(f"Coordonnées invalides : latitude « {latitude} », longitude « {longitude} ».")
    return {"latitude": lat, "longitude": lon}


def _state(organisation: Organisation) -> dict:
    return {f.name: getattr(organisation, f.attname) for f in Organisation._meta.concrete_fields}


def _write(chunk: tuple[_Row, ...], refs: _References, publish: bool, report: SireneImportReport) -> None:
    # Bulk reads and writes, each row with its history: saving 20 000 rows one by one took 50 s.
    existing = {
        organisation.siret: organisation
        for organisation in Organisation.objects.filter(siret__in=[row.siret for row in chunk]).prefetch_related(
            "categories", "labels"
        )
    }
    created, updated, fields = [], [], set()
    for row in chunk:
        organisation = existing.get(row.siret)
        if organisation is None:
            organisation = Organisation(slug=f"{slugify(row.values['name'])[:200]}-{row.siret}", is_published=publish)
        before = _state(organisation)
        for name, value in row.values.items():
            setattr(organisation, name, value)
        derive_fields(organisation)
        if organisation.pk is None:
            created.append(organisation)
            continue
        changed = {name for name, value in _state(organisation).items() if value != before[name]}
        if changed:
            updated.append(organisation)
            fields |= changed
        else:
            report.unchanged += 1
    save_organisations_in_bulk(
        created=created,
        updated=updated,
        fields=fields,
        change_reason=CHANGE_REASON,
        references={"epci": refs.epcis, "sector": refs.sections},
    )
    report.created += len(created)
    report.updated += len(updated)
