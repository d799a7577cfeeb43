from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from referentiels.loading import load_all


class Command(BaseCommand):
    help = "Charge ou recharge les référentiels (territoires, formes juridiques, NAF). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            report = load_all(apps)
        self.stdout.write(self.style.SUCCESS(f"Référentiels à jour : {report}."))
