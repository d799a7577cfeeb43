"""The catalogue's full-text search: a stored French vector without accents (the `fr`
configuration of annuaire 0003), kept by a trigger, with a GIN index.

PostgreSQL only: on SQLite (the zero-setup default of `make run`) the catalogue falls
back to substring search and these statements are skipped.
"""

import django.contrib.postgres.search
from django.db import migrations

from lib.migrations import run_on_postgresql

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION formation_training_search_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
          setweight(to_tsvector('fr', coalesce(NEW.title, '')), 'A')
       || setweight(to_tsvector('fr', coalesce(NEW.summary, '')), 'B')
       || setweight(to_tsvector('fr', coalesce(NEW.objectives, '')), 'C')
       || setweight(to_tsvector('fr', coalesce(NEW.programme, '') || ' ' || coalesce(NEW.prerequisites, '')), 'D');
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER formation_training_search
    BEFORE INSERT OR UPDATE OF title, summary, objectives, programme, prerequisites
    ON formation_training FOR EACH ROW EXECUTE FUNCTION formation_training_search_update()
    """,
    "CREATE INDEX formation_training_search_gin ON formation_training USING gin (search_vector)",
    "UPDATE formation_training SET title = title",
]

BACKWARD = [
    "DROP INDEX IF EXISTS formation_training_search_gin",
    "DROP TRIGGER IF EXISTS formation_training_search ON formation_training",
    "DROP FUNCTION IF EXISTS formation_training_search_update()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0003_search"),
        ("formation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="training",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        run_on_postgresql(FORWARD, BACKWARD),
    ]
