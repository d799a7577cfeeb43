"""Staff in the admin of Action 1, as the demo's Partenariats account works there: logged in
with the second factor, reading the messages and posting the forms a page shows."""

import io
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.html import form_values


def staff_client(role: str | None = "Partenariats", **fields) -> Client:
    client = Client()
    login_verified(client, StaffFactory(role=role, **fields))
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_text(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def change_form(client: Client, url: str, form_id: str) -> dict[str, list[str]]:
    """What a browser posts from an admin change page as it shows it."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    values = form_values(response.content.decode(), form_id)
    values.pop("comment", None)  # the workflow bar's comment, not a field of the record
    return values


def stored_files(folder: str) -> list[Path]:
    """The files under MEDIA_ROOT/partenariats/<folder> (each test has its own MEDIA_ROOT)."""
    root = Path(settings.MEDIA_ROOT) / "partenariats" / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>Bilan</document>")
    return buffer.getvalue()
