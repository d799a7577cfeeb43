"""Claim tokens move to messagerie.PrivateLink (hashes only, as before)."""

from datetime import timedelta

from django.db import migrations

CLAIM_LINK = "annuaire.revendication"


def move_tokens(apps, schema_editor):
    Claim = apps.get_model("annuaire", "Claim")
    PrivateLink = apps.get_model("messagerie", "PrivateLink")
    PrivateLink.objects.bulk_create(
        PrivateLink(purpose=CLAIM_LINK, object_id=pk, token_hash=stored, expires_at=expires_at + timedelta(days=30))
        for pk, stored, expires_at in Claim.objects.filter(status="a_confirmer").values_list(
            "pk", "token_hash", "expires_at"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0008_claim_second_approval"),
        ("messagerie", "0002_private_links"),
    ]

    operations = [
        migrations.RunPython(move_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="claim", name="token_hash"),
    ]
