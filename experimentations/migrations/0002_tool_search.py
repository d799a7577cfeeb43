"""The financial tools' full-text search: a stored French vector without accents (the `fr`
configuration of annuaire 0003), kept by a trigger, with a GIN index.

PostgreSQL only: on SQLite (the zero-setup default of `make run`) the list falls back to
substring search and these statements are skipped.
"""

from django.db import migrations

from lib.migrations import run_on_postgresql

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION experimentations_tool_search_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
          setweight(to_tsvector('fr', coalesce(NEW.name, '')), 'A')
       || setweight(to_tsvector('fr', coalesce(NEW.summary, '')), 'B')
       || setweight(to_tsvector('fr', coalesce(NEW.description, '')), 'C')
       || setweight(to_tsvector('fr', coalesce(NEW.conditions, '') || ' ' || coalesce(NEW.how_to_apply, '')), 'D');
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER experimentations_tool_search
    BEFORE INSERT OR UPDATE OF name, summary, description, conditions, how_to_apply
    ON experimentations_financialtool FOR EACH ROW EXECUTE FUNCTION experimentations_tool_search_update()
    """,
    "CREATE INDEX experimentations_tool_search_gin ON experimentations_financialtool USING gin (search_vector)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS experimentations_tool_search_gin",
    "DROP TRIGGER IF EXISTS experimentations_tool_search ON experimentations_financialtool",
    "DROP FUNCTION IF EXISTS experimentations_tool_search_update()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0003_search"),
        ("experimentations", "0001_initial"),
    ]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
