"""The directory's cold path: a narrow copy of each published organisation, and facet
counts kept up to date by the database.

`annuaire_directoryentry` holds, for each published organisation, only what the search,
the facets and the alphabetical order read: its name, its filter values, its keys (« commune:12 », « famille:association »,
« thematique:4 »…) and its search vector without positions. A search with facets reads
these narrow rows (a few dozen bytes of keys beside the lexemes) instead of the
organisation rows (about 1 kB each).

`annuaire_directorycount` holds, for the unfiltered directory (filter key '') and for
each single filter (filter key = one key), the number of published organisations having
each key (facet key), and the total (facet key '*'). The directory with no query and at
most one filter reads its facets there in one indexed query.

Both are maintained by statement-level triggers with transition tables, so that every
write counts, whatever its path (the admin, the services, bulk imports, QuerySet.update,
deletions, the many-to-many tables), and a bulk statement updates each count once:
organisation and link tables → entries → counts. A transaction that changes counts
first takes one advisory lock, held until it ends: writers of the directory queue one
behind the other instead of deadlocking on count rows locked in different orders by
their successive statements (a save is several statements: the row, then its links).

PostgreSQL only, like the search itself: on SQLite the directory counts with the ORM.
"""

from django.db import migrations

from lib.migrations import run_on_postgresql

# The role values and their columns: annuaire.models.ROLE_FIELDS (a test compares them).
ROLES_SQL = """
    array_remove(ARRAY[
      CASE WHEN {o}.is_ess_actor THEN 'acteur' END,
      CASE WHEN {o}.is_support_structure THEN 'accompagnement' END,
      CASE WHEN {o}.is_funder THEN 'financeur' END,
      CASE WHEN {o}.is_supplier THEN 'fournisseur' END,
      CASE WHEN {o}.is_institutional_partner THEN 'institutionnel' END
    ], NULL)::text[]
"""


def entry_select(source: str) -> str:
    """The entry of each published organisation of `source` (a table or transition table)."""
    return f"""
    SELECT o.id, o.name, o.commune_id, o.epci_id, o.ess_family, o.sector_id, {ROLES_SQL.format(o="o")},
           coalesce((SELECT array_agg(c.category_id ORDER BY c.category_id)
                     FROM annuaire_organisation_categories c WHERE c.organisation_id = o.id), '{{}}'),
           coalesce((SELECT array_agg(l.label_id ORDER BY l.label_id)
                     FROM annuaire_organisation_labels l WHERE l.organisation_id = o.id), '{{}}'),
           strip(coalesce(o.search_vector, ''::tsvector))
    FROM {source} o WHERE o.is_published
    """


ENTRY_COLUMNS = (
    "organisation_id, name, commune_id, epci_id, ess_family, sector_id, roles, category_ids, label_ids, lexemes"
)
UPSERT = """
    ON CONFLICT (organisation_id) DO UPDATE SET
      name = EXCLUDED.name, commune_id = EXCLUDED.commune_id, epci_id = EXCLUDED.epci_id, ess_family = EXCLUDED.ess_family,
      sector_id = EXCLUDED.sector_id, roles = EXCLUDED.roles, category_ids = EXCLUDED.category_ids,
      label_ids = EXCLUDED.label_ids, lexemes = EXCLUDED.lexemes
    WHERE (annuaire_directoryentry.name, annuaire_directoryentry.commune_id, annuaire_directoryentry.epci_id, annuaire_directoryentry.ess_family,
           annuaire_directoryentry.sector_id, annuaire_directoryentry.roles, annuaire_directoryentry.category_ids,
           annuaire_directoryentry.label_ids, annuaire_directoryentry.lexemes)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.commune_id, EXCLUDED.epci_id, EXCLUDED.ess_family, EXCLUDED.sector_id,
                            EXCLUDED.roles, EXCLUDED.category_ids, EXCLUDED.label_ids, EXCLUDED.lexemes)
"""


def count_delta(rows: str) -> str:
    """Add the signed pairs of `rows` (columns sign, keys) to the counts."""
    return f"""
    PERFORM pg_advisory_xact_lock(hashtext('annuaire_directorycount'));
    INSERT INTO annuaire_directorycount (filter_key, facet_key, n)
    SELECT f, g, sum(r.sign)
    FROM ({rows}) r, unnest(array_prepend('', r.keys)) f, unnest(array_prepend('*', r.keys)) g
    GROUP BY f, g HAVING sum(r.sign) <> 0
    ORDER BY f, g
    ON CONFLICT (filter_key, facet_key) DO UPDATE SET n = annuaire_directorycount.n + EXCLUDED.n
    """


def links_refresh(link_table: str, column: str, rows: str) -> str:
    return f"""
    UPDATE annuaire_directoryentry e SET {column} = coalesce(
        (SELECT array_agg(t.{column[:-4]}_id ORDER BY t.{column[:-4]}_id)
         FROM {link_table} t WHERE t.organisation_id = e.organisation_id), '{{}}')
    WHERE e.organisation_id IN (SELECT DISTINCT organisation_id FROM {rows})
    """


