"""The resource centre: French full-text search (accents, plurals), facets and filters in
the address, bad parameters said in French, uploads checked by content, downloads counted,
unpublished resources hidden, constant queries."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appartenance import resources
from appartenance.models_resources import Resource, ResourceFormat
from tests.appartenance.resources_factories import make_resource

pytestmark = pytest.mark.django_db

LIST = "/ess/ressources/"


def found_titles(client, **params) -> set[str]:
    """The titles listed (the results' HTML may come from the cache: read from the page)."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return set(re.findall(r'<h3 class="h5 mb-1"><a href="/ess/ressources/[^"]+/">([^<]+)</a></h3>', html))


def test_words_are_found_without_accents_and_in_the_plural(client):
    make_resource("Créer une coopérative", summary="Les étapes de la création d'une SCOP.")
    make_resource("Tenir sa comptabilité", summary="Le bilan et le compte de résultat.")
    assert found_titles(client, q="cooperatives") == {"Créer une coopérative"}
    assert found_titles(client, q="COOPÉRATIVE") == {"Créer une coopérative"}
    assert found_titles(client, q="bilans") == {"Tenir sa comptabilité"}
    assert found_titles(client, q="inexistant") == set()


def test_the_author_and_the_body_are_searched_too(client):
    make_resource("Guide A", author="Union régionale des SCOP")
    make_resource("Guide B", body="<p>Les <strong>assemblées générales</strong> annuelles.</p>")
    assert found_titles(client, q="union régionale") == {"Guide A"}
    assert found_titles(client, q="assemblée générale") == {"Guide B"}


def test_facets_count_what_matches_and_filters_narrow(client):
    make_resource("Statuts de SCOP", kind=ResourceFormat.STATUTES, themes=["creation"], audiences=["porteur"])
    make_resource("Statuts de SCIC", kind=ResourceFormat.STATUTES, themes=["creation", "cooperation"])
    make_resource("Panorama", kind=ResourceFormat.OBSERVATORY, themes=["chiffres"], published_on=date(2024, 5, 1))
    response = client.get(LIST)
    facets = {
        facet.param: {o["value"]: o["count"] for o in facet.options} for facet in response.context["result"].facets
    }
    assert facets["format"] == {ResourceFormat.STATUTES: 2, ResourceFormat.OBSERVATORY: 1}
    assert facets["theme"] == {"creation": 2, "cooperation": 1, "chiffres": 1}
    assert facets["public"] == {"porteur": 1, "structure": 2}
    assert facets["annee"] == {"2025": 2, "2024": 1}
    assert found_titles(client, theme="cooperation") == {"Statuts de SCIC"}
    assert found_titles(client, format="observatoire") == {"Panorama"}
    assert found_titles(client, annee="2025", public="porteur") == {"Statuts de SCOP"}
    html = unescape(client.get(LIST, {"theme": "creation", "annee": "2025"}).content.decode())
    assert "Thème : Créer une structure de l'ESS" in html  # the active filter, removable
    assert "2 ressources" in html


def test_bad_parameters_are_said_in_french_and_ignored(client):
    make_resource("Un guide")
    response = client.get(LIST, {"theme": "zzz", "annee": "deux mille", "format": "<script>", "page": "x"})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Ce thème n'existe pas : choisissez-en un dans la liste." in html
    assert "L'année s'écrit en chiffres, par exemple 2025." in html
    assert "Ce format n'existe pas" in html
    assert "1 ressource" in html


def test_the_list_pages_through_the_results(client):
    for index in range(resources.PAGE_SIZE + 3):
        make_resource(f"Guide numéro {index}")
    assert len(found_titles(client)) == resources.PAGE_SIZE
    assert len(found_titles(client, page="2")) == 3
    assert "Page 2 sur 2" in client.get(LIST, {"page": "999"}).content.decode()


def test_an_unpublished_resource_is_nowhere_in_public(client):
    hidden = make_resource("Brouillon confidentiel", published=False)
    assert found_titles(client) == set()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("appartenance:resource-download", args=[hidden.slug])).status_code == 404
    hidden.refresh_from_db()
    assert hidden.download_count == 0


