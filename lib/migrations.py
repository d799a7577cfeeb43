"""Migration helpers: statements that only PostgreSQL understands (triggers, GIN trigram
indexes, text search configurations). On SQLite, the zero-setup default of `make run`,
they are skipped and the features fall back to simple behaviour."""

from django.db import migrations


def run_on_postgresql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    def apply(statements):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return run

    return migrations.RunPython(apply(forward), apply(backward))
