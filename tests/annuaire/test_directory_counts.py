"""The directory's counts kept by the database (migration annuaire 0010) and the one-pass
facets: after writes through every path, they equal counts recomputed from the
organisations themselves, and a page reads them in a fixed number of queries."""

import io
import threading
from collections import Counter
from itertools import product

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from annuaire.models import ROLE_FIELDS, Category, Label, Organisation
from annuaire.search import (
    DirectoryFilters,
    _facet_counts_without_postgresql,
    filter_options,
    match_set,
    search_directory,
    summary,
)
from annuaire.services import save_organisation, set_published
from annuaire.sirene import import_sirene_csv
from referentiels.models import LegalForm, NafSection
from tests.annuaire.factories import OrganisationFactory, commune
from tests.annuaire.test_import import csv_text, row

pytestmark = pytest.mark.django_db


def keys_of(organisation: Organisation) -> set[str]:
    """An organisation's facet keys, computed in Python from its fields and links."""
    keys = {f"role:{role.value}" for role, field in ROLE_FIELDS.items() if getattr(organisation, field)}
    keys |= {f"thematique:{pk}" for pk in organisation.categories.values_list("pk", flat=True)}
    keys |= {f"label:{pk}" for pk in organisation.labels.values_list("pk", flat=True)}
    for prefix, value in (
        ("commune", organisation.commune_id),
        ("epci", organisation.epci_id),
        ("famille", organisation.ess_family),
        ("secteur", organisation.sector_id),
    ):
        if value:
            keys.add(f"{prefix}:{value}")
    return keys


def expected_counts() -> dict[tuple[str, str], int]:
    pairs = Counter()
    for organisation in Organisation.objects.filter(is_published=True):
        keys = keys_of(organisation)
        pairs.update(product({""} | keys, {"*"} | keys))
    return dict(pairs)


def maintained_counts() -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT filter_key, facet_key, n FROM annuaire_directorycount WHERE n <> 0")
        return {(filter_key, facet_key): n for filter_key, facet_key, n in cursor.fetchall()}


def entries() -> dict[int, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT organisation_id, keys FROM annuaire_directoryentry")
        return {pk: set(keys) for pk, keys in cursor.fetchall()}


def assert_counts_follow_the_organisations():
    published = Organisation.objects.filter(is_published=True)
    assert entries() == {organisation.pk: keys_of(organisation) for organisation in published}
    assert maintained_counts() == expected_counts()


def test_counts_follow_every_kind_of_write():
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    finance = Category.objects.get(slug="finance-solidaire")
    aci = Label.objects.first()
    a = OrganisationFactory(name="Lakaz A", categories=[insertion], labels=[aci], is_funder=True)
    b = OrganisationFactory(name="Lakaz B", commune=commune("97415"))
    c = OrganisationFactory(name="Lakaz C", is_published=False, categories=[finance])
    assert_counts_follow_the_organisations()

    # The write path of the admin and of the forms: a move to another commune and EPCI.
    b.commune = commune("97416")
    save_organisation(organisation=b, categories=[insertion, finance])
    assert_counts_follow_the_organisations()

    # Links alone.
    a.categories.add(finance)
    a.labels.clear()
    c.categories.remove(finance)
    assert_counts_follow_the_organisations()

    # Publication both ways, and a statement touching many rows at once.
    set_published(organisations=Organisation.objects.filter(pk=c.pk), published=True)
    set_published(organisations=Organisation.objects.filter(pk=a.pk), published=False)
    Organisation.objects.filter(pk__in=[b.pk, c.pk]).update(
        ess_family="cooperative", is_supplier=True, sector=NafSection.objects.get(code="Q")
    )
    assert_counts_follow_the_organisations()

    # A theme deleted (its links go with it), then an organisation.
    finance.delete()
    b.delete()
    assert_counts_follow_the_organisations()

    # The Sirene import: bulk creation, then bulk update of the same rows.
    import_sirene_csv(file=io.StringIO(csv_text([row(1, "LAKAZ MARMAY"), row(2, "TI KAZ")])), publish=True)
    assert_counts_follow_the_organisations()
    moved = [row(1, "LAKAZ MARMAY", codeCommuneEtablissement="97415"), row(2, "TI KAZ")]
    import_sirene_csv(file=io.StringIO(csv_text(moved)), publish=True)
    assert_counts_follow_the_organisations()
    assert maintained_counts()[("", "*")] == Organisation.objects.filter(is_published=True).count() == 3


def facet_counts_by_orm(filters: DirectoryFilters) -> dict:
    options = filter_options()
    corrected = summary(filters, options)["corrected"]
    counts = _facet_counts_without_postgresql(match_set(filters, options, corrected)[0])
    return {
        name: {k: n for k, n in values.items() if n and k not in ("", None)}
        for name, values in counts.items()
        if name != "total"
    }


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"family": "cooperative"},
        {"epci": "tco"},
        {"category": "insertion-par-lactivite-economique"},
        {"role": "financeur"},
        {"family": "association", "epci": "tco"},
        {"q": "jardin"},
        {"q": "jardin", "epci": "tco", "role": "acteur"},
        {"q": '"jardin partagé"'},
        {"q": "jardin -partagé"},
        {"q": "jardinn"},  # corrected to « jardin »
        {"q": "maloya", "label": "atelier-et-chantier-dinsertion-aci"},
    ],
    ids=lambda params: " & ".join(f"{k}={v}" for k, v in params.items()) or "sans filtre",
)
def test_every_selection_counts_like_the_orm(params):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    aci = Label.objects.get(slug="atelier-et-chantier-dinsertion-aci")
    OrganisationFactory(name="Jardin partagé du Port", commune=commune("97407"), categories=[insertion])
    OrganisationFactory(
        name="Partagé, le jardin", legal_form=LegalForm.objects.get(code="5458"), commune=commune("97415")
    )
    OrganisationFactory(name="Jardin créole", commune=commune("97411"), is_funder=True, labels=[aci])
    OrganisationFactory(name="Maloya Jardin", commune=commune("97415"), labels=[aci], categories=[insertion])
    OrganisationFactory(name="Jardin caché", commune=commune("97415"), is_published=False)
    filters = DirectoryFilters(**params)
    cache.clear()
    counts = summary(filters, filter_options())
    expected = facet_counts_by_orm(filters)
    cache.clear()
    got = {name: {k: n for k, n in counts[name].items() if n} for name in expected}
    assert got == expected
    assert counts["total"] == len(match_set(filters, filter_options(), counts["corrected"])[0])
    assert counts["total"] > 0 or params.get("q") == "jardin -partagé"


