"""Internal notes are written, never rewritten: a saved note is read-only in the admin
(its author too), except for a superuser."""

import pytest
from django.urls import reverse

from accueil.models import InternalNote
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_as
from tests.helpers.html import form_values

pytestmark = pytest.mark.django_db

FORM_ID = "intakerequest_form"


def change_url(intake):
    return reverse("admin:accueil_intakerequest_change", args=[intake.pk])


def posted_form(client, intake, **changes):
    """The change form as the page shows it, with some fields changed (a forged POST
    may name fields the page does not show)."""
    data = form_values(client.get(change_url(intake)).content.decode(), FORM_ID)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(change_url(intake), data)


def test_a_new_note_is_signed_by_whoever_writes_it(client):
    writer, colleague = StaffFactory(role="Accueil"), StaffFactory(role="Accueil")
    intake, _ = make_request()
    login_as(client, writer)
    response = posted_form(client, intake, **{"notes-0-body": "Rappeler jeudi.", "notes-0-author": str(colleague.pk)})
    assert response.status_code == 302
    note = InternalNote.objects.get(request=intake)
    assert (note.body, note.author) == ("Rappeler jeudi.", writer)


def test_a_colleague_can_neither_rewrite_nor_delete_a_saved_note(client):
    writer, colleague = StaffFactory(role="Accueil"), StaffFactory(role="Accueil")
    intake, _ = make_request()
    note = InternalNote.objects.create(request=intake, author=writer, body="Projet solide, voir France Active.")
    login_as(client, colleague)
    page = client.get(change_url(intake)).content.decode()
    assert "Projet solide, voir France Active." in page
    shown = form_values(page, FORM_ID)
    assert "notes-0-body" not in shown and "notes-0-DELETE" not in shown, "the saved note is shown read-only"
    assert shown["notes-1-body"] == [""], "a new note can still be written"

    response = posted_form(
        client,
        intake,
        **{"notes-0-body": "Projet fragile.", "notes-0-author": str(colleague.pk), "notes-0-DELETE": "on"},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.body, note.author) == ("Projet solide, voir France Active.", writer)
    assert InternalNote.objects.filter(request=intake).count() == 1


def test_only_a_superuser_corrects_or_deletes_a_note_and_the_author_stays(client):
    writer = StaffFactory(role="Accueil")
    intake, _ = make_request()
    note = InternalNote.objects.create(request=intake, author=writer, body="Tél. 0692 00 00 00")
    login_as(client, UserFactory(is_staff=True, is_superuser=True))
    posted_form(client, intake, **{"notes-0-body": "Téléphone retiré de la note."})
    note.refresh_from_db()
    assert (note.body, note.author) == ("Téléphone retiré de la note.", writer)
    posted_form(client, intake, **{"notes-0-DELETE": "on"})
    assert not InternalNote.objects.filter(pk=note.pk).exists()