def function(name: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
      {body};
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """


def statement_trigger(name: str, event: str, table: str, transition: str, func: str) -> str:
    return f"""
    CREATE TRIGGER {name} AFTER {event} ON {table}
    REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {func}()
    """


FORWARD = [
    """
    CREATE FUNCTION annuaire_directory_keys(
        commune_id bigint, epci_id bigint, ess_family text, sector_id bigint, roles text[],
        category_ids bigint[], label_ids bigint[]) RETURNS text[] AS $$
      SELECT array_remove(ARRAY['commune:' || commune_id, 'epci:' || epci_id,
                                'famille:' || nullif(ess_family, ''), 'secteur:' || sector_id], NULL)
          || coalesce((SELECT array_agg('role:' || r ORDER BY r) FROM unnest(roles) r), '{}')
          || coalesce((SELECT array_agg('thematique:' || c ORDER BY c) FROM unnest(category_ids) c), '{}')
          || coalesce((SELECT array_agg('label:' || l ORDER BY l) FROM unnest(label_ids) l), '{}')
    $$ LANGUAGE sql IMMUTABLE PARALLEL SAFE
    """,
    """
    CREATE TABLE annuaire_directoryentry (
      organisation_id bigint PRIMARY KEY,
      name varchar(255) NOT NULL,
      commune_id bigint,
      epci_id bigint,
      ess_family varchar(30) NOT NULL,
      sector_id bigint,
      roles text[] NOT NULL,
      category_ids bigint[] NOT NULL,
      label_ids bigint[] NOT NULL,
      lexemes tsvector NOT NULL,
      keys text[] GENERATED ALWAYS AS (annuaire_directory_keys(
          commune_id, epci_id, ess_family, sector_id, roles, category_ids, label_ids)) STORED
    )
    """,
    "CREATE INDEX annuaire_directoryentry_lexemes ON annuaire_directoryentry USING gin (lexemes)",
    "CREATE INDEX annuaire_directoryentry_keys ON annuaire_directoryentry USING gin (keys)",
    "CREATE INDEX annuaire_directoryentry_name ON annuaire_directoryentry (name, organisation_id)",
    """
    CREATE TABLE annuaire_directorycount (
      filter_key text NOT NULL,
      facet_key text NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (filter_key, facet_key)
    )
    """,
    # Counts follow the entries.
    function(
        "annuaire_directorycount_inserted",
        count_delta("SELECT 1 AS sign, keys FROM new_entries"),
    ),
    function(
        "annuaire_directorycount_updated",
        count_delta("SELECT 1 AS sign, keys FROM new_entries UNION ALL SELECT -1 AS sign, keys FROM old_entries"),
    ),
    function(
        "annuaire_directorycount_deleted",
        count_delta("SELECT -1 AS sign, keys FROM old_entries"),
    ),
    statement_trigger(
        "annuaire_directorycount_insert",
        "INSERT",
        "annuaire_directoryentry",
        "NEW TABLE AS new_entries",
        "annuaire_directorycount_inserted",
    ),
    statement_trigger(
        "annuaire_directorycount_update",
        "UPDATE",
        "annuaire_directoryentry",
        "OLD TABLE AS old_entries NEW TABLE AS new_entries",
        "annuaire_directorycount_updated",
    ),
    statement_trigger(
        "annuaire_directorycount_delete",
        "DELETE",
        "annuaire_directoryentry",
        "OLD TABLE AS old_entries",
        "annuaire_directorycount_deleted",
    ),
    # Entries follow the organisations…
    function(
        "annuaire_directoryentry_from_inserted",
        f"INSERT INTO annuaire_directoryentry ({ENTRY_COLUMNS}) {entry_select('new_organisations')}",
    ),
    function(
        "annuaire_directoryentry_from_updated",
        f"""
        DELETE FROM annuaire_directoryentry e USING new_organisations o
        WHERE e.organisation_id = o.id AND NOT o.is_published;
        INSERT INTO annuaire_directoryentry ({ENTRY_COLUMNS}) {entry_select("new_organisations")} {UPSERT}
        """,
    ),
    function(
        "annuaire_directoryentry_from_deleted",
        "DELETE FROM annuaire_directoryentry WHERE organisation_id IN (SELECT id FROM old_organisations)",
    ),
    statement_trigger(
        "annuaire_directoryentry_insert",
        "INSERT",
        "annuaire_organisation",
        "NEW TABLE AS new_organisations",
        "annuaire_directoryentry_from_inserted",
    ),
    statement_trigger(
        "annuaire_directoryentry_update",
        "UPDATE",
        "annuaire_organisation",
        "NEW TABLE AS new_organisations",
        "annuaire_directoryentry_from_updated",
    ),
    statement_trigger(
        "annuaire_directoryentry_delete",
        "DELETE",
        "annuaire_organisation",
        "OLD TABLE AS old_organisations",
        "annuaire_directoryentry_from_deleted",
    ),
    # … and their links to themes and labels.
    function(
        "annuaire_directoryentry_categories_added",
        links_refresh("annuaire_organisation_categories", "category_ids", "new_links"),
    ),
    function(
        "annuaire_directoryentry_categories_removed",
        links_refresh("annuaire_organisation_categories", "category_ids", "old_links"),
    ),
    function(
        "annuaire_directoryentry_labels_added",
        links_refresh("annuaire_organisation_labels", "label_ids", "new_links"),
    ),
    function(
        "annuaire_directoryentry_labels_removed",
        links_refresh("annuaire_organisation_labels", "label_ids", "old_links"),
    ),
    statement_trigger(
        "annuaire_directoryentry_categories_insert",
        "INSERT",
        "annuaire_organisation_categories",
        "NEW TABLE AS new_links",
        "annuaire_directoryentry_categories_added",
    ),
    statement_trigger(
        "annuaire_directoryentry_categories_delete",
        "DELETE",
        "annuaire_organisation_categories",
        "OLD TABLE AS old_links",
        "annuaire_directoryentry_categories_removed",
    ),
    statement_trigger(
        "annuaire_directoryentry_labels_insert",
        "INSERT",
        "annuaire_organisation_labels",
        "NEW TABLE AS new_links",
        "annuaire_directoryentry_labels_added",
    ),
    statement_trigger(
        "annuaire_directoryentry_labels_delete",
        "DELETE",
        "annuaire_organisation_labels",
        "OLD TABLE AS old_links",
        "annuaire_directoryentry_labels_removed",
    ),
    # A truncated table (the test runner's flush) empties what follows from it.
    function("annuaire_directory_truncated", "TRUNCATE annuaire_directoryentry, annuaire_directorycount"),
    function("annuaire_directoryentry_categories_truncated", "UPDATE annuaire_directoryentry SET category_ids = '{}'"),
    function("annuaire_directoryentry_labels_truncated", "UPDATE annuaire_directoryentry SET label_ids = '{}'"),
    """
    CREATE TRIGGER annuaire_directoryentry_truncate AFTER TRUNCATE ON annuaire_organisation
    FOR EACH STATEMENT EXECUTE FUNCTION annuaire_directory_truncated()
    """,
    """
    CREATE TRIGGER annuaire_directoryentry_categories_truncate AFTER TRUNCATE ON annuaire_organisation_categories
    FOR EACH STATEMENT EXECUTE FUNCTION annuaire_directoryentry_categories_truncated()
    """,
    """
    CREATE TRIGGER annuaire_directoryentry_labels_truncate AFTER TRUNCATE ON annuaire_organisation_labels
    FOR EACH STATEMENT EXECUTE FUNCTION annuaire_directoryentry_labels_truncated()
    """,
    # The directory as it is now; the insert trigger builds the counts.
    f"INSERT INTO annuaire_directoryentry ({ENTRY_COLUMNS}) {entry_select('annuaire_organisation')}",
    "ANALYZE annuaire_directoryentry",
]

BACKWARD = [
    "DROP TABLE IF EXISTS annuaire_directoryentry",
    "DROP TABLE IF EXISTS annuaire_directorycount",
    *(
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in [
            ("annuaire_directoryentry_insert", "annuaire_organisation"),
            ("annuaire_directoryentry_update", "annuaire_organisation"),
            ("annuaire_directoryentry_delete", "annuaire_organisation"),
            ("annuaire_directoryentry_categories_insert", "annuaire_organisation_categories"),
            ("annuaire_directoryentry_categories_delete", "annuaire_organisation_categories"),
            ("annuaire_directoryentry_labels_insert", "annuaire_organisation_labels"),
            ("annuaire_directoryentry_labels_delete", "annuaire_organisation_labels"),
            ("annuaire_directoryentry_truncate", "annuaire_organisation"),
            ("annuaire_directoryentry_categories_truncate", "annuaire_organisation_categories"),
            ("annuaire_directoryentry_labels_truncate", "annuaire_organisation_labels"),
        ]
    ),
    *(
        f"DROP FUNCTION IF EXISTS {name}()"
        for name in [
            "annuaire_directorycount_inserted",
            "annuaire_directorycount_updated",
            "annuaire_directorycount_deleted",
            "annuaire_directoryentry_from_inserted",
            "annuaire_directoryentry_from_updated",
            "annuaire_directoryentry_from_deleted",
            "annuaire_directoryentry_categories_added",
            "annuaire_directoryentry_categories_removed",
            "annuaire_directoryentry_labels_added",
            "annuaire_directoryentry_labels_removed",
            "annuaire_directory_truncated",
            "annuaire_directoryentry_categories_truncated",
            "annuaire_directoryentry_labels_truncated",
        ]
    ),
    "DROP FUNCTION IF EXISTS annuaire_directory_keys(bigint, bigint, text, bigint, text[], bigint[], bigint[])",
]


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0009_claim_private_links")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
