"""Tracking and partner tokens move to messagerie.PrivateLink (hashes only, as before):
links already emailed keep working until they expire."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TRACKING_LINK = "accueil.suivi"
PARTNER_LINK = "accueil.partenaire"


def move_tokens(apps, schema_editor):
    IntakeRequest = apps.get_model("accueil", "IntakeRequest")
    Orientation = apps.get_model("accueil", "Orientation")
    PrivateLink = apps.get_model("messagerie", "PrivateLink")
    now = timezone.now()
    links = [
        PrivateLink(purpose=TRACKING_LINK, object_id=pk, token_hash=stored, expires_at=expires_at, created_at=now)
        for pk, stored, expires_at in IntakeRequest.objects.filter(anonymised_at__isnull=True).values_list(
            "pk", "tracking_token_hash", "tracking_expires_at"
        )
    ]
    grace = timedelta(days=getattr(settings, "ORIENTATION_LINK_GRACE_DAYS", 7))
    for pk, stored, status, sent_at, closed_at in Orientation.objects.filter(
        request__anonymised_at__isnull=True
    ).values_list("pk", "token_hash", "status", "sent_at", "request__closed_at"):
        expires_at = (sent_at or now) + timedelta(days=getattr(settings, "ORIENTATION_LINK_DAYS", 180))
        if status in {"refusee", "expiree"} or closed_at:
            expires_at = min(expires_at, now + grace)
        links.append(
            PrivateLink(purpose=PARTNER_LINK, object_id=pk, token_hash=stored, expires_at=expires_at, created_at=now)
        )
    PrivateLink.objects.bulk_create(links, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("accueil", "0007_request_erasure"),
        ("messagerie", "0002_private_links"),
    ]

    operations = [
        migrations.RunPython(move_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="intakerequest", name="tracking_expires_at"),
        migrations.RemoveField(model_name="intakerequest", name="tracking_token_hash"),
        migrations.RemoveField(model_name="orientation", name="token_hash"),
    ]
