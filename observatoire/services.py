"""What changes the observatory's data: imports, the figures computed from the establishment
file, and the millésimes' workflow (publication bumps the data version)."""

import csv
import io
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Case, Count, Max, Q, Sum, When
from django.db.models.functions import Substr
from django.utils import timezone

from lib import cacheversion
from lib.workflow import WorkflowError
from observatoire import cube
from observatoire.models import (
    ALL_FAMILIES,
    ALL_SECTORS,
    MILLESIME_WORKFLOW,
    DataImport,
    Establishment,
    Figure,
    ImportKind,
    ImportRefusal,
    ImportStatus,
    Millesime,
    MillesimeState,
    MillesimeTransition,
    PerimeterExclusion,
    Scope,
    Secrecy,
    SectorLevel,
    Source,
)
from observatoire.reading import (
    EstablishmentReader,
    FileRefused,
    References,
    TableReader,
    TableReferences,
    open_table,
)
from observatoire.secrecy import REASON_SOURCE, Cell, Thresholds
from observatoire.sectors import GROUPING_LABELS, grouping_of
from referentiels.models import EssFamily, LegalForm, NafActivity, NafDivision, NafSection, Territory, TerritoryKind

DATA_VERSION_KEY = "observatoire:data-version"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
PROGRESS_EVERY = 5000
# Legal categories of public bodies (INSEE level I: 4 public bodies under commercial law,
# 7 public administration): not private employers.
PUBLIC_CATEGORY_PREFIXES = ("4", "7")


logger = logging.getLogger(__name__)


def data_version() -> int:
    """Part of every cache key of the observatory's pages and reports."""
    return cacheversion.current(DATA_VERSION_KEY)


def data_version_with(keys: list[str]) -> tuple[int, dict]:
    """The data version and the cache values of `keys`, in one round trip: entries kept
    under unversioned keys carry the version they were made for."""
    return cacheversion.current_with(DATA_VERSION_KEY, keys)


def _bump_data_version() -> None:
    cacheversion.bump(DATA_VERSION_KEY)


# --- Imports ---------------------------------------------------------------------------


