from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from messagerie.services import queue_email


class Command(BaseCommand):
    help = "Met en file un courriel d'essai vers une adresse, pour vérifier l'envoi (SMTP, worker)."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        try:
            validate_email(address)
        except ValidationError as exc:
            raise CommandError(f"Adresse invalide : {address}") from exc
        with transaction.atomic():
            email = queue_email(to=address, template="messagerie/essai", context={"name": address})
        self.stdout.write(self.style.SUCCESS(f"Courriel n°{email.pk} mis en file pour {address}."))
