from datetime import timedelta

from django.db import migrations, models


def mark_documents_added_later(apps, schema_editor):
    """Before this field, a holder's document sent from the tracking page was told from one
    filed with the request only by its date: filed documents are saved within the submission."""
    Attachment = apps.get_model("accueil", "Attachment")
    Attachment.objects.filter(
        added_by_holder=True, created_at__gt=models.F("request__created_at") + timedelta(minutes=1)
    ).update(added_later=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accueil", "0014_orientation_published_structures"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="added_later",
            field=models.BooleanField(default=False, verbose_name="ajouté après le dépôt"),
        ),
        migrations.RunPython(mark_documents_added_later, migrations.RunPython.noop),
    ]
