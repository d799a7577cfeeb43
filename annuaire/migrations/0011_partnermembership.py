import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source="comptes", target="annuaire"):
    """Keep the model's content type, so its permissions (and the groups and people holding
    them) and the admin's log entries follow it. Nothing to do on a new database, where
    content types are created after the migrations."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.db_manager(schema_editor.connection.alias)
    if not content_types.filter(app_label=target, model="partnermembership").exists():
        content_types.filter(app_label=source, model="partnermembership").update(app_label=target)
    content_types.clear_cache()


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="annuaire", target="comptes")


class Migration(migrations.Migration):
    """Partner memberships come from comptes (its 0004 let go of the model's state) with
    their rows: the state is created on the existing table, then the table and its unique
    constraint take annuaire's names."""

    dependencies = [
        ("annuaire", "0010_directory_entries"),
        ("comptes", "0004_partnermembership_to_annuaire"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PartnerMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[("admin", "Administrateur de la structure"), ("membre", "Membre")],
                                default="membre",
                                max_length=20,
                                verbose_name="rôle",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="annuaire.organisation",
                                verbose_name="structure",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="utilisateur",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "rattachement à une structure partenaire",
                        "verbose_name_plural": "rattachements aux structures partenaires",
                        "db_table": "comptes_partnermembership",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "organisation"), name="comptes_membership_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="partnermembership", table=None),
        # The new constraint before the old one goes: the pair is never left unguarded.
        migrations.AddConstraint(
            model_name="partnermembership",
            constraint=models.UniqueConstraint(
                fields=("user", "organisation"), name="annuaire_partnermembership_unique"
            ),
        ),
        migrations.RemoveConstraint(model_name="partnermembership", name="comptes_membership_unique"),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
