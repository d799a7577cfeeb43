"""Backups that restore (issue 14, point 3): `manage.py backup` writes the database and the
uploaded files with checksums; the files are dropped and a new, empty database is made;
`manage.py restore` brings back every row of every table and the file, byte for byte. A
backup altered by one byte, or a database that is not empty, is refused and nothing changes.

Through the real PostgreSQL, pg_dump and pg_restore: the test creates its own database for
the restore and drops it."""

import hashlib
import json
import shutil

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from cress.backups import Database, count_rows
from tests.annuaire.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

DOCUMENT = b"%PDF-1.4\n" + bytes(range(256)) * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_database():
    """A new database of its own, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restauree"[:63]
    admin = Database.from_settings("postgres").connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def rows_of(name) -> dict[str, int]:
    link = Database.from_settings(name).connect()
    try:
        return count_rows(link)
    finally:
        link.close()


def backup(tmp_path) -> "Path":  # noqa: F821
    call_command("backup", dest=str(tmp_path / "sauvegardes"))
    (folder,) = (tmp_path / "sauvegardes").iterdir()
    return folder


def test_backup_drop_restore_gives_back_every_row_and_the_file(media, tmp_path, empty_database):
    for index in range(5):
        OrganisationFactory(name=f"Ressourcerie n°{index}")
    stored = default_storage.save("ressources/statuts-type.pdf", ContentFile(DOCUMENT))
    before = rows_of(connection.settings_dict["NAME"])
    assert before["annuaire_organisation"] == 5

    folder = backup(tmp_path)
    assert folder.name.startswith("sauvegarde-")
    manifest = json.loads((folder / "manifeste.json").read_text())
    assert manifest["lignes"] == before  # counted in the snapshot the dump was taken from
    assert manifest["fichiers"] == {"nombre": 1, "octets": len(DOCUMENT)}
    assert "annuaire" in manifest["migrations"]
    sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"base.dump", "fichiers.tar.gz", "manifeste.json"}
    assert sums["base.dump"] == hashlib.sha256((folder / "base.dump").read_bytes()).hexdigest()

    shutil.rmtree(media)  # the drop: the files are gone, the restore goes to a new database
    call_command("restore", str(folder), database=empty_database)

    assert rows_of(empty_database) == before
    restored_file = media / stored
    assert hashlib.sha256(restored_file.read_bytes()).hexdigest() == hashlib.sha256(DOCUMENT).hexdigest()
    link = Database.from_settings(empty_database).connect()
    with link, link.cursor() as cursor:
        cursor.execute("SELECT name FROM annuaire_organisation ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == [f"Ressourcerie n°{index}" for index in range(5)]
        # The French search works on the restored copy (extensions and triggers came back).
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')")
        assert cursor.fetchone()[0] == 2
    link.close()


def test_an_altered_backup_is_refused_and_nothing_is_restored(media, tmp_path, empty_database):
    OrganisationFactory()
    folder = backup(tmp_path)
    dump = folder / "base.dump"
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 0x01
    dump.write_bytes(bytes(content))
    with pytest.raises(CommandError, match=r"La sauvegarde est altérée : l'empreinte de base\.dump ne correspond pas"):
        call_command("restore", str(folder), database=empty_database)
    assert rows_of(empty_database) == {}


def test_a_database_that_is_not_empty_is_refused(media, tmp_path):
    OrganisationFactory()
    folder = backup(tmp_path)
    before = rows_of(connection.settings_dict["NAME"])
    with pytest.raises(CommandError, match="n'est pas vide : restaurez dans une base neuve"):
        call_command("restore", str(folder), database=connection.settings_dict["NAME"])
    assert rows_of(connection.settings_dict["NAME"]) == before


def test_files_folder_that_is_not_empty_is_refused(media, tmp_path, empty_database):
    default_storage.save("ressources/a.pdf", ContentFile(DOCUMENT))
    folder = backup(tmp_path)
    with pytest.raises(CommandError, match=r"Le dossier des fichiers .* n'est pas vide"):
        call_command("restore", str(folder), database=empty_database)
    assert rows_of(empty_database) == {}


def test_a_folder_that_is_no_backup_gets_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="n'est pas une sauvegarde du portail"):
        call_command("restore", str(tmp_path))


def test_the_backup_needs_postgresql(settings, tmp_path):
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"},
    }
    with pytest.raises(CommandError, match="demandent PostgreSQL"):
        call_command("backup", dest=str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_the_default_folder_is_a_setting():
    assert settings.BACKUP_DIR.name == "sauvegardes"