def test_a_resource_page_shows_what_it_is_and_its_download(client):
    resource = make_resource("Modèle de statuts", author="URSCOP", themes=["gouvernance"], audiences=["porteur"])
    html = unescape(client.get(resource.get_absolute_url()).content.decode())
    for text in ("Modèle de statuts", "URSCOP", "1 mars 2025", "CC BY 4.0", "Téléchargements", "Télécharger (PDF)"):
        assert text in html
    assert "Gouvernance et vie démocratique" in html and "Pour : Porteurs de projet" in html


def test_a_download_is_counted_then_served_as_an_attachment(client):
    resource = make_resource("Guide des bonnes pratiques")
    url = reverse("appartenance:resource-download", args=[resource.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guide-des-bonnes-pratiques.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.get(url)
    resource.refresh_from_db()
    assert resource.download_count == 2
    assert "<dd>2</dd>" in client.get(resource.get_absolute_url()).content.decode()


def test_a_recording_leads_to_its_page_and_is_counted(client):
    resource = make_resource("Webinaire", kind=ResourceFormat.RECORDING, external_url="https://video.exemple.re/w")
    response = client.get(reverse("appartenance:resource-download", args=[resource.slug]))
    assert response.status_code == 302 and response["Location"] == "https://video.exemple.re/w"
    resource.refresh_from_db()
    assert resource.download_count == 1


def test_a_renamed_executable_is_refused():
    upload = SimpleUploadedFile("guide.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    with pytest.raises(ValidationError, match="n'est pas un document accepté"):
        resources.check_resource_file(upload)


def test_a_file_too_big_is_refused(settings):
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (resources.MAX_FILE_BYTES + 1))
    with pytest.raises(ValidationError, match="dépasse 20 Mo"):
        resources.check_resource_file(upload)


def test_a_spreadsheet_is_accepted_and_served_with_its_kind(client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    resource = Resource(
        title="Tableau de budget", slug="tableau-de-budget", summary="s", author="a", published_on=date(2025, 1, 1),
        licence="cc_by", format=ResourceFormat.GUIDE, is_published=True,
    )  # fmt: skip
    upload = ContentFile(buffer.getvalue(), name="budget.bin")
    resource.file = upload
    resources.save_resource(resource=resource, themes=["gestion"], audiences=["structure"], topics=[], upload=upload)
    assert resource.file_kind == "xlsx"
    response = client.get(reverse("appartenance:resource-download", args=[resource.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="tableau-de-budget.xlsx"'


def test_a_resource_has_a_file_or_an_address_not_both():
    resource = Resource(
        title="Rien", slug="rien", summary="s", author="a", published_on=date(2025, 1, 1), licence="cc_by",
        format=ResourceFormat.GUIDE,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="soit un fichier, soit une adresse externe"):
        resources.save_resource(resource=resource, themes=[], audiences=[], topics=[])


def test_unknown_topics_are_refused():
    with pytest.raises(ValidationError, match="Sujets inconnus : statut/inconnu"):
        make_resource("Guide", topics=["statut/inconnu"])


def test_the_body_is_made_safe_on_save():
    resource = make_resource("Guide", body='<p onclick="x()">Texte</p><script>alert(1)</script>')
    assert resource.body == "<p>Texte</p>"


def _list_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(LIST, params).status_code == 200
    return len(context.captured_queries)


def test_the_list_makes_a_constant_number_of_queries(client):
    make_resource("Premier guide", themes=["creation", "gestion"])
    params = {"q": "guide", "theme": "creation"}
    cold_few = _list_queries(client, params)
    assert _list_queries(client, params) == 0  # seen before: the results' HTML is cached
    for index in range(15):
        make_resource(f"Autre guide {index}", themes=["creation", "gestion"], audiences=["porteur", "structure"])
    assert _list_queries(client, {**params, "format": "guide"}) == cold_few == 3  # counts (2), the page
    assert _list_queries(client, {**params, "format": "guide", "page": "2"}) == 1  # counts cached, the page
    assert _list_queries(client, {**params, "format": "guide"}) == 0
    resource = Resource.objects.get(slug="premier-guide")
    with CaptureQueriesContext(connection) as page_queries:
        client.get(resource.get_absolute_url())
    assert len(page_queries.captured_queries) == 2  # the resource, its tags


def test_a_change_re_keys_the_cached_counts(client, django_capture_on_commit_callbacks):
    make_resource("Premier guide")
    assert found_titles(client) == {"Premier guide"}
    with django_capture_on_commit_callbacks(execute=True):
        make_resource("Second guide")
    assert found_titles(client) == {"Premier guide", "Second guide"}
