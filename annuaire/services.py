"""Writes to the directory. Every change goes through here so that the derived fields,
the search text and the cache version stay right."""

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from annuaire.models import Organisation
from lib import cacheversion
from referentiels.models import EssFamily

DIRECTORY_VERSION_KEY = "annuaire:version"


def directory_version() -> int:
    """A number that changes whenever the directory changes: part of every cache key."""
    return cacheversion.current(DIRECTORY_VERSION_KEY)


def bump_directory_version() -> None:
    cacheversion.bump(DIRECTORY_VERSION_KEY)


def derive_fields(organisation: Organisation) -> None:
    """Fill the fields that follow from others: family, sector, EPCI, SIREN."""
    if organisation.siret and not organisation.siren:
        organisation.siren = organisation.siret[:9]
    family = organisation.legal_form.family if organisation.legal_form_id else ""
    if family:
        organisation.ess_family = family
    elif organisation.ess_declared or organisation.esus_agreement:
        organisation.ess_family = EssFamily.SOCIETE_COMMERCIALE
    elif organisation.legal_form_id:
        organisation.ess_family = ""
    organisation.sector_id = organisation.naf_activity.division.section_id if organisation.naf_activity_id else None
    organisation.epci_id = organisation.commune.parent_id if organisation.commune_id else None
    _place_on_the_map(organisation)


def _place_on_the_map(organisation: Organisation) -> None:
    """Without a position of its own, an organisation sits at its commune's main town; when
    its commune changes and its position was not changed with it, it follows the commune."""
    if not organisation.commune_id or organisation.commune.latitude is None:
        return
    point = (organisation.commune.latitude, organisation.commune.longitude)
    if organisation.latitude is None or organisation.longitude is None:
        organisation.latitude, organisation.longitude = point
        return
    if organisation.pk:
        # Where it stood when loaded (see Organisation.from_db); read only if it was not loaded.
        before = getattr(organisation, "loaded_position", None) or (
            Organisation.objects.filter(pk=organisation.pk).values_list("commune_id", "latitude", "longitude").first()
        )
        if (
            before
            and before[0] != organisation.commune_id
            and before[1:] == (organisation.latitude, organisation.longitude)
        ):
            organisation.latitude, organisation.longitude = point


def _remember_position(organisation: Organisation) -> None:
    """Once saved, where it stands is what a later save of the same object compares with."""
    organisation.loaded_position = (organisation.commune_id, organisation.latitude, organisation.longitude)


def search_text_for(organisation: Organisation) -> str:
    parts = [organisation.acronym]
    if organisation.commune_id:
        parts.append(organisation.commune.name)
    if organisation.epci_id:
        parts += [organisation.epci.name, organisation.epci.short_name]
    if organisation.naf_activity_id:
        parts.append(organisation.naf_activity.label)
    if organisation.sector_id:
        parts.append(organisation.sector.label)
    parts += [category.name for category in organisation.categories.all()]
    parts += [label.name for label in organisation.labels.all()]
    return " ".join(part for part in parts if part)


def refresh_search_text(*, organisation: Organisation) -> None:
    text = search_text_for(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(search_text=text)
    organisation.search_text = text


@transaction.atomic
def save_organisation(
    *, organisation: Organisation, by=None, categories=None, labels=None, territories_covered=None
) -> Organisation:
    """Validate and save an organisation with its relations, in one transaction.

    The one write path of a single organisation (admin, member edit, accepted contribution):
    derived fields, one history row (recorded as made by `by`, a user, when given) and the
    search text. A relation left to None is left as it is.
    """
    derive_fields(organisation)
    organisation.full_clean(exclude=["search_vector"])
    if by is not None:
        organisation._history_user = by
    organisation.save()
    _remember_position(organisation)
    if categories is not None:
        organisation.categories.set(categories)
    if labels is not None:
        organisation.labels.set(labels)
    if territories_covered is not None:
        organisation.territories_covered.set(territories_covered)
    refresh_search_text(organisation=organisation)
    return organisation


@transaction.atomic
def save_organisations_in_bulk(
    *, created: list, updated: list, fields, change_reason: str, references: dict | None = None
) -> None:
    """Write many organisations, each with its history row and its search text, in a number
    of queries that does not grow with them (an import).

    The caller has set their values and called `derive_fields` on each. `fields` are the
    fields changed on `updated`. `references` maps "epci" and "sector" to the in_bulk()
    dicts of the territories and NAF sections derive_fields pointed to, so that computing
    the search text reads them from memory.
    """
    now = timezone.now()
    for organisation in updated:
        organisation.updated_at = now
    bulk_create_with_history(created, Organisation, default_change_reason=change_reason, default_date=now)
    prefetch_related_objects(created, "categories", "labels")  # one query for all, rather than two each
    references = references or {}
    for organisation in created + updated:
        _remember_position(organisation)
        if "epci" in references:
            organisation.epci = references["epci"].get(organisation.epci_id)
        if "sector" in references:
            organisation.sector = references["sector"].get(organisation.sector_id)
        organisation.search_text = search_text_for(organisation)
    Organisation.objects.bulk_update(created, ["search_text"])
    bulk_update_with_history(
        updated,
        Organisation,
        sorted({*fields, "search_text", "updated_at"}),
        default_change_reason=change_reason,
        default_date=now,
    )


@transaction.atomic
def set_published(*, organisations, published: bool) -> int:
    """Publish or withdraw organisations, one save each so that their history records it."""
    count = 0
    for organisation in organisations.exclude(is_published=published):
        organisation.is_published = published
        organisation.save(update_fields=["is_published", "updated_at"])
        count += 1
    return count


def rebuild_search_lexicon() -> int:
    """Rebuild the lexicon of name words used for typo tolerance (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE annuaire_searchword")
        cursor.execute(
            """
            INSERT INTO annuaire_searchword (word)
            SELECT DISTINCT word FROM annuaire_organisation o,
                   regexp_split_to_table(lower(unaccent(o.name || ' ' || o.acronym)), '[^a-z0-9]+') AS word
            WHERE o.is_published AND length(word) >= 3
            ON CONFLICT DO NOTHING
            """
        )
        cursor.execute("SELECT count(*) FROM annuaire_searchword")
        return cursor.fetchone()[0]
