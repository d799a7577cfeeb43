import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annuaire import sirene
from annuaire.demo import demo_siret
from annuaire.models import Category, Organisation
from annuaire.services import derive_fields, directory_version
from annuaire.sirene import Rejection, SireneFileError, import_sirene_csv
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "siren",
    "siret",
    "denominationUniteLegale",
    "sigleUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleEtablissement",
    "codeCommuneEtablissement",
    "economieSocialeSolidaireUniteLegale",
    "etatAdministratifEtablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "trancheEffectifsEtablissement",
    "dateCreationUniteLegale",
    "latitude",
    "longitude",
]
BAD_KEY = demo_siret(7)[:-1] + str((int(demo_siret(7)[-1]) + 1) % 10)


def row(index, name, **columns):
    siret = columns.pop("siret", demo_siret(index))
    values = {
        "siren": siret[:9],
        "siret": siret,
        "denominationUniteLegale": name,
        "categorieJuridiqueUniteLegale": "9220",
        "activitePrincipaleEtablissement": "88.99B",
        "codeCommuneEtablissement": "97411",
        "economieSocialeSolidaireUniteLegale": "O",
        "etatAdministratifEtablissement": "A",
        "numeroVoieEtablissement": "12",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DE LA REPUBLIQUE",
        "codePostalEtablissement": "97400",
        "trancheEffectifsEtablissement": "03",
        "dateCreationUniteLegale": "2012-05-14",
        "latitude": "-20.8823",
        "longitude": "55.4504",
    }
    return values | columns


