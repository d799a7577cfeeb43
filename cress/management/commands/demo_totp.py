from django.core.management.base import BaseCommand, CommandError

from cress.demo import demo_totp_code


class Command(BaseCommand):
    help = (
        "Affiche le code de double authentification que les comptes de l'équipe de démonstration "
        "acceptent en ce moment (mode démo uniquement)."
    )

    def handle(self, *args, **options):
        try:
            code = demo_totp_code()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Code du moment pour les comptes de l'équipe de démonstration : {code}")
        self.stdout.write("(il change toutes les 30 secondes ; chaque code ne sert qu'une fois par compte)")
