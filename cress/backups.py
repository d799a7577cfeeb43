"""Backups that restore (issue 14, point 3): the database and the uploaded files, together, with
a date and checksums; restored into an empty database.

A backup is a folder `sauvegarde-<AAAAMMJJ-HHMMSS>/` holding:
- `base.dump`: `pg_dump --format=custom` of the database, taken on a snapshot exported by a
  REPEATABLE READ transaction, in which the rows of every table are also counted: the counts
  in the manifest are exactly what the dump holds;
- `fichiers.tar.gz`: the uploaded files (MEDIA_ROOT), taken after the dump, so that every file
  a row of the dump names is in it (a file deleted in between with its row excepted);
- `manifeste.json`: when, which database, the latest migration of each app, the rows per table,
  the number and total size of files;
- `SHA256SUMS`: the checksum of each of the three, checked before anything is restored.
With S3_BUCKET set, uploads are in the object storage, not on this machine: the archive of
files is then empty and the manifest names the bucket, whose own versioning and replication
keep the files (docs/deployment.md).

Restoring refuses a backup whose checksums do not match and a database that is not empty; it
then compares the restored rows with the manifest and says what differs.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from django.conf import settings
from django.utils import timezone
from psycopg2 import sql

DUMP, FILES, MANIFEST, SUMS = "base.dump", "fichiers.tar.gz", "manifeste.json", "SHA256SUMS"


class BackupError(Exception):
    """What went wrong, in French, for the person running the command."""


@dataclass(frozen=True)
class Database:
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, name: str | None = None) -> "Database":
        config = settings.DATABASES["default"]
        if not config["ENGINE"].endswith("postgresql"):
            raise BackupError(
                "La sauvegarde et la restauration demandent PostgreSQL (DATABASE_URL) : la base SQLite du "
                "démarrage rapide se copie comme un fichier."
            )
        return cls(
            name=name or config["NAME"],
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
        )

    def connect(self):
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        params = {key: value for key, value in params.items() if value}
        if self.port:
            params["port"] = self.port
        return psycopg2.connect(**params)

    def env(self) -> dict:
        """The libpq environment of pg_dump and pg_restore (the password never on a command line)."""
        env = {**os.environ, "PGDATABASE": self.name}
        for variable, value in (
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGHOST", self.host),
            ("PGPORT", self.port),
        ):
            if value:
                env[variable] = value
        return env


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [row[0] for row in cursor.fetchall()]


def count_rows(connection) -> dict[str, int]:
    """Rows of every table of the public schema, in the connection's current transaction."""
    with connection.cursor() as cursor:
        counts = {}
        for table in _tables(cursor):
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
        return counts


def _latest_migrations(connection) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{what} a échoué : {result.stderr.strip()[-2000:]}")


def make_backup(*, destination: Path, media_root: Path | None = None) -> Path:
    """Write a backup folder under `destination`; returns its path."""
    database = Database.from_settings()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = timezone.localtime()
    folder = Path(destination) / f"sauvegarde-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"Le dossier {folder} existe déjà : attendez une seconde ou choisissez un autre dossier.")
    folder.mkdir(parents=True)
    try:
        connection = database.connect()
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            rows = count_rows(connection)
            migrations = _latest_migrations(connection)
            # pg_dump reads the same snapshot while this transaction holds it open.
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={folder / DUMP}"],
                database.env(),
                "pg_dump",
            )  # fmt: skip
        finally:
            connection.rollback()
            connection.close()
        file_count, file_bytes = 0, 0
        with tarfile.open(folder / FILES, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(media_root)))
                        file_count += 1
                        file_bytes += path.stat().st_size
        manifest = {
            "créée_le": now.isoformat(),
            "base": database.name,
            "migrations": migrations,
            "lignes": rows,
            "fichiers": {"nombre": file_count, "octets": file_bytes},
        }
        if settings.S3_BUCKET:
            # Uploads live in the object storage, which keeps them itself (versioning, replication):
            # this backup holds the database only, and says where the files are.
            manifest["fichiers"]["stockage_objet"] = (
                f"s3://{settings.S3_BUCKET}/{settings.S3_STORAGE['OPTIONS']['location']}"
            )
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (folder / SUMS).write_text(
            "".join(f"{sha256(folder / name)}  {name}\n" for name in (DUMP, FILES, MANIFEST)), encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def verify(folder: Path) -> dict:
    """Check the backup's checksums; returns its manifest."""
    folder = Path(folder)
    sums = folder / SUMS
    if not sums.is_file():
        raise BackupError(f"{folder} n'est pas une sauvegarde du portail : le fichier {SUMS} manque.")
    expected = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name.strip()] = digest.strip()
    if set(expected) != {DUMP, FILES, MANIFEST}:
        raise BackupError(f"{SUMS} ne liste pas les trois fichiers attendus ({DUMP}, {FILES}, {MANIFEST}).")
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"La sauvegarde est incomplète : {name} manque.")
        if sha256(path) != digest:
            raise BackupError(
                f"La sauvegarde est altérée : l'empreinte de {name} ne correspond pas. Rien n'a été restauré."
            )
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def restore_backup(*, folder: Path, database_name: str | None = None, media_root: Path | None = None) -> dict:
    """Restore a backup into an empty database and an empty MEDIA_ROOT; returns the manifest.

    Refuses, changing nothing, when the checksums do not match, the database holds a table or
    the files' folder holds a file."""
    folder = Path(folder)
    manifest = verify(folder)
    database = Database.from_settings(database_name)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    try:
        connection = database.connect()
    except psycopg2.OperationalError as error:
        raise BackupError(f"Impossible de joindre la base « {database.name} » : {error}".strip()) from error
    try:
        with connection.cursor() as cursor:
            if _tables(cursor):
                raise BackupError(
                    f"La base « {database.name} » n'est pas vide : restaurez dans une base neuve "
                    "(createdb), jamais par-dessus des données."
                )
    finally:
        connection.close()
    if media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*")):
        raise BackupError(f"Le dossier des fichiers {media_root} n'est pas vide : videz-le ou choisissez-en un autre.")

    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={database.name}", str(folder / DUMP)],
        database.env(),
        "pg_restore",
    )  # fmt: skip
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / FILES, "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # no path outside media_root, no device or link

    connection = database.connect()
    try:
        restored = count_rows(connection)
    finally:
        connection.close()
    differences = {
        table: (count, restored.get(table))
        for table, count in manifest["lignes"].items()
        if restored.get(table) != count
    }
    if differences:
        raise BackupError(f"La restauration ne retrouve pas les lignes sauvegardées : {differences}")
    return manifest
