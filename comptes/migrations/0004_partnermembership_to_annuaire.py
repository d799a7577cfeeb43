from django.db import migrations


class Migration(migrations.Migration):
    """Partner memberships move to annuaire, beside the organisations they point at.

    Only the model's state leaves comptes: its table, rows and permissions are taken over
    by annuaire's 0011, which renames the table.
    """

    dependencies = [
        ("comptes", "0003_second_factor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PartnerMembership")],
            database_operations=[],
        ),
    ]
