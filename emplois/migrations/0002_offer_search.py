"""The offers' full-text search: a stored French vector without accents (the `fr`
configuration of annuaire 0003), kept by a trigger, with a GIN index. The métier's label
(ROME) is part of it, so « aide à domicile » finds an offer titled « Intervenant(e) ».

PostgreSQL only: on SQLite (the zero-setup default of `make run`) the list falls back to
substring search and these statements are skipped.
"""

from django.db import migrations

from lib.migrations import run_on_postgresql

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION emplois_offer_search_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
          setweight(to_tsvector('fr', coalesce(NEW.title, '')), 'A')
       || setweight(to_tsvector('fr', coalesce(
            (SELECT label FROM referentiels_romefiche WHERE id = NEW.rome_id), '')), 'B')
       || setweight(to_tsvector('fr', coalesce(
            (SELECT name FROM annuaire_organisation WHERE id = NEW.organisation_id), '')), 'C')
       || setweight(to_tsvector('fr', coalesce(NEW.description, '') || ' ' || coalesce(NEW.profile, '')), 'D');
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER emplois_offer_search
    BEFORE INSERT OR UPDATE OF title, rome_id, organisation_id, description, profile
    ON emplois_offer FOR EACH ROW EXECUTE FUNCTION emplois_offer_search_update()
    """,
    "CREATE INDEX emplois_offer_search_gin ON emplois_offer USING gin (search_vector)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS emplois_offer_search_gin",
    "DROP TRIGGER IF EXISTS emplois_offer_search ON emplois_offer",
    "DROP FUNCTION IF EXISTS emplois_offer_search_update()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0003_search"),
        ("emplois", "0001_initial"),
    ]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
