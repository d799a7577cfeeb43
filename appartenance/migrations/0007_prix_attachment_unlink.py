from django.db import migrations

from lib.migrations import run_on_postgresql

# A submitted application's files never change, but the account that uploaded one may be
# unlinked (an account deleted: SET_NULL; a personal-data erasure): the trigger of 0006_prix
# refused any UPDATE, and so refused those too.
FORWARD = [
    """
    CREATE OR REPLACE FUNCTION appartenance_prix_attachment_frozen() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND (NEW.application_id, NEW.title, NEW.file, NEW.file_kind, NEW.uploaded_at)
               IS NOT DISTINCT FROM (OLD.application_id, OLD.title, OLD.file, OLD.file_kind, OLD.uploaded_at)
           AND (NEW.uploaded_by_id IS NULL OR NEW.uploaded_by_id IS NOT DISTINCT FROM OLD.uploaded_by_id) THEN
            RETURN NEW;
        END IF;
        IF (SELECT status FROM appartenance_prixapplication WHERE id = NEW.application_id) <> 'brouillon' THEN
            RAISE EXCEPTION 'Candidature déposée : ses pièces ne changent plus.' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
]
BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION appartenance_prix_attachment_frozen() RETURNS trigger AS $$
    BEGIN
        IF (SELECT status FROM appartenance_prixapplication WHERE id = NEW.application_id) <> 'brouillon' THEN
            RAISE EXCEPTION 'Candidature déposée : ses pièces ne changent plus.' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
]


class Migration(migrations.Migration):
    dependencies = [("appartenance", "0006_prix")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
