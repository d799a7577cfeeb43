"""The matching of a need with ESS suppliers: who is a candidate, the ranking and its French
reasons, an idempotent re-run that keeps the staff's choices, staff additions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annuaire.models import HeadcountBand
from experimentations.matching import add_supplier, match_suppliers, need_places
from experimentations.models import Clause, SupplierMatch
from referentiels.models import Territory, TerritoryKind
from tests.experimentations.factories import make_need, make_supplier, territory

pytestmark = pytest.mark.django_db


def ranked(need):
    return list(SupplierMatch.objects.filter(need=need).order_by("rank").values_list("organisation__name", flat=True))


def reasons(need, name):
    return SupplierMatch.objects.get(need=need, organisation__name=name).reasons


def test_only_published_ess_suppliers_of_the_need_s_sectors_are_candidates():
    need = make_need(sectors=["N"])
    make_supplier("Jardins de Saint-Denis")
    make_supplier("Pas fournisseur", is_supplier=False)
    make_supplier("Pas publiée", is_published=False)
    make_supplier("Pas acteur de l'ESS", is_ess_actor=False)
    make_supplier("Autre secteur", sector="C")
    match_suppliers(need)
    assert ranked(need) == ["Jardins de Saint-Denis"]


def test_suppliers_rank_by_territory_then_labels_family_and_size_each_with_its_reasons():
    need = make_need(sectors=["N"], commune="97411", budget_max=20_000, clauses=[Clause.INSERTION])
    make_supplier("C Même commune", commune="97411", headcount_band=HeadcountBand.B3_5)
    make_supplier("D Même interco", commune="97418")
    make_supplier("E Loin mais couvre", commune="97416", covered=[territory("97411")])
    make_supplier("F Loin", commune="97415")
    make_supplier("B Insertion", commune="97411", labels=["atelier-et-chantier-dinsertion-aci"])
    match_suppliers(need)
    assert ranked(need) == ["B Insertion", "C Même commune", "D Même interco", "E Loin mais couvre", "F Loin"]
    assert reasons(need, "B Insertion")[:3] == [
        "Secteur : Activités de services administratifs et de soutien",
        "Installé à Saint-Denis, lieu d'exécution",
        "Structure d'insertion ou du handicap, pour les clauses du besoin",
    ]
    assert "Taille adaptée au budget : 3 à 5 salariés" in reasons(need, "C Même commune")
    assert "Dans l'intercommunalité du besoin (CINOR)" in reasons(need, "D Même interco")
    assert "Intervient sur le territoire du besoin" in reasons(need, "E Loin mais couvre")
    assert not any("Install" in r or "territoire" in r for r in reasons(need, "F Loin"))
    scores = dict(SupplierMatch.objects.filter(need=need).values_list("organisation__name", "score"))
    assert scores["B Insertion"] > scores["C Même commune"] > scores["D Même interco"] > scores["F Loin"]


def test_an_epci_chosen_counts_its_communes_and_the_region_counts_all():
    cinor = territory("249740119", TerritoryKind.EPCI)
    places = need_places(make_need(commune=None, territories=[cinor]))
    assert territory("97418").pk in places.communes and territory("97415").pk not in places.communes
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    whole = need_places(make_need(commune=None, territories=[region]))
    assert len(whole.communes) == 24 and region.pk in whole.covering


def test_a_supplier_covering_the_whole_region_covers_any_place():
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    need = make_need(commune="97415")
    make_supplier("Régionale", commune="97416", covered=[region])
    match_suppliers(need)
    assert "Intervient sur le territoire du besoin" in reasons(need, "Régionale")


def test_a_reserved_need_prefers_the_disability_and_insertion_labels_and_says_the_family_is_eligible():
    need = make_need(clauses=[Clause.RESERVED])
    make_supplier("ESAT du Nord", labels=["esat"])
    make_supplier("Sans label")
    match_suppliers(need)
    assert ranked(need) == ["ESAT du Nord", "Sans label"]
    assert any(reason.startswith("Éligible au marché réservé : ") for reason in reasons(need, "Sans label"))


def test_the_limit_keeps_the_best():
    need = make_need()
    for index in range(4):
        make_supplier(f"Loin {index}", commune="97415")
    make_supplier("Proche")
    match_suppliers(need, limit=2)
    assert ranked(need) == ["Proche", "Loin 0"]


def test_a_rerun_refreshes_scores_and_keeps_the_staff_s_choices_and_the_funnel():
    need = make_need()
    first = make_supplier("Premier")
    second = make_supplier("Second", commune="97418")
    third = make_supplier("Troisième", commune="97415")
    match_suppliers(need)
    assert ranked(need) == ["Premier", "Second", "Troisième"]
    # Staff: « Troisième » first, « Second » left out, one added by hand from another sector.
    SupplierMatch.objects.filter(need=need, organisation=third).update(rank=0)
    SupplierMatch.objects.filter(need=need, organisation=second).update(included=False)
    hand = add_supplier(need=need, organisation=make_supplier("À la main", sector="C"))
    emailed = SupplierMatch.objects.get(need=need, organisation=first)
    SupplierMatch.objects.filter(pk=emailed.pk).update(emailed_at=emailed.created_at, reasons=["ancienne"])
    newcomer = make_supplier("Nouveau", commune="97418")

    result = match_suppliers(need)
    assert (result.created, result.updated, result.removed) == (1, 3, 0)
    assert ranked(need) == ["Troisième", "Premier", "Second", "À la main", "Nouveau"]
    assert not SupplierMatch.objects.get(need=need, organisation=second).included
    assert SupplierMatch.objects.get(pk=hand.pk).added_by_staff
    refreshed = SupplierMatch.objects.get(pk=emailed.pk)
    assert refreshed.emailed_at is not None and refreshed.reasons[0].startswith("Secteur")
    assert SupplierMatch.objects.filter(need=need, organisation=newcomer).exists()

    # Run again with nothing new: nothing changes.
    before = list(SupplierMatch.objects.filter(need=need).order_by("pk").values("rank", "included", "score"))
    assert match_suppliers(need).created == 0
    assert list(SupplierMatch.objects.filter(need=need).order_by("pk").values("rank", "included", "score")) == before


def test_a_supplier_that_no_longer_matches_is_removed_unless_emailed_or_added_by_staff():
    need = make_need(sectors=["N"])
    gone = make_supplier("Change de secteur")
    emailed = make_supplier("Déjà contacté")
    match_suppliers(need)
    SupplierMatch.objects.filter(need=need, organisation=emailed).update(emailed_at=need.created_at)
    type(gone).objects.filter(pk__in=[gone.pk, emailed.pk]).update(is_supplier=False)
    result = match_suppliers(need)
    assert result.removed == 1
    assert ranked(need) == ["Déjà contacté"]


def test_adding_a_supplier_twice_keeps_one_row_and_includes_it_again():
    need = make_need()
    organisation = make_supplier("Unique")
    match_suppliers(need)
    SupplierMatch.objects.filter(need=need).update(included=False)
    add_supplier(need=need, organisation=organisation)
    assert list(SupplierMatch.objects.filter(need=need).values_list("included", "added_by_staff")) == [(True, False)]


def test_the_ranking_is_one_query_whatever_the_number_of_suppliers():
    def queries_for(count):
        need = make_need()
        for index in range(count):
            make_supplier(f"Fournisseur {count}-{index}", labels=["esat"] if index % 2 else ())
        with CaptureQueriesContext(connection) as captured:
            match_suppliers(need)
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(12)
