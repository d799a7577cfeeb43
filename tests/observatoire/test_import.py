"""The establishment file: reading INSEE's shapes, refusing bad rows with their reason,
writing all or nothing, re-importing, and the figures computed from it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from observatoire import services
from observatoire.models import (
    DataImport,
    Establishment,
    Figure,
    ImportKind,
    ImportStatus,
    Millesime,
    MillesimeState,
    PerimeterExclusion,
    Scope,
    SectorLevel,
    Source,
)
from referentiels.models import Territory, TerritoryKind
from tests.comptes.factories import StaffFactory
from tests.observatoire.factories import Row, establishment_file, make_siret

pytestmark = pytest.mark.django_db


def upload(content: bytes, *, year=2024, kind=ImportKind.ESTABLISHMENTS, name="etablissements.csv"):
    staff = StaffFactory(role="Observatoire")
    return services.upload_import(kind=kind, year=year, upload=SimpleUploadedFile(name, content), by=staff)


def import_rows(rows, *, year=2024, **file_options) -> DataImport:
    data_import = upload(establishment_file(rows, **file_options), year=year)
    return services.run_import(import_id=data_import.pk)


def figure(year=2024, *, scope=Scope.ESS, territory=None, family="toutes", level=SectorLevel.ALL, sector="tout"):
    return Figure.objects.get(
        millesime__year=year,
        source=Source.BASE,
        scope=scope,
        territory=territory or Territory.objects.get(kind=TerritoryKind.REGION),
        family=family,
        sector_level=level,
        sector=sector,
    )


def test_a_latin1_semicolon_file_is_read_with_its_accents():
    done = import_rows([Row(make_siret(1), name="Kaz à l'Écoute")], delimiter=";", encoding="latin-1")
    assert (done.status, done.encoding, done.delimiter) == (ImportStatus.DONE, "Latin-1", ";")
    assert Establishment.objects.get().name == "Kaz à l'Écoute"


def test_a_utf8_comma_file_with_bom_is_read_too():
    content = b"\xef\xbb\xbf" + establishment_file(
        [Row(make_siret(1), name="Réseau Ékip")], delimiter=",", encoding="utf-8"
    )
    done = services.run_import(import_id=upload(content).pk)
    assert (done.encoding, done.delimiter, done.accepted_rows) == ("UTF-8", ",", 1)
    assert Establishment.objects.get().name == "Réseau Ékip"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (Row("12345678901234"), "SIRET invalide : clé de contrôle incorrecte."),
        (Row("1234"), "SIRET invalide : 14 chiffres attendus."),
        (Row(make_siret(2), commune="97499"), "Commune inconnue : « 97499 »."),
        (Row(make_siret(2), naf="99.99Z"), "Code NAF inconnu : « 99.99Z »."),
        (Row(make_siret(2), legal_category="0000"),
         "Catégorie juridique invalide : « 0000 » (4 chiffres, le premier de 1 à 9)."),
        (Row(make_siret(2), employees="-3"), "Effectif salarié négatif : -3."),
        (Row(make_siret(2), employees="douze"), "Effectif salarié illisible : « douze »."),
        (Row(make_siret(2), payroll="12,5"), "Masse salariale : un nombre entier est attendu, pas « 12,5 »."),
        (Row(make_siret(2), fte="-1"), "Équivalents temps plein négatif : -1."),
        (Row(make_siret(2), band="99"), "Tranche d'effectif inconnue : « 99 »."),
        (Row(make_siret(2), employer="peut-être"),
         "Valeur inconnue pour caractère employeur : « PEUT-ÊTRE » (O ou N attendu)."),
        (Row(make_siret(2), state="X"), "État administratif inconnu : « X » (A ou F attendu)."),
        (Row(make_siret(2), created="01/02/2020"), "Date de création illisible : « 01/02/2020 » (AAAA-MM-JJ attendu)."),
        (Row(make_siret(2), created="2025-03-01"),
         "Créé le 01/03/2025, après la fin du millésime 2024 : ce fichier est-il bien celui de 2024 ?"),
        (Row(make_siret(1)), "SIRET en double dans le fichier (déjà ligne 2)."),
    ],
)  # fmt: skip
def test_each_bad_row_is_refused_with_its_reason_and_the_others_go_in(row, reason):
    done = import_rows([Row(make_siret(1)), row, Row(make_siret(3))])
    assert done.status == ImportStatus.DONE
    assert (done.accepted_rows, done.refused_rows) == (2, 1)
    refusal = done.refusals.get()
    assert (refusal.line, refusal.reason) == (3, reason)
    assert set(Establishment.objects.values_list("siret", flat=True)) == {make_siret(1), make_siret(3)}


def test_a_siren_that_does_not_match_the_siret_is_refused():
    cells = Row(make_siret(1)).cells()
    cells[0] = make_siret(5)[:9]
    done = import_rows([cells])
    assert (
        done.refusals.get().reason
        == f"Le SIREN {make_siret(5)[:9]} ne correspond pas aux 9 premiers chiffres du SIRET."
    )


def test_a_file_without_the_required_columns_is_refused_whole_and_nothing_is_kept():
    with pytest.raises(ValidationError) as error:
        upload(b"siret;nom\n12345678901234;X\n")
    assert "Colonnes obligatoires absentes : categorieJuridiqueUniteLegale" in error.value.messages[0]
    assert not DataImport.objects.exists()


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match=r"Le fichier est vide\."):
        upload(b"   \n")


def test_reimporting_the_same_file_gives_the_same_data_and_a_new_file_replaces_the_old():
    rows = [Row(make_siret(n), employees=str(n)) for n in range(1, 6)]
    import_rows(rows)
    cell_fields = ("scope", "territory", "family", "sector", "establishments", "employees")
    first = sorted(Figure.objects.values_list(*cell_fields))
    import_rows(rows)
    assert Establishment.objects.count() == 5
    assert (
        sorted(Figure.objects.values_list("scope", "territory", "family", "sector", "establishments", "employees"))
        == first
    )
    import_rows(rows[:2])
    assert Establishment.objects.count() == 2
    assert figure().establishments == 2


def test_a_file_of_another_millesime_leaves_the_first_untouched():
    import_rows([Row(make_siret(n)) for n in range(1, 4)], year=2023)
    import_rows([Row(make_siret(n)) for n in range(1, 6)], year=2024)
    assert figure(2023).establishments == 3
    assert figure(2024).establishments == 5
    assert set(Millesime.objects.values_list("year", "state")) == {(2023, "importe"), (2024, "importe")}


def test_a_published_millesime_is_not_reimported_and_nothing_changes():
    import_rows([Row(make_siret(1))], year=2024)
    Millesime.objects.filter(year=2024).update(state=MillesimeState.PUBLISHED)
    with pytest.raises(ValidationError, match="Le millésime 2024 est publié"):
        upload(establishment_file([Row(make_siret(2))]), year=2024)


def test_an_import_that_fails_at_run_time_writes_nothing():
    import_rows([Row(make_siret(1)), Row(make_siret(2))], year=2024)
    before = sorted(Figure.objects.values_list("pk", "establishments"))
    pending = upload(establishment_file([Row(make_siret(n)) for n in range(3, 9)]), year=2024)
    # Staff publish the millésime while the file waits in the queue: the run must refuse it whole.
    Millesime.objects.filter(year=2024).update(state=MillesimeState.PUBLISHED)
    done = services.run_import(import_id=pending.pk)
    assert done.status == ImportStatus.FAILED
    assert "est publié" in done.error
    assert set(Establishment.objects.values_list("siret", flat=True)) == {make_siret(1), make_siret(2)}
    assert sorted(Figure.objects.values_list("pk", "establishments")) == before


def test_a_finished_import_is_not_run_twice():
    done = import_rows([Row(make_siret(1))])
    Establishment.objects.all().delete()
    again = services.run_import(import_id=done.pk)
    assert again.status == ImportStatus.DONE
    assert not Establishment.objects.exists()


def test_an_individual_entrepreneurs_name_is_not_kept():
    import_rows([Row(make_siret(1), legal_category="1000", name="DUPONT Marie", ess="N")])
    assert Establishment.objects.get().name == ""


def test_the_file_is_deleted_once_imported():
    done = import_rows([Row(make_siret(1))])
    assert not done.file


def test_figures_follow_the_perimeter_employers_and_territories():
    saint_denis, saint_pierre = "97411", "97416"
    rows = [
        Row(make_siret(1), commune=saint_denis, employees="10", payroll="100"),
        Row(make_siret(2), commune=saint_denis, employees="30", payroll="900", naf="88.10A"),
        # A SARL with the ESS quality, then a plain SARL.
        Row(make_siret(3), commune=saint_pierre, employees="5", payroll="50", legal_category="5499", ess="O"),
        Row(make_siret(4), commune=saint_pierre, employees="7", payroll="70", legal_category="5499", ess="N"),
        Row(make_siret(5), commune=saint_pierre, employees="4", payroll="40", naf="94.20Z"),  # a union: out of the ESS
        Row(make_siret(6), commune=saint_pierre, employees="0", employer="N"),  # not an employer
        Row(make_siret(7), commune=saint_pierre, employees="9", state="F"),  # closed
        Row(make_siret(8), commune=saint_pierre, employees="100", legal_category="7210"),  # a commune: public
    ]  # fmt: skip
    import_rows(rows)
    ess, economy = figure(), figure(scope=Scope.ECONOMY)
    assert (ess.establishments, ess.employees, ess.payroll) == (3, 45, 1050)
    assert (economy.establishments, economy.employees, economy.payroll) == (5, 56, 1160)
    assert figure(family="societe_commerciale").employees == 5
    assert figure(family="association").employees == 40
    assert figure(family="association").largest_employees == 30
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CINOR")
    assert figure(territory=cinor).employees == 40
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code=saint_pierre)
    assert figure(territory=commune).establishments == 1
    assert figure(level=SectorLevel.DIVISION, sector="88").employees == 45
    assert figure(level=SectorLevel.SECTION, sector="Q").employees == 45
    assert figure(level=SectorLevel.GROUPING, sector="action-sociale").employees == 45
    assert figure(family="association", level=SectorLevel.DIVISION, sector="88").employees == 40
    assert not Figure.objects.filter(scope=Scope.ESS, sector="94").exists()
    assert figure(scope=Scope.ECONOMY, level=SectorLevel.DIVISION, sector="94").employees == 4


def test_the_exclusion_list_is_data_that_staff_change():
    assert set(PerimeterExclusion.objects.values_list("naf_prefix", flat=True)) == {
        "84", "94.11", "94.12", "94.20", "94.91", "94.92",
    }  # fmt: skip
    PerimeterExclusion.objects.filter(naf_prefix="94.20").delete()
    import_rows([Row(make_siret(1), naf="94.20Z", employees="4")])
    assert figure().employees == 4


def test_employment_columns_are_optional():
    header = b"siret;categorieJuridiqueUniteLegale;activitePrincipaleEtablissement;codeCommuneEtablissement;"
    header += b"caractereEmployeurEtablissement;economieSocialeSolidaireUniteLegale;etatAdministratifEtablissement\n"
    content = header + f"{make_siret(1)};9220;8899B;97411;O;O;A\n".encode()
    done = services.run_import(import_id=upload(content).pk)
    assert done.accepted_rows == 1
    cell = figure()
    assert (cell.establishments, cell.employees, cell.payroll) == (1, None, None)
    assert Establishment.objects.get().naf_code == "88.99B"


def test_the_preview_shows_the_columns_and_the_first_rows_as_read():
    data_import = upload(establishment_file([Row(make_siret(1)), Row("123")]))
    preview = services.preview_import(data_import)
    assert preview.columns["siret"] == "siret"
    assert preview.rows[0]["values"]["siret"] == make_siret(1)
    assert preview.rows[1] == {"line": 3, "reason": "SIRET invalide : 14 chiffres attendus."}
    assert not Establishment.objects.exists()


TABLE = """source;champ;territoire;famille;niveau_secteur;secteur;etablissements;salaries;etp;masse_salariale
flores;ess;FR;toutes;tout;tout;155000;2600000;2200000;70000000000
flores;ensemble;FR;toutes;tout;tout;1900000;19000000;17000000;600000000000
flores;ess;04;association;section;Q;1200;15000;13000;400000000
"""


def test_a_published_table_goes_in_with_the_national_reference():
    done = services.run_import(import_id=upload(TABLE.encode(), kind=ImportKind.TABLE).pk)
    assert (done.status, done.accepted_rows, done.refused_rows) == (ImportStatus.DONE, 3, 0)
    france = Figure.objects.get(source=Source.FLORES, scope=Scope.ESS, territory=None)
    assert france.employees == 2_600_000
    region = Figure.objects.get(source=Source.FLORES, family="association")
    assert region.territory.kind == TerritoryKind.REGION


def test_bad_rows_of_a_table_are_refused_with_their_reason():
    bad = TABLE + "insee;ess;FR;toutes;tout;tout;1;1;1;1\nflores;ess;XX;toutes;tout;tout;1;1;1;1\n"
    bad += "flores;ensemble;FR;association;tout;tout;1;1;1;1\nflores;ess;FR;toutes;tout;tout;1;1;1;1\n"
    done = services.run_import(import_id=upload(bad.encode(), kind=ImportKind.TABLE).pk)
    assert [r.reason for r in done.refusals.all()] == [
        "Source inconnue : « insee » (flores, urssaf attendu).",
        "Territoire inconnu : « XX ».",
        "Pour l'ensemble des employeurs, la famille est « toutes ».",
        "Case en double dans le fichier (déjà ligne 2).",
    ]


SECRET_TABLE = """source;champ;territoire;famille;niveau_secteur;secteur;etablissements;salaries;etp;masse_salariale
flores;ess;04;toutes;tout;tout;400;6000;5000;150000000
flores;ess;04;toutes;section;Q;400;6000;5000;150000000
flores;ess;04;toutes;division;86;s;s;s;s
flores;ess;04;toutes;division;87;40;1000;900;25000000
flores;ess;04;toutes;division;88;300;3000;2500;75000000
flores;ess;FR;association;tout;tout;;;;
flores;ess;FR;cooperative;tout;tout;12;150;140;s
"""


def test_a_value_the_source_keeps_secret_makes_a_secret_cell_that_takes_part_in_secondary_secrecy():
    from observatoire import cube
    from observatoire.secrecy import REASON_SECONDARY, REASON_SOURCE

    done = services.run_import(import_id=upload(SECRET_TABLE.encode(), kind=ImportKind.TABLE).pk)

    assert (done.status, done.accepted_rows, done.refused_rows) == (ImportStatus.DONE, 7, 0)
    region = Territory.objects.get(kind=TerritoryKind.REGION)

    def cell(family="toutes", sector="tout", territory=region):
        return Figure.objects.get(source=Source.FLORES, territory=territory, family=family, sector=sector)

    health = cell(sector="86")
    assert (health.source_secret, health.establishments, health.employees, health.payroll) == (True, 0, None, None)
    assert (health.secrecy, health.secrecy_reason) == ("primary", REASON_SOURCE)
    assert cell(family="association", territory=None).source_secret  # an empty count is a secret too
    cooperatives = cell(family="cooperative", territory=None)  # only the payroll is secret: what is given is kept
    assert (cooperatives.source_secret, cooperatives.establishments, cooperatives.payroll) == (True, 12, None)
    # Read as « s », never as a true zero.
    shown = cube.read(health)
    assert (shown.is_secret, shown.establishments, shown.employees, shown.reason) == (True, "s", "s", REASON_SOURCE)

    millesime = Millesime.objects.get(year=2024)
    services.transition_millesime(millesime=millesime, target=MillesimeState.CHECKING)
    services.transition_millesime(millesime=millesime, target=MillesimeState.PUBLISHED)

    # Still secret after publication, and protected: Q = 86 + 87 + 88 would give it away,
    # so the smallest part with establishments, 87, is hidden with it.
    assert (cell(sector="86").secrecy, cell(sector="86").secrecy_reason) == ("primary", REASON_SOURCE)
    assert (cell(sector="87").secrecy, cell(sector="87").secrecy_reason) == ("secondary", REASON_SECONDARY)
    assert cell(sector="88").secrecy == "published"
    assert cube.read(cell(sector="86")).employees == "s"
