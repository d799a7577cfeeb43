"""An organisation renamed in the directory re-indexes its offers: the offers' stored search
vector holds the organisation's name (0002), so a trigger on the directory's table touches
the offers of the organisation whose name changed, whatever wrote it (the admin, a member, an
import in bulk). Touching the title fires the offers' own trigger, which recomputes the vector.

PostgreSQL only, as 0002.
"""

from django.db import migrations

from lib.migrations import run_on_postgresql

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION emplois_organisation_renamed() RETURNS trigger AS $$
    BEGIN
      UPDATE emplois_offer SET title = title WHERE organisation_id = NEW.id;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER emplois_organisation_renamed
    AFTER UPDATE OF name ON annuaire_organisation FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION emplois_organisation_renamed()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS emplois_organisation_renamed ON annuaire_organisation",
    "DROP FUNCTION IF EXISTS emplois_organisation_renamed()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0003_search"),
        ("emplois", "0004_competences"),
    ]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
