"""The weekly report of uploaded files no row names, and of rows whose file is missing."""

import os
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accueil.services import add_attachment
from cress.celery import app
from cress.services import report_orphan_files
from messagerie.models import OutgoingEmail
from tests.accueil.factories import make_request

pytestmark = pytest.mark.django_db


def plant(name, *, age_hours):
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 oubli")
    moment = time.time() - age_hours * 3600
    os.utime(path, (moment, moment))
    return path


def request_with_documents():
    intake, _ = make_request()
    for name in ("a.pdf", "b.pdf"):
        add_attachment(intake=intake, upload=SimpleUploadedFile(name, b"%PDF-1.4 x"), kind="pdf", by_holder=True)
    return list(intake.attachments.all())


def test_it_finds_a_planted_orphan_and_a_missing_file_and_emails_the_contact_address(capsys):
    kept, lost = request_with_documents()
    lost.file.storage.delete(lost.file.name)  # the row stays, its file is gone
    plant("accueil/999/oublie.pdf", age_hours=48)
    plant("accueil/999/en-cours.pdf", age_hours=1)  # an upload whose row is not committed yet

    call_command("report_orphan_files")
    output = capsys.readouterr().out
    assert "accueil/999/oublie.pdf" in output and "en-cours" not in output
    assert f"accueil.Attachment n°{lost.pk} (file) : {lost.file.name}" in output
    assert kept.file.name not in output

    email = OutgoingEmail.objects.get(kind="cress/fichiers_orphelins")
    assert email.to == settings.CONTACT_EMAIL
    assert "1 orphelin(s), 1 manquant(s)" in email.subject
    assert "accueil/999/oublie.pdf" in email.body_text and lost.file.name in email.body_text


def test_nothing_is_sent_when_storage_and_rows_agree(capsys):
    request_with_documents()
    report = report_orphan_files()
    assert not report and report.orphan_files == [] and report.missing_files == []
    call_command("report_orphan_files")
    assert "Aucun écart" in capsys.readouterr().out
    assert not OutgoingEmail.objects.filter(kind="cress/fichiers_orphelins").exists()


def test_the_report_runs_every_week():
    entry = app.conf.beat_schedule["cress-report-orphan-files"]
    assert entry["task"] == "cress.tasks.report_orphan_files"
    assert entry["schedule"].day_of_week == {1} and entry["schedule"].hour == {4}
