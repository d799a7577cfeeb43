from django.core.management.base import BaseCommand, CommandError

from annuaire.sirene import SireneFileError, import_sirene_csv


class Command(BaseCommand):
    help = (
        "Importe dans l'annuaire les structures d'un fichier CSV au format du stock Sirene "
        "(établissements), en les rapprochant par SIRET. Les nouvelles structures ne sont pas "
        "publiées, sauf avec --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier CSV (UTF-8, séparateur virgule).")
        parser.add_argument(
            "--publish", action="store_true", help="Publier directement les structures créées dans l'annuaire."
        )

    def handle(self, *args, file, publish, **options):
        try:
            with open(file, "rb") as stream:
                report = import_sirene_csv(file=stream, publish=publish)
        except FileNotFoundError as exc:
            raise CommandError(f"Fichier introuvable : {file}") from exc
        except OSError as exc:
            raise CommandError(f"Impossible de lire le fichier {file}.") from exc
        except SireneFileError as exc:
            raise CommandError(f"Fichier refusé, rien n'a été importé : {exc}") from exc
        self.stdout.write(report.summary())
        if report.created and not publish:
            self.stdout.write("Les structures créées ne sont pas publiées : vérifiez-les puis publiez-les.")
        self.stdout.write(self.style.SUCCESS("Import terminé."))
