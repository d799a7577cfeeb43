"""Full-text search in French without accents, and the lexicon for typo tolerance.

PostgreSQL only: on SQLite (the zero-setup default of `make run`) the directory falls
back to plain substring search and these statements are skipped.
"""

from django.db import migrations

from lib.migrations import run_on_postgresql

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr') THEN
        CREATE TEXT SEARCH CONFIGURATION fr (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION fr
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION annuaire_organisation_search_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
          setweight(to_tsvector('fr', coalesce(NEW.name, '') || ' ' || coalesce(NEW.acronym, '')), 'A')
       || setweight(to_tsvector('fr', coalesce(NEW.search_text, '')), 'B')
       || setweight(to_tsvector('fr', coalesce(NEW.description, '')), 'C');
      IF NEW.is_published AND (TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name
                               OR NEW.acronym IS DISTINCT FROM OLD.acronym
                               OR NEW.is_published IS DISTINCT FROM OLD.is_published) THEN
        INSERT INTO annuaire_searchword (word)
        SELECT DISTINCT w FROM regexp_split_to_table(
            lower(unaccent(coalesce(NEW.name, '') || ' ' || coalesce(NEW.acronym, ''))), '[^a-z0-9]+') AS w
        WHERE length(w) >= 3
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER annuaire_organisation_search
    BEFORE INSERT OR UPDATE OF name, acronym, description, search_text, is_published
    ON annuaire_organisation FOR EACH ROW EXECUTE FUNCTION annuaire_organisation_search_update()
    """,
    "CREATE INDEX annuaire_organisation_search_gin ON annuaire_organisation USING gin (search_vector)",
    "CREATE INDEX annuaire_searchword_trgm ON annuaire_searchword USING gin (word gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS annuaire_searchword_trgm",
    "DROP INDEX IF EXISTS annuaire_organisation_search_gin",
    "DROP TRIGGER IF EXISTS annuaire_organisation_search ON annuaire_organisation",
    "DROP FUNCTION IF EXISTS annuaire_organisation_search_update()",
]


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0002_initial")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
