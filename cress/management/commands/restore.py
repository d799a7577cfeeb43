"""manage.py restore DOSSIER [--base NOM]: a backup of `manage.py backup`, checked, into an
empty database and an empty MEDIA_ROOT (cress/backups.py)."""

from django.core.management.base import BaseCommand, CommandError

from cress.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde (base et fichiers) dans une base vide, après vérification des empreintes."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Le dossier sauvegarde-AAAAMMJJ-HHMMSS à restaurer.")
        parser.add_argument(
            "--base",
            dest="database",
            default=None,
            help="Nom de la base (vide) où restaurer ; celle de DATABASE_URL sinon.",
        )

    def handle(self, *args, folder, database, **options):
        try:
            manifest = restore_backup(folder=folder, database_name=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["lignes"].values())
        files = manifest["fichiers"]["nombre"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration faite : sauvegarde du {manifest['créée_le']}, {rows} lignes dans "
                f"{len(manifest['lignes'])} tables et {files} fichiers, vérifiés."
            )
        )
