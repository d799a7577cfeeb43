"""Migration 0009 keeps the messages written before the conversation: holder ↔ staff ones
stay in the holder's thread, and a structure's question joins that structure's thread."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accueil.models import Message
from accueil.orientation import orient
from accueil.services import send_staff_message, transition_request
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory

BEFORE = [("accueil", "0010_naf_activity")]
AFTER = [("accueil", "0011_conversation")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def latest_schema_after():
    """Leave the database at the latest migration of every app, as the next tests expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_messages_keep_their_place_in_the_conversation(latest_schema_after):
    intake, _ = make_request()
    transition_request(intake=intake, target="qualification")
    kaz, sud = (
        OrganisationFactory(name=name, commune=commune(), is_support_structure=True, email=f"{i}@exemple.re")
        for i, name in enumerate(["Kaz Initiatives", "Incubateur Sud"])
    )
    orientations = {o.organisation.name: o for o in orient(intake=intake, organisations=[kaz, sud], by=None)}
    staff_message = send_staff_message(intake=intake, by=None, body="Bonjour Céline")

    migrate(BEFORE)
    with connection.cursor() as cursor:
        # What ask_holder wrote before the conversation: signed by the structure, no thread.
        cursor.execute(
            "INSERT INTO accueil_message (request_id, author_kind, author_name, body, created_at) "
            "VALUES (%s, 'partenaire', 'Incubateur Sud', 'Avez-vous un local ?', now()) RETURNING id",
            [intake.pk],
        )
        question_id = cursor.fetchone()[0]
    migrate(AFTER)

    question = Message.objects.get(pk=question_id)
    assert (question.audience, question.orientation) == ("structure_porteur", orientations["Incubateur Sud"])
    assert question.author_label == "Incubateur Sud"
    kept = Message.objects.get(pk=staff_message.pk)
    assert (kept.audience, kept.orientation, kept.body) == ("porteur", None, "Bonjour Céline")