def csv_text(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


GOOD = [
    row(1, "ASSOCIATION LAKAZ MARMAY", sigleUniteLegale="ALM"),
    row(
        2,
        "SCOP TI PA TI PA",
        categorieJuridiqueUniteLegale="5458",
        activitePrincipaleEtablissement="81.30Z",
        codeCommuneEtablissement="97415",
        codePostalEtablissement="97460",
        trancheEffectifsEtablissement="NN",
    ),
    row(
        3,
        "RESSOURCERIE BON KÈR",
        categorieJuridiqueUniteLegale="5710",
        activitePrincipaleEtablissement="38.32Z",
        codeCommuneEtablissement="97416",
        codePostalEtablissement="97410",
        trancheEffectifsEtablissement="41",
        latitude="",
        longitude="",
    ),
]
BAD = [
    row(1, "ASSOCIATION LAKAZ MARMAY BIS"),
    row(7, "ÉPICERIE SOLIDAIRE LESPWAR", siret=BAD_KEY),
    row(8, "JARDINS PARTAGÉS DU PITON", codeCommuneEtablissement="75056"),
    row(9, "ATELIER VÉLO ZARLOR", activitePrincipaleEtablissement="99.99Z"),
    row(10, "VAVANGAZ CONSEIL", categorieJuridiqueUniteLegale="5710", economieSocialeSolidaireUniteLegale="N"),
    row(11, "CHANTIER D'INSERTION RAVINE", etatAdministratifEtablissement="F"),
    row(12, "ÉCOLE DE MUSIQUE MALOYA", latitude="abc"),
    row(13, "TIERS-LIEU FANAL", siren="812345678"),
    row(14, ""),
    row(15, "JEAN GRONDIN", categorieJuridiqueUniteLegale="1000"),
]
FILE = csv_text([*GOOD[:2], BAD[0], GOOD[2], *BAD[1:]])
EXPECTED_REJECTIONS = [
    Rejection(4, demo_siret(1), "SIRET en double dans le fichier (déjà présent ligne 2)."),
    Rejection(6, BAD_KEY, "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
    Rejection(7, demo_siret(8), "Commune inconnue : « 75056 »."),
    Rejection(8, demo_siret(9), "Code NAF inconnu : « 99.99Z »."),
    Rejection(
        9,
        demo_siret(10),
        "Hors du champ de l'ESS : forme juridique « SAS, société par actions simplifiée » (5710) "
        "sans qualité ESS déclarée.",
    ),
    Rejection(10, demo_siret(11), "Établissement fermé (état administratif F)."),
    Rejection(11, demo_siret(12), "Coordonnées invalides : latitude « abc », longitude « 55.4504 »."),
    Rejection(12, demo_siret(13), "Le SIREN 812345678 ne correspond pas aux 9 premiers chiffres du SIRET."),
    Rejection(13, demo_siret(14), "Dénomination absente."),
    Rejection(14, demo_siret(15), "Forme juridique inconnue : « 1000 »."),
]


def snapshot():
    return (
        sorted(Organisation.objects.values_list("siret", "name", "is_published", "search_text")),
        Organisation.history.count(),
    )


def test_good_rows_are_created_with_their_derived_fields_and_bad_rows_are_reported(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_sirene_csv(file=io.StringIO(FILE))

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.rejections == EXPECTED_REJECTIONS
    assert directory_version() == 2, "bumped once"
    organisations = {o.siret: o for o in Organisation.objects.select_related("epci", "sector")}
    assert set(organisations) == {demo_siret(1), demo_siret(2), demo_siret(3)}

    lakaz = organisations[demo_siret(1)]
    assert (lakaz.name, lakaz.acronym, lakaz.siren) == ("ASSOCIATION LAKAZ MARMAY", "ALM", demo_siret(1)[:9])
    assert (lakaz.ess_family, lakaz.epci.short_name, lakaz.sector.code) == ("association", "CINOR", "Q")
    assert (lakaz.address, lakaz.postcode, lakaz.headcount_band, lakaz.creation_year) == (
        "12 RUE DE LA REPUBLIQUE",
        "97400",
        "03",
        2012,
    )
    assert (lakaz.latitude, lakaz.longitude) == (-20.8823, 55.4504)
    assert lakaz.slug == f"association-lakaz-marmay-{demo_siret(1)}"
    assert "Saint-Denis" in lakaz.search_text and "CINOR" in lakaz.search_text

    scop = organisations[demo_siret(2)]
    assert (scop.ess_family, scop.epci.short_name, scop.sector.code, scop.headcount_band) == (
        "cooperative",
        "TCO",
        "N",
        "",
    )
    ressourcerie = organisations[demo_siret(3)]
    assert (ressourcerie.ess_family, ressourcerie.ess_declared) == ("societe_commerciale", True)
    assert (ressourcerie.epci.short_name, ressourcerie.sector.code) == ("CIVIS", "E")
    assert ressourcerie.headcount_band == "31", "INSEE band 41 (500 to 999) is in « 200 salariés et plus »"
    # Without coordinates in the file, the organisation sits at its commune's main town.
    assert (ressourcerie.latitude, ressourcerie.longitude) == (
        ressourcerie.commune.latitude,
        ressourcerie.commune.longitude,
    )

    assert not any(o.is_published for o in organisations.values())
    assert [h.history_change_reason for h in lakaz.history.all()] == ["Import Sirene"]


def test_the_summary_is_in_french_with_one_line_per_rejection():
    report = import_sirene_csv(file=io.StringIO(FILE))
    lines = report.summary().splitlines()
    assert (
        lines[0]
        == report.headline
        == "Import Sirene : 3 structures créées, 0 mise à jour, 0 inchangée, 10 lignes rejetées."
    )
    duplicate = "SIRET en double dans le fichier (déjà présent ligne 2)."
    assert lines[1] == f"  Ligne 4 (SIRET « {demo_siret(1)} ») : {duplicate}"
    assert len(lines) == 11


def test_a_second_import_of_the_same_file_changes_nothing(django_capture_on_commit_callbacks):
    import_sirene_csv(file=io.StringIO(FILE))
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_sirene_csv(file=io.StringIO(FILE))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.rejections == EXPECTED_REJECTIONS
    assert snapshot() == before
    assert callbacks == [], "nothing changed: cached pages stay valid"


def test_changed_values_are_updated_and_recorded_in_history(django_capture_on_commit_callbacks):
    import_sirene_csv(file=io.StringIO(csv_text(GOOD)))
    Organisation.objects.filter(siret=demo_siret(2)).update(is_published=True)
    changed = [row(1, "LAKAZ MARMAY", sigleUniteLegale="", codeCommuneEtablissement="97415"), *GOOD[1:]]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_sirene_csv(file=io.StringIO(csv_text(changed)), publish=True)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert len(callbacks) == 1
    lakaz = Organisation.objects.select_related("epci").get(siret=demo_siret(1))
    assert (lakaz.name, lakaz.epci.short_name) == ("LAKAZ MARMAY", "TCO")
    assert "Saint-Paul" in lakaz.search_text and "Saint-Denis" not in lakaz.search_text
    assert lakaz.acronym == "ALM", "an empty value in the file does not erase a known one"
    assert lakaz.slug == f"association-lakaz-marmay-{demo_siret(1)}", "addresses stay stable"
    history = lakaz.history.order_by("history_date")
    assert [(h.history_type, h.name, h.history_change_reason) for h in history] == [
        ("+", "ASSOCIATION LAKAZ MARMAY", "Import Sirene"),
        ("~", "LAKAZ MARMAY", "Import Sirene"),
    ]
    assert dict(Organisation.objects.values_list("siret", "is_published")) == {
        demo_siret(1): False,
        demo_siret(2): True,
        demo_siret(3): False,
    }, "an update never changes the publication"


def test_an_existing_organisation_is_matched_on_its_siret_and_keeps_what_sirene_does_not_know():
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    existing = OrganisationFactory(
        name="Lakaz Marmay", siret=demo_siret(1), description="Épicerie et jardin.", categories=[insertion]
    )
    report = import_sirene_csv(file=io.StringIO(csv_text(GOOD[:1])))
    assert (report.created, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.description, existing.is_published) == (
        "ASSOCIATION LAKAZ MARMAY",
        "Épicerie et jardin.",
        True,
    )
    assert insertion.name in existing.search_text
    assert Organisation.objects.count() == 1


def test_publish_creates_published_organisations():
    report = import_sirene_csv(file=io.StringIO(csv_text(GOOD)), publish=True)
    assert report.created == 3
    assert set(Organisation.objects.values_list("is_published", flat=True)) == {True}


def test_bytes_with_a_bom_and_uploaded_files_are_read_as_utf8():
    content = ("\ufeff" + csv_text(GOOD[:1])).encode()
    assert import_sirene_csv(file=io.BytesIO(content)).created == 1
    upload = SimpleUploadedFile("sirene.csv", csv_text(GOOD[1:]).encode(), content_type="text/csv")
    assert import_sirene_csv(file=upload).created == 2
    assert import_sirene_csv(file=io.StringIO("\ufeff" + csv_text(GOOD))).unchanged == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            csv_text(GOOD, header=[c for c in HEADER if c not in {"siret", "codeCommuneEtablissement"}]).encode(),
            "Colonnes obligatoires absentes : siret, codeCommuneEtablissement.",
        ),
        (
            csv_text(GOOD).replace(",", ";").encode(),
            "Le séparateur attendu est la virgule.",
        ),
        (csv_text(GOOD).encode("latin-1"), "n'est pas encodé en UTF-8 (caractère illisible ligne 4)"),
        (b"", "Le fichier est vide."),
        (csv_text([]).encode(), "aucune ligne de données"),
    ],
    ids=["missing-columns", "semicolons", "latin-1", "empty", "header-only"],
)
def test_a_file_that_cannot_be_imported_raises_a_french_error_and_changes_nothing(content, message):
    OrganisationFactory(name="Lakaz Marmay", siret=demo_siret(1))
    before = snapshot()
    with pytest.raises(SireneFileError, match=re.escape(message)):
        import_sirene_csv(file=io.BytesIO(content))
    assert snapshot() == before