@pytest.mark.parametrize("params", [{}, {"epci": "tco"}, {"q": "jardin", "epci": "tco"}])
def test_the_counts_take_one_query_whatever_the_number_of_organisations(params):
    filters = DirectoryFilters(**params)
    seen = []
    for size in (3, 30):
        while Organisation.objects.count() < size:
            OrganisationFactory(name=f"Jardin n°{Organisation.objects.count()}", commune=commune("97415"))
        options = filter_options()
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            counts = summary(filters, options)
        assert counts["total"] == size
        seen.append(len(queries))
    assert seen[0] == seen[1] <= 2, "one query for the counts (and one for the lexicon when there is text)"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_commit_and_counts_stay_right():
    """Transactions of several statements writing at once (a save is the row, then its
    links) queue behind one another instead of deadlocking on count rows, and the
    counts add up."""
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    groups = [
        [OrganisationFactory(name=f"Groupe {g} n°{n}", commune=commune(code)) for n in range(4)]
        for g, code in enumerate(["97415", "97411", "97416"])
    ]
    errors = []
    start = threading.Barrier(len(groups))

    def write(organisations, family):
        pks = [o.pk for o in organisations]
        try:
            start.wait(timeout=10)
            for round_ in range(8):
                with transaction.atomic():
                    Organisation.objects.filter(pk__in=pks).update(ess_family=family, is_funder=round_ % 2 == 0)
                    for organisation in Organisation.objects.filter(pk__in=pks):
                        organisation.categories.set([insertion] if round_ % 2 else [])
                    Organisation.objects.filter(pk__in=pks).update(is_supplier=round_ % 3 == 0)
        except Exception as error:  # collected and shown by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(group, family))
        for group, family in zip(groups, ["cooperative", "mutuelle", "fondation"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_counts_follow_the_organisations()
    assert maintained_counts()[("", "famille:mutuelle")] == 4
    assert maintained_counts()[("famille:fondation", f"thematique:{insertion.pk}")] == 4


@pytest.mark.django_db(transaction=True)
def test_a_truncated_directory_leaves_no_entry_nor_count_behind():
    """The test runner empties tables with TRUNCATE, which fires no row trigger."""
    OrganisationFactory(name="Lakaz", categories=[Category.objects.first()])
    assert entries() and maintained_counts()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE annuaire_organisation_categories")
    assert_counts_follow_the_organisations()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE annuaire_organisation CASCADE")
    assert entries() == {} and maintained_counts() == {}


@pytest.mark.parametrize(
    ("params", "orm_filter"),
    [
        ({}, {}),
        ({"epci": "tco"}, {"epci__slug": "tco"}),
        ({"category": "insertion-par-lactivite-economique", "role": "financeur"},
         {"categories__slug": "insertion-par-lactivite-economique", "is_funder": True}),
    ],
)  # fmt: skip
def test_alphabetical_pages_without_text_follow_the_names(params, orm_filter):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    for n in range(45):
        OrganisationFactory(
            name=f"{'Zèbre' if n % 3 else 'Ébène'} {45 - n:02d}",
            commune=commune("97415" if n % 2 else "97411"),
            categories=[insertion] if n % 4 else [],
            is_funder=n % 5 != 0,
        )
    renamed = Organisation.objects.order_by("pk").first()
    renamed.name = "Aaa, renommée"
    save_organisation(organisation=renamed)
    expected = list(
        Organisation.objects.filter(is_published=True, **orm_filter)
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    assert len(expected) > 20
    for page in (1, 2):
        got = [o.name for o in search_directory(DirectoryFilters(sort="nom", page=page, **params)).organisations]
        assert got == expected[(page - 1) * 20 : page * 20]