def upload_import(*, kind: str, year: int, upload, by) -> DataImport:
    """Keep an uploaded file for preview, once its header is readable.

    Raises ValidationError (French message) and keeps nothing when the file cannot be read
    or its millésime is published.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo.")
    raw = upload.read()
    _check_millesime_open(year)
    try:
        opened = open_table(raw)
        reader_for(kind, opened, year=year)  # checks the columns
    except FileRefused as refused:
        raise ValidationError(str(refused)) from refused
    data_import = DataImport(
        kind=kind,
        year=year,
        original_name=upload.name[:255],
        encoding=opened.encoding,
        delimiter=opened.delimiter,
        uploaded_by=by,
    )
    # Establishment-level data: a name nobody can guess, even with the year.
    data_import.file.save(f"import-{year}-{secrets.token_hex(12)}.csv", ContentFile(raw), save=False)
    data_import.full_clean()
    data_import.save()
    return data_import


def _check_millesime_open(year: int) -> None:
    state = Millesime.objects.filter(year=year).values_list("state", flat=True).first()
    if state == MillesimeState.PUBLISHED:
        raise ValidationError(
            f"Le millésime {year} est publié : retirez-le de la publication avant d'en importer à nouveau les données."
        )


def reader_for(kind: str, opened, *, year: int):
    if kind == ImportKind.ESTABLISHMENTS:
        return EstablishmentReader(opened, year=year, refs=establishment_references())
    return TableReader(opened, refs=table_references())


def establishment_references() -> References:
    return References(
        communes=frozenset(Territory.objects.filter(kind=TerritoryKind.COMMUNE).values_list("code", flat=True)),
        legal_categories=frozenset(LegalForm.objects.values_list("code", flat=True)),
        naf_codes=frozenset(NafActivity.objects.values_list("code", flat=True)),
    )


def table_references() -> TableReferences:
    territories = {code: pk for pk, code in Territory.objects.values_list("pk", "code")}
    return TableReferences(
        territories={"FR": None, **territories},
        families=frozenset([ALL_FAMILIES, *EssFamily.values]),
        sectors={
            SectorLevel.ALL: frozenset([ALL_SECTORS]),
            SectorLevel.SECTION: frozenset(NafSection.objects.values_list("code", flat=True)),
            SectorLevel.DIVISION: frozenset(NafDivision.objects.values_list("code", flat=True)),
            SectorLevel.GROUPING: frozenset(GROUPING_LABELS),
        },
        sources=frozenset(Source.values) - {Source.BASE},
        scopes=frozenset(Scope.values),
    )


@dataclass
class Preview:
    header: list[str]
    columns: dict[str, str]  # what the portal reads → the file's column
    rows: list[dict] = field(default_factory=list)  # {"line", "values" or "reason"}


def preview_import(data_import: DataImport) -> Preview:
    """The columns recognised and the first rows as they will be read."""
    data_import.file.open("rb")
    try:
        opened = open_table(data_import.file.read())
    finally:
        data_import.file.close()
    reader = reader_for(data_import.kind, opened, year=data_import.year)
    preview = Preview(
        header=opened.header, columns={key: opened.header[index] for key, index in reader.columns.items()}
    )
    for line, cells in _first_records(reader, opened):
        try:
            values = reader.parse(cells, line)
        except Exception as refused:
            preview.rows.append({"line": line, "reason": str(refused)})
        else:
            if isinstance(values, tuple):
                values = dict(zip(EstablishmentReader.FIELDS, values, strict=True))
            preview.rows.append({"line": line, "values": values})
    return preview


def _first_records(reader, opened):
    rows = csv.reader(opened.text, delimiter=opened.delimiter)
    for cells in rows:
        if any(cell.strip() for cell in cells):
            yield rows.line_num + 1, cells
            if rows.line_num > 10:
                return


def launch_import(*, data_import: DataImport) -> None:
    """Queue the import of a previewed file; the worker does the rest (`run_import`)."""
    from observatoire.tasks import run_import_task

    with transaction.atomic():
        locked = DataImport.objects.select_for_update().get(pk=data_import.pk)
        if locked.status != ImportStatus.WAITING:
            raise ValidationError("Cet import est déjà lancé.")
        _check_millesime_open(locked.year)
        DataImport.objects.filter(pk=locked.pk).update(status=ImportStatus.QUEUED)
        transaction.on_commit(lambda: run_import_task.delay(locked.pk))
    data_import.status = ImportStatus.QUEUED


def progress_key(import_id: int) -> str:
    return f"observatoire:import:{import_id}:progress"


def import_progress(data_import: DataImport) -> dict:
    """Rows read so far: the worker writes them to the cache while its transaction is open."""
    live = cache.get(progress_key(data_import.pk)) if data_import.status == ImportStatus.RUNNING else None
    processed = live if live is not None else data_import.processed_rows
    total = data_import.total_rows
    return {"processed": processed, "total": total, "percent": int(100 * processed / total) if total else 0}


def run_import(*, import_id: int) -> DataImport:
    """Import a file in one transaction: either every accepted row and its figures are in,
    replacing what the millésime held from this kind of file, or nothing changed.

    Idempotent: a finished import is not run again; a run interrupted (worker lost) starts
    over, since nothing of it was written.
    """
    data_import = DataImport.objects.get(pk=import_id)
    if data_import.status in {ImportStatus.DONE, ImportStatus.FAILED}:
        return data_import
    data_import.file.open("rb")
    try:
        raw = data_import.file.read()
    finally:
        data_import.file.close()
    total = sum(1 for line in raw.splitlines()[1:] if line.strip())
    DataImport.objects.filter(pk=import_id).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), total_rows=total, processed_rows=0
    )
    data_import.refresh_from_db()
    try:
        with transaction.atomic():
            _check_millesime_open(data_import.year)
            millesime, _ = Millesime.objects.get_or_create(year=data_import.year)
            millesime = Millesime.objects.select_for_update().get(pk=millesime.pk)
            opened = open_table(raw)
            reader = reader_for(data_import.kind, opened, year=data_import.year)
            if data_import.kind == ImportKind.ESTABLISHMENTS:
                accepted = _write_establishments(millesime, reader, import_id)
                compute_base_figures(millesime=millesime)
            else:
                accepted = _write_table(millesime, reader)
            ImportRefusal.objects.filter(data_import=data_import).delete()
            ImportRefusal.objects.bulk_create(
                [ImportRefusal(data_import=data_import, line=r.line, identifier=r.identifier, reason=r.reason)
                 for r in reader.refusals],
                batch_size=5000,
            )  # fmt: skip
            if millesime.state != MillesimeState.IMPORTED:
                # New data goes back through checking before anyone sees it.
                MILLESIME_WORKFLOW.apply(
                    millesime,
                    MillesimeState.IMPORTED if millesime.state == MillesimeState.CHECKING else MillesimeState.CHECKING,
                    log_model=MillesimeTransition,
                    by=data_import.uploaded_by,
                    comment=f"Nouvel import : {data_import.original_name}",
                )
            DataImport.objects.filter(pk=import_id).update(
                status=ImportStatus.DONE,
                processed_rows=total,
                accepted_rows=accepted,
                refused_rows=len(reader.refusals),
                finished_at=timezone.now(),
                error="",
            )
    except (FileRefused, ValidationError, WorkflowError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        _import_failed(data_import, message)
    except Exception:
        # Nothing was written (one transaction); the import must not stay « en cours ».
        logger.exception("Import %s interrompu.", import_id)
        _import_failed(data_import, "Erreur inattendue pendant l'import : rien n'a été enregistré.")
    else:
        data_import.file.delete(save=False)
        DataImport.objects.filter(pk=import_id).update(file="")
    cache.delete(progress_key(import_id))
    data_import.refresh_from_db()
    return data_import


def purge_waiting_imports(*, now=None) -> int:
    """Uploaded files never launched (or lost before finishing) are deleted after
    IMPORT_FILE_RETENTION_DAYS: they hold establishment-level employment and payroll."""
    now = now or timezone.now()
    stale = DataImport.objects.filter(
        status__in=[ImportStatus.WAITING, ImportStatus.QUEUED, ImportStatus.RUNNING],
        created_at__lt=now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS),
    )
    count = 0
    for data_import in stale:
        _import_failed(data_import, "Fichier supprimé : l'import n'a pas été lancé à temps.")
        count += 1
    return count


def _import_failed(data_import: DataImport, message: str) -> None:
    """Record the failure; the uploaded file (establishment-level data) is deleted at once:
    staff upload it again once corrected."""
    data_import.file.delete(save=False)
    DataImport.objects.filter(pk=data_import.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now(), file=""
    )


def _write_establishments(millesime: Millesime, reader: EstablishmentReader, import_id: int) -> int:
    """Replace the millésime's establishments by the file's accepted rows (COPY on PostgreSQL)."""
    Establishment.objects.filter(millesime=millesime).delete()
    postgres = connection.vendor == "postgresql"  # else the zero-setup SQLite of `make run`
    buffer, objects = io.StringIO(), []
    # Quoted values are text (an empty name stays empty), unquoted empty ones are NULL.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
    accepted = 0
    for accepted, row in enumerate(reader.rows(), start=1):
        if postgres:
            writer.writerow((millesime.pk, *row))
        else:
            objects.append(
                Establishment(millesime=millesime, **dict(zip(EstablishmentReader.FIELDS, row, strict=True)))
            )
        if accepted % PROGRESS_EVERY == 0:
            cache.set(progress_key(import_id), accepted + len(reader.refusals), timeout=3600)
    if not postgres:
        Establishment.objects.bulk_create(objects, batch_size=2000)
        return accepted
    copy_buffer(Establishment, ["millesime_id", *EstablishmentReader.FIELDS], buffer)
    return accepted


def _write_table(millesime: Millesime, reader: TableReader) -> int:
    rows = list(reader.rows())
    sources = {row["source"] for row in rows}
    Figure.objects.filter(millesime=millesime, source__in=sources).delete()
    Figure.objects.bulk_create(
        [
            Figure(millesime=millesime, secrecy=Secrecy.PRIMARY, secrecy_reason=REASON_SOURCE, **row)
            if row.get("source_secret")
            else Figure(millesime=millesime, secrecy=Secrecy.PENDING, **row)
            for row in rows
        ],
        batch_size=5000,
    )
    return len(rows)


# --- Figures from the establishment file --------------------------------------------------

OUTSIDE_ESS = "hors-ess"  # the employers outside the ESS: a scope of the fold, never stored


@dataclass
class _Cell:
    establishments: int = 0
    employees: int = 0
    fte: Decimal = Decimal(0)
    payroll: int = 0
    known_employees: bool = False
    known_fte: bool = False
    known_payroll: bool = False
    largest_employees: int = 0
    largest_fte: Decimal = Decimal(0)
    largest_payroll: int = 0

    def merge(self, other: "_Cell") -> None:
        self.establishments += other.establishments
        self.employees += other.employees
        self.fte += other.fte
        self.payroll += other.payroll
        self.known_employees |= other.known_employees
        self.known_fte |= other.known_fte
        self.known_payroll |= other.known_payroll
        self.largest_employees = max(self.largest_employees, other.largest_employees)
        self.largest_fte = max(self.largest_fte, other.largest_fte)
        self.largest_payroll = max(self.largest_payroll, other.largest_payroll)

    def as_secrecy_cell(self) -> Cell:
        return Cell(
            establishments=self.establishments,
            employees=self.employees if self.known_employees else None,
            fte=self.fte if self.known_fte else None,
            payroll=self.payroll if self.known_payroll else None,
            largest_employees=self.largest_employees if self.known_employees else None,
            largest_fte=self.largest_fte if self.known_fte else None,
            largest_payroll=self.largest_payroll if self.known_payroll else None,
        )

    def add(self, count, employees, fte, payroll, largest_employees, largest_fte, largest_payroll):
        self.establishments += count
        if employees is not None:
            self.employees += employees
            self.known_employees = True
            self.largest_employees = max(self.largest_employees, largest_employees or 0)
        if fte is not None:
            self.fte += fte
            self.known_fte = True
            self.largest_fte = max(self.largest_fte, largest_fte or 0)
        if payroll is not None:
            self.payroll += payroll
            self.known_payroll = True
            self.largest_payroll = max(self.largest_payroll, largest_payroll or 0)


def perimeter_exclusions() -> tuple[str, ...]:
    return tuple(PerimeterExclusion.objects.values_list("naf_prefix", flat=True))


def _base_cells(*, millesime: Millesime) -> dict[tuple, _Cell]:
    """The cells of the establishment file keyed by (scope, territory id, family, sector
    level, sector), the employers outside the ESS under the scope OUTSIDE_ESS.

    The database groups the establishments by commune, legal category, ESS flag, NAF
    division and perimeter exclusion; those groups are folded here into (commune, division,
    family) cells and only these are rolled up to every level, so the work grows with the
    number of distinct combinations, not with the number of establishments.
    """
    families = dict(LegalForm.objects.values_list("code", "family"))
    exclusions = perimeter_exclusions()
    excluded = Q(pk__in=[])
    for prefix in exclusions:
        excluded |= Q(naf_code__startswith=prefix)
    groups = (
        Establishment.objects.filter(millesime=millesime, is_active=True, is_employer=True)
        .annotate(division=Substr("naf_code", 1, 2), excluded=Case(When(excluded, then=True), default=False))
        .values_list("commune_code", "legal_category", "ess_declared", "division", "excluded")
        .annotate(
            Count("pk"), Sum("employees"), Sum("fte"), Sum("payroll"), Max("employees"), Max("fte"), Max("payroll")
        )
        .order_by()
    )
    fine: dict[tuple, _Cell] = defaultdict(_Cell)
    for commune_code, category, declared, division, is_excluded, *measures in groups:
        if category.startswith(PUBLIC_CATEGORY_PREFIXES):
            continue
        family = families.get(category) or (EssFamily.SOCIETE_COMMERCIALE if declared else "")
        fine[(commune_code, division, family if family and not is_excluded else "")].add(*measures)

    communes = {
        c.code: c
        for c in Territory.objects.filter(kind=TerritoryKind.COMMUNE).select_related("parent", "arrondissement")
    }
    sections = dict(NafDivision.objects.values_list("code", "section__code"))
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    for (commune_code, division, family), measures in fine.items():
        commune = communes[commune_code]
        territory_ids = {commune.pk, commune.parent_id, commune.arrondissement_id, commune.parent.parent_id} - {None}
        sectors = (
            (SectorLevel.ALL, ALL_SECTORS),
            (SectorLevel.SECTION, sections[division]),
            (SectorLevel.DIVISION, division),
            (SectorLevel.GROUPING, grouping_of(division).code),
        )
        for territory_id in territory_ids:
            for level, sector in sectors:
                cells[(Scope.ECONOMY, territory_id, ALL_FAMILIES, level, sector)].merge(measures)
                if family:
                    cells[(Scope.ESS, territory_id, ALL_FAMILIES, level, sector)].merge(measures)
                    cells[(Scope.ESS, territory_id, family, level, sector)].merge(measures)
                else:
                    cells[(OUTSIDE_ESS, territory_id, ALL_FAMILIES, level, sector)].merge(measures)
    return cells


def compute_base_figures(*, millesime: Millesime) -> dict[tuple[int, str], Cell]:
    """(Re)compute the cube of the establishment file: ESS and all private employers, for
    every territory level × family × sector level. Only active employer establishments
    count. Returns the cells of the employers outside the ESS (never stored), keyed by
    (territory id, sector), for the secrecy mask (`apply_secrecy`).
    """
    cells = _base_cells(millesime=millesime)
    Figure.objects.filter(millesime=millesime, source=Source.BASE).delete()
    rows = (
        {
            "millesime_id": millesime.pk,
            "source": Source.BASE,
            "scope": scope,
            "territory_id": territory_id,
            "family": family,
            "sector_level": level,
            "sector": sector,
            "establishments": cell.establishments,
            "employees": cell.employees if cell.known_employees else None,
            "fte": cell.fte if cell.known_fte else None,
            "payroll": cell.payroll if cell.known_payroll else None,
            "largest_employees": cell.largest_employees if cell.known_employees else None,
            "largest_fte": cell.largest_fte if cell.known_fte else None,
            "largest_payroll": cell.largest_payroll if cell.known_payroll else None,
            "secrecy": Secrecy.PENDING,
            "secrecy_reason": "",
        }
        for (scope, territory_id, family, level, sector), cell in cells.items()
        if scope != OUTSIDE_ESS
    )
    copy_rows(Figure, rows)
    if connection.vendor == "postgresql":
        # Tens of thousands of rows replaced at once: fresh statistics keep the pages'
        # plans on their indexes (autovacuum would come later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Figure._meta.db_table}")
    return {
        (territory_id, sector): cell.as_secrecy_cell()
        for (scope, territory_id, _family, _level, sector), cell in cells.items()
        if scope == OUTSIDE_ESS
    }


def copy_rows(model, rows) -> int:
    """Insert dicts of column values: COPY on PostgreSQL (tens of thousands of rows in a
    fraction of a second), bulk_create elsewhere. Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return len(rows)
    columns = list(rows[0])
    buffer = io.StringIO()
    # Quoted values are text (an empty text stays empty), unquoted empty ones are NULL.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
    writer.writerows([row[column] for column in columns] for row in rows)
    copy_buffer(model, columns, buffer)
    return len(rows)


