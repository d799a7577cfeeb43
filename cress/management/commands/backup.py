"""manage.py backup [--dest DOSSIER]: the database and the uploaded files, with a date and
checksums (cress/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cress.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés, avec leurs empreintes SHA-256."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dest",
            default=str(settings.BACKUP_DIR),
            help="Dossier où écrire la sauvegarde (BACKUP_DIR par défaut).",
        )

    def handle(self, *args, dest, **options):
        try:
            folder = make_backup(destination=Path(dest))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {folder}"))
        if settings.S3_BUCKET:
            self.stdout.write(
                self.style.WARNING(
                    f"Les fichiers déposés sont dans le stockage objet (s3://{settings.S3_BUCKET}) : "
                    "cette sauvegarde contient la base seule ; activez le versioning du bucket."
                )
            )
        self.stdout.write(str(folder))
