"""Partner memberships moved from comptes to annuaire (comptes 0004, annuaire 0011) with
their rows, their content type, and so the permissions groups and people hold on them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from annuaire.models import PartnerMembership
from tests.annuaire.factories import PartnerMembershipFactory

BEFORE = [("annuaire", "0010_directory_entries"), ("comptes", "0003_second_factor")]
AFTER = [("annuaire", "0011_partnermembership"), ("comptes", "0004_partnermembership_to_annuaire")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def table_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, user_id, organisation_id, role FROM {table} ORDER BY id")  # noqa: S608 — our names
        return cursor.fetchall()


def constraint_names(table):
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.fixture
def latest_schema_after():
    """Leave the database at the latest migration of every app, as the next tests expect:
    going back to BEFORE also unapplies the later migrations that depend on the move
    (accueil's among them), which AFTER does not re-apply."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_memberships_keep_their_rows_content_type_and_permissions_across_the_move(latest_schema_after):
    membership = PartnerMembershipFactory(role=PartnerMembership.Role.ADMIN)
    rows = table_rows("annuaire_partnermembership")
    content_type = ContentType.objects.get(app_label="annuaire", model="partnermembership")
    permission = Permission.objects.get(content_type=content_type, codename="view_partnermembership")
    direction = Group.objects.get(name="Direction")
    assert direction.permissions.filter(pk=permission.pk).exists()  # as cress/access.py declares

    migrate(BEFORE)  # where every database stood before the move
    assert "comptes_partnermembership" in connection.introspection.table_names()
    assert "annuaire_partnermembership" not in connection.introspection.table_names()
    assert table_rows("comptes_partnermembership") == rows
    assert "comptes_membership_unique" in constraint_names("comptes_partnermembership")
    assert ContentType.objects.get(pk=content_type.pk).app_label == "comptes"

    migrate(AFTER)
    assert "comptes_partnermembership" not in connection.introspection.table_names()
    assert table_rows("annuaire_partnermembership") == rows
    constraints = constraint_names("annuaire_partnermembership")
    assert "annuaire_partnermembership_unique" in constraints and "comptes_membership_unique" not in constraints
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("annuaire", "partnermembership")
    assert not ContentType.objects.filter(app_label="comptes", model="partnermembership").exists()
    assert direction.permissions.filter(pk=permission.pk, content_type=moved).exists()
    assert PartnerMembership.objects.get().user == membership.user
    assert membership.user.is_partner