def copy_buffer(model, columns: list[str], buffer: io.StringIO) -> None:
    """COPY a CSV buffer written with QUOTE_NOTNULL into the model's table."""
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '')", buffer
        )


# --- The millésimes' workflow -------------------------------------------------------------


def transition_millesime(*, millesime: Millesime, target: str, by=None, comment: str = "") -> None:
    """Move a millésime through its workflow. Publishing recomputes the figures with the
    current perimeter, marks the statistical secrecy and makes them public; publishing and
    withdrawing bump the data version, so no cached page or report shows the old figures."""
    with transaction.atomic():
        changes = {}
        if target == MillesimeState.PUBLISHED:
            if not Figure.objects.filter(millesime=millesime, territory__isnull=False).exists():
                raise WorkflowError(
                    "Ce millésime n'a aucun chiffre pour La Réunion : importez des données avant de le publier."
                )
            outside_ess = compute_base_figures(millesime=millesime) if millesime.establishments.exists() else {}
            apply_secrecy(millesime=millesime, outside_ess=outside_ess)
            changes["published_at"] = timezone.now()
        MILLESIME_WORKFLOW.apply(
            millesime, target, log_model=MillesimeTransition, by=by, comment=comment, changes=changes
        )
        if MillesimeState.PUBLISHED in {target, millesime.state} or target == MillesimeState.WITHDRAWN:
            transaction.on_commit(_bump_data_version)


