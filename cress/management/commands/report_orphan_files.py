from django.core.management.base import BaseCommand

from cress.services import report_orphan_files


class Command(BaseCommand):
    help = (
        "Compare les fichiers déposés avec les fiches qui les citent : fichiers orphelins et fichiers "
        "manquants. S'il y en a, la liste part aussi par courriel à CONTACT_EMAIL."
    )

    def handle(self, *args, **options):
        report = report_orphan_files()
        if not report:
            self.stdout.write("Aucun écart : chaque fichier est cité par une fiche et chaque fiche a son fichier.")
            return
        self.stdout.write(f"Fichiers qu'aucune fiche ne cite : {len(report.orphan_files)}")
        for name in report.orphan_files:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"Fiches dont le fichier manque : {len(report.missing_files)}")
        for line in report.missing_files:
            self.stdout.write(f"  {line}")
        self.stdout.write("La liste est envoyée par courriel à l'adresse de contact (CONTACT_EMAIL).")