def test_a_failure_mid_way_leaves_the_database_as_it_was(monkeypatch, django_capture_on_commit_callbacks):
    OrganisationFactory(name="Lakaz Marmay", siret=demo_siret(1), is_published=True)
    before = snapshot()
    calls = []

    def failing_derive_fields(organisation):
        calls.append(organisation.siret)
        if len(calls) == 3:
            raise RuntimeError("panne simulée")
        derive_fields(organisation)

    # One row per batch: the first row is updated and the second created before the third fails.
    monkeypatch.setattr(sirene, "BATCH_SIZE", 1)
    monkeypatch.setattr(sirene, "derive_fields", failing_derive_fields)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        import_sirene_csv(file=io.StringIO(FILE))

    assert calls == [demo_siret(1), demo_siret(2), demo_siret(3)]
    assert snapshot() == before
    assert callbacks == []


def test_the_command_prints_the_report(tmp_path):
    path = tmp_path / "sirene.csv"
    path.write_text(FILE, encoding="utf-8")
    out = io.StringIO()
    call_command("import_sirene", str(path), stdout=out)
    output = out.getvalue()
    assert "Import Sirene : 3 structures créées, 0 mise à jour, 0 inchangée, 10 lignes rejetées." in output
    assert f"Ligne 7 (SIRET « {demo_siret(8)} ») : Commune inconnue : « 75056 »." in output
    assert "ne sont pas publiées" in output
    assert Organisation.objects.filter(is_published=False).count() == 3

    call_command("import_sirene", str(path), "--publish", stdout=out)
    assert "3 inchangées" in out.getvalue()


def test_the_command_fails_cleanly_on_a_missing_or_invalid_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_sirene", str(tmp_path / "absent.csv"))
    path = tmp_path / "invalide.csv"
    path.write_text("siret,nom\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été importé : Colonnes obligatoires absentes"):
        call_command("import_sirene", str(path))
    assert not Organisation.objects.exists()


def _queries_of_an_import(count: int) -> tuple[int, int]:
    """The queries of an import creating `count` rows, then of one updating them all (new
    name and commune, position left as it was: each follows its new commune)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [row(index, f"STRUCTURE {index}", latitude="", longitude="") for index in range(100, 100 + count)]
    with CaptureQueriesContext(connection) as creation:
        report = import_sirene_csv(file=io.StringIO(csv_text(rows)))
    assert report.created == count
    moved = [row | {"denominationUniteLegale": f"{row['denominationUniteLegale']} BIS"} for row in rows]
    moved = [row | {"codeCommuneEtablissement": "97415", "codePostalEtablissement": "97460"} for row in moved]
    with CaptureQueriesContext(connection) as update:
        report = import_sirene_csv(file=io.StringIO(csv_text(moved)))
    assert report.updated == count
    return len(creation), len(update)


def test_the_number_of_queries_of_an_import_does_not_grow_with_its_rows():
    ten = _queries_of_an_import(10)
    Organisation.objects.all().delete()
    forty = _queries_of_an_import(40)
    print(f"Sirene import queries (creation, update): 10 rows {ten}, 40 rows {forty}")
    assert forty == ten, f"10 rows: {ten} queries (creation, update); 40 rows: {forty}"
    saint_paul = Organisation.objects.select_related("commune", "epci").get(siret=demo_siret(120))
    assert (saint_paul.latitude, saint_paul.longitude) == (saint_paul.commune.latitude, saint_paul.commune.longitude)
    assert saint_paul.epci.short_name == "TCO"
    assert saint_paul.history.count() == 2
