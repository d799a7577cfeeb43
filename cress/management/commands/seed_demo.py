from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cress.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_all


class Command(BaseCommand):
    help = (
        "Crée ou met à jour le contenu de démonstration (idempotent). "
        "Les comptes de démonstration ne sont créés qu'en mode démo (DEMO_MODE)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            type=int,
            default=300,
            help="Nombre de structures générées pour l'annuaire (ex. 200000 pour les mesures de performance).",
        )

    def handle(self, *args, size, **options):
        if size < 0:
            raise CommandError("--size doit être positif.")
        report = seed_all(with_accounts=settings.DEMO_MODE, directory_size=size)
        self.stdout.write(
            f"Structures de démonstration : {report['organisations']} nommées, "
            f"{report['generated_organisations']} générées (annuaire de {size} structures)."
        )
        self.stdout.write(f"Demandes d'accompagnement de démonstration créées : {report['requests']}.")
        if report["observatoire"]:
            self.stdout.write(
                f"Observatoire : {report['observatoire']} millésimes de données synthétiques publiés "
                "(signalés comme tels sur chaque page)."
            )
        partnerships = report["partenariats"]
        self.stdout.write(
            f"Partenariats : {partnerships['partners']} partenaires, {partnerships['conventions']} conventions créées."
        )
        self.stdout.write(
            f"Achats responsables : {report['besoins_achat']['needs']} besoins de démonstration "
            f"({report['besoins_achat']['created']} créés) ; expérimentations : "
            f"{report['experimentations']['experiments']} ({report['experimentations']['created']} créées)."
        )
        if "accounts" in report:
            self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
            for email, role in report["accounts"]:
                self.stdout.write(f"  {email:40} {role}")
            self.stdout.write(
                "Les comptes de l'équipe demandent ensuite un code à 6 chiffres (double authentification) : "
                f"ajoutez la clé {DEMO_TOTP_SECRET} à une application d'authentification, "
                "ou affichez le code du moment avec « python manage.py demo_totp »."
            )
        else:
            self.stdout.write("Mode démo désactivé : aucun compte créé.")
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration à jour."))
