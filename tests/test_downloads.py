"""Every file leaves the portal through lib.downloads.file_response: a download, with nosniff
and a sandboxing policy of its own (issue 14, point 8). No view builds a FileResponse another
way, and MEDIA_URL is served by nothing."""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from lib.downloads import FILE_POLICY, file_response
from observatoire.models import Publication

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", "node_modules", "tests", "migrations", "bench", "staticfiles"}


def project_modules():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path


def test_no_view_builds_a_file_response_but_through_lib_downloads():
    offenders = []
    for path in project_modules():
        if path == ROOT / "lib" / "downloads.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            named = (isinstance(node, ast.Name) and node.id == "FileResponse") or (
                isinstance(node, ast.Attribute) and node.attr == "FileResponse"
            )
            imported = isinstance(node, ast.ImportFrom) and any(alias.name == "FileResponse" for alias in node.names)
            if named or imported:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "servez les fichiers par lib.downloads.file_response"


def test_a_file_response_is_a_download_that_nothing_can_run():
    handle = ContentFile(b"%PDF-1.4 ...", name="x.pdf")
    response = file_response(handle, filename="compte rendu.pdf", content_type="application/pdf")
    assert response["Content-Disposition"].startswith("attachment;") and "compte" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_POLICY == "default-src 'none'; sandbox"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_public_publication_downloads_with_those_headers(client):
    from referentiels.models import Territory, TerritoryKind

    publication = Publication(
        title="Panorama de l'ESS",
        published_on=datetime.date(2026, 1, 5),
        summary="Les chiffres de l'année.",
        territory=Territory.objects.get(kind=TerritoryKind.REGION),
    )
    publication.file.save("etude.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    response = client.get(reverse("observatoire:publication-fichier", args=[publication.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", FILE_POLICY)


@pytest.mark.django_db
def test_the_media_folder_is_served_by_nothing(client):
    assert client.get(f"{settings.MEDIA_URL}ressources/quelconque.pdf").status_code == 404
