from django.db import migrations


def create_role_groups(apps, schema_editor):
    from comptes.roles import sync_role_permissions

    # Permissions are attached by the post_migrate sync of the declaration (cress.apps,
    # cress/access.py); this migration makes sure the groups exist from the start.
    sync_role_permissions(
        rules=(),
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