def update_millesime(*, millesime: Millesime, fields: list[str]) -> None:
    """Save a staff edit of a millésime's description (synthetic flag, source note). Pages
    and reports of a published millésime show them: the data version is bumped, so none
    keeps the old label."""
    with transaction.atomic():
        if not fields:
            return
        millesime.save(update_fields=fields)
        if millesime.state == MillesimeState.PUBLISHED:
            transaction.on_commit(_bump_data_version)


def apply_secrecy(*, millesime: Millesime, outside_ess: dict[tuple[int, str], Cell] | None = None) -> None:
    """Mark every figure of the millésime published or secret (see `observatoire.secrecy`).

    `outside_ess` is what `compute_base_figures` returned for this millésime; without it, it
    is computed again from the establishment file (the employers outside the ESS, with the
    largest of each cell for dominance)."""
    if outside_ess is None:
        outside_ess = {
            (territory_id, sector): cell.as_secrecy_cell()
            for (scope, territory_id, _family, _level, sector), cell in _base_cells(millesime=millesime).items()
            if scope == OUTSIDE_ESS
        }
    thresholds = Thresholds(protection_percent=settings.OBSERVATOIRE_SECRECY_PROTECTION_PERCENT)
    cube.mark_secrecy(millesime=millesime, outside_ess=outside_ess, thresholds=thresholds)
