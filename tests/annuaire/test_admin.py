import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annuaire.models import Organisation
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_changelist_queries_do_not_grow_with_the_rows(client, settings):
    login_verified(client, StaffFactory(role="Communication"))
    url = f"/{settings.ADMIN_URL}annuaire/organisation/"
    OrganisationFactory.create_batch(3)
    few = changelist_queries(client, url)
    OrganisationFactory.create_batch(30)
    assert changelist_queries(client, url) == few


def test_staff_edit_in_the_admin_keeps_derived_fields_and_history(client, settings):
    login_verified(client, StaffFactory(role="Communication"))
    organisation = OrganisationFactory(name="Avant")
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "name": "Après",
        "slug": organisation.slug,
        "legal_form": organisation.legal_form_id,
        "commune": organisation.commune_id,
        "is_ess_actor": "on",
        "is_published": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.name == "Après" and organisation.epci.short_name == "CINOR"
    assert organisation.history.count() == 2


def test_staff_declare_the_stages_a_support_structure_accompanies(client, settings):
    from django.urls import reverse

    login_verified(client, StaffFactory(role="Communication"))
    organisation = OrganisationFactory(name="Couveuse Kaz", is_support_structure=True, is_published=True)
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "legal_form": organisation.legal_form_id,
        "commune": organisation.commune_id,
        "is_ess_actor": "on",
        "is_support_structure": "on",
        "is_published": "on",
        "support_stages": ["creation", "emergence"],
    }
    assert client.post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert sorted(organisation.support_stages) == ["creation", "emergence"]
    page = client.get(reverse("annuaire:structure", args=[organisation.slug])).content.decode()
    assert "Émergence (idée, premières démarches), Création" in page
    # A stage that does not exist is refused with a message, and nothing changes.
    response = client.post(url, {**data, "support_stages": ["apogee"]})
    assert response.status_code == 200 and "apogee" in response.content.decode()
    organisation.refresh_from_db()
    assert sorted(organisation.support_stages) == ["creation", "emergence"]


def sirene_csv(rows):
    header = (
        "siren,siret,denominationUniteLegale,categorieJuridiqueUniteLegale,activitePrincipaleEtablissement,"
        "codeCommuneEtablissement,economieSocialeSolidaireUniteLegale\n"
    )
    return (header + "".join(",".join(row) + "\n" for row in rows)).encode()


def test_staff_import_a_sirene_file_from_the_admin(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from annuaire.demo import demo_siret

    login_verified(client, StaffFactory(role="Communication"))
    good = demo_siret(4242)
    content = sirene_csv(
        [
            [good[:9], good, "Ressourcerie du Nord", "9220", "38.32Z", "97411", "O"],
            ["123456789", "12345678900000", "Mauvais SIRET", "9220", "38.32Z", "97411", "O"],
        ]
    )
    url = f"/{settings.ADMIN_URL}annuaire/organisation/import-sirene/"
    assert "Importer un fichier Sirene" in client.get(f"/{settings.ADMIN_URL}annuaire/organisation/").content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("stock.csv", content, "text/csv")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lignes écartées" in html and "12345678900000" in html
    organisation = Organisation.objects.get(siret=good)
    assert organisation.name == "Ressourcerie du Nord" and not organisation.is_published
    assert organisation.ess_family == "association" and organisation.epci.short_name == "CINOR"


def test_import_refuses_what_is_not_a_csv_and_needs_the_right_role(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/{settings.ADMIN_URL}annuaire/organisation/import-sirene/"
    login_verified(client, StaffFactory(role="Formation"))
    assert client.get(url).status_code == 403
    login_verified(client, StaffFactory(role="Communication"))
    response = client.post(url, {"file": SimpleUploadedFile("stock.xlsx", b"PK\x03\x04", "application/zip")})
    assert "Envoyez un fichier .csv." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("stock.csv", b"\xff\xfe\x00bad", "text/csv")})
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_the_organisation_list_never_counts_the_whole_table(client, settings, monkeypatch):
    from lib.admin import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    login_verified(client, StaffFactory(role="Communication"))
    OrganisationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as context:
        page = client.get(f"/{settings.ADMIN_URL}annuaire/organisation/").content.decode()
    assert "Plus de 3 " in page
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 4" in sql for sql in counts)


def test_a_superuser_gives_a_person_access_to_a_structure_from_its_admin_page(client, settings):
    from annuaire.models import PartnerMembership
    from comptes.models import User
    from tests.comptes.factories import PASSWORD, UserFactory
    from tests.helpers.html import form_values

    login_verified(client, User.objects.create_superuser(email="admin@exemple.re", password=PASSWORD))
    organisation = OrganisationFactory()
    person = UserFactory()
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    data = form_values(client.get(url).content.decode(), "organisation_form")
    assert data["memberships-TOTAL_FORMS"] == ["0"]
    data.update(
        {"memberships-TOTAL_FORMS": ["1"], "memberships-0-user": [str(person.pk)], "memberships-0-role": ["admin"]}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    membership = PartnerMembership.objects.get()
    assert (membership.user, membership.organisation, membership.role) == (person, organisation, "admin")
    assert person.is_partner


def test_the_memberships_show_on_a_structures_page_only_to_who_may_see_them(client, settings):
    from tests.annuaire.factories import PartnerMembershipFactory

    organisation = OrganisationFactory()
    member = PartnerMembershipFactory(organisation=organisation, user__first_name="Nadia", user__last_name="Payet").user
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    login_verified(client, StaffFactory(role="Direction"))  # reads memberships (cress/access.py)
    assert str(member) == "Nadia Payet" and "Nadia Payet" in client.get(url).content.decode()
    client.logout()
    login_verified(client, StaffFactory(role="Accueil"))  # edits the structure, not its members
    page = client.get(url).content.decode()
    assert 'id="organisation_form"' in page
    assert "Nadia Payet" not in page and "memberships-TOTAL_FORMS" not in page
