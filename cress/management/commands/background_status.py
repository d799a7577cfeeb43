"""manage.py background_status: failed, uncertain, stuck and late emails, and the broker's
queue (cress/background_status.py). Exit status 1 when something needs a look."""

import sys

from django.core.management.base import BaseCommand

from cress.background_status import status


class Command(BaseCommand):
    help = "État du travail en arrière-plan : courriels en échec, incertains, bloqués ou en retard, et file de tâches."

    def handle(self, *args, **options):
        sections = status()
        for section in sections:
            flag = "⚠ " if section.count and section.needs_a_look else ""
            self.stdout.write(f"{flag}{section.title} : {section.count}")
            for row in section.rows:
                self.stdout.write(f"    {row}")
        problems = [s for s in sections if s.needs_a_look and (s.count or s.rows)]
        if problems:
            self.stdout.write(self.style.WARNING(f"{len(problems)} point(s) à vérifier."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Rien à signaler."))
