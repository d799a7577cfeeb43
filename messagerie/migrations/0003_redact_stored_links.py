"""Emails queued before private links were minted at sending held live links in their
bodies: take every address out of those bodies. Such rows still waiting are marked failed
(their link is gone); a superuser can see them and the person can ask for a new link."""

import re

from django.db import migrations

LINK_KINDS = [
    "accueil/confirmation",
    "accueil/nouveau_lien",
    "accueil/orientation_partenaire",
    "comptes/reinitialisation",
    "annuaire/revendication_confirmation",
    "annuaire/revendication_validee",
    "communication/lettre_confirmation",
]
URL = re.compile(r"https?://[^\s\"'<>]+")
REDACTED = "[lien personnel retiré]"


def redact(apps, schema_editor):
    OutgoingEmail = apps.get_model("messagerie", "OutgoingEmail")
    for email in OutgoingEmail.objects.filter(kind__in=LINK_KINDS).iterator():
        email.body_text = URL.sub(REDACTED, email.body_text)
        email.body_html = URL.sub(REDACTED, email.body_html)
        if email.status == "pending":
            email.status = "failed"
            email.last_error = "Lien personnel retiré lors de la mise à jour de sécurité : non envoyé."
        email.save(update_fields=["body_text", "body_html", "status", "last_error"])


class Migration(migrations.Migration):
    dependencies = [("messagerie", "0002_private_links")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
