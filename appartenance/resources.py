"""The resource centre's reads and writes: the public search (French full text, facets,
filters in the address), a resource's download, and the source other areas read through
lib.resources.

On PostgreSQL the words are searched in the stored `search_vector` (configuration `fr`
without accents, websearch syntax, GIN index, trigger of migration 0001_resources); on
SQLite they are searched as substrings. The total and the facet counts of a search are two
grouped queries, cached per normalised search under the resources' version (bumped on
commit of any change to a resource or its tags): a list page is one query once its search
has been seen, three before.

Downloads are counted with one `UPDATE … SET download_count = download_count + 1`: the
database adds, so two downloads at once never lose one, the row is locked only for that
statement (no SELECT FOR UPDATE, no transaction held while the file is served), and
nothing is kept elsewhere to flush or lose. Downloads of one resource are counted in
units per minute at most: a counter in Redis flushed by beat would add a moving part for
a contention that does not happen here.
"""

import math
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save

from appartenance.models_resources import (
    Resource,
    ResourceAudience,
    ResourceFormat,
    ResourceTag,
    ResourceTheme,
)
from lib import cacheversion
from lib import resources as registry
from lib.listing import (
    Facet,
    ResultPage,
    SearchFilters,
    cached_counts,
    choice_filter,
    counted_facets,
    keyed,
    words_field,
)
from lib.richtext import clean_html
from lib.uploads import SPREADSHEET_KINDS, accepted_label, validate_document

PAGE_SIZE = 12
SUMMARY_TTL = 600
MAX_FILE_BYTES = 20 * 1024 * 1024
FILE_KINDS = frozenset({"pdf", "odt", "docx"}) | SPREADSHEET_KINDS
FILE_KINDS_LABEL = accepted_label(FILE_KINDS)
VERSION_KEY = "appartenance:ressources:version"

# The parameters, in the order of a normalised address.
PARAMETERS = ("q", "theme", "public", "format", "annee")


# --- The version of the public data -------------------------------------------------------------


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def _bump_on_commit(sender, **kwargs) -> None:
    transaction.on_commit(bump_version)


def connect_signals() -> None:
    for model in (Resource, ResourceTag):
        post_save.connect(_bump_on_commit, sender=model, dispatch_uid=f"appartenance-resources-{model.__name__}-save")
        post_delete.connect(
            _bump_on_commit, sender=model, dispatch_uid=f"appartenance-resources-{model.__name__}-delete"
        )


# --- Writes (staff, in the admin; the demo) -----------------------------------------------------


def check_resource_file(upload) -> str:
    """The kind of an uploaded file read from its content, or a French ValidationError."""
    return validate_document(upload, max_bytes=MAX_FILE_BYTES, kinds=FILE_KINDS)


@transaction.atomic
def save_resource(*, resource: Resource, themes, audiences, topics, upload=None) -> Resource:
    """Save a resource with its tags: the body cleaned, an uploaded file checked by its
    content (its kind kept for the download), the topics checked against the known ones."""
    if upload is not None:
        resource.file_kind = check_resource_file(upload)
    elif not resource.file:
        resource.file_kind = ""
    unknown = set(topics) - registry.known_topics()
    if unknown:
        raise ValidationError(f"Sujets inconnus : {', '.join(sorted(unknown))}.")
    resource.body = clean_html(resource.body)
    resource.full_clean()
    resource.save()
    wanted = {
        *((ResourceTag.Kind.THEME, value) for value in themes),
        *((ResourceTag.Kind.AUDIENCE, value) for value in audiences),
        *((ResourceTag.Kind.TOPIC, value) for value in topics),
    }
    existing = {(tag.kind, tag.value): tag.pk for tag in resource.tags.all()}
    ResourceTag.objects.filter(pk__in=[pk for pair, pk in existing.items() if pair not in wanted]).delete()
    ResourceTag.objects.bulk_create(
        [ResourceTag(resource=resource, kind=kind, value=value) for kind, value in sorted(wanted - set(existing))]
    )
    transaction.on_commit(bump_version)
    return resource


def count_download(resource: Resource) -> None:
    """One more download, added by the database (see the module's docstring)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


# --- The public search --------------------------------------------------------------------------


class ResourceFilters(SearchFilters):
    """The resources' search and filters: `ResourceFilters(request.GET)`."""

    parameters = PARAMETERS

    q = words_field("Mots-clés")
    theme = choice_filter(
        "Thème", blank="Tous les thèmes", choices=ResourceTheme.choices,
        message="Ce thème n'existe pas : choisissez-en un dans la liste.",
    )  # fmt: skip
    public = choice_filter(
        "Public", blank="Tous les publics", choices=ResourceAudience.choices,
        message="Ce public n'existe pas : choisissez-en un dans la liste.",
    )  # fmt: skip
    format = choice_filter(
        "Format", blank="Tous les formats", choices=ResourceFormat.choices,
        message="Ce format n'existe pas : choisissez-en un dans la liste.",
    )  # fmt: skip
    annee = forms.IntegerField(
        label="Année",
        required=False,
        min_value=1900,
        max_value=2200,
        error_messages={
            "invalid": "L'année s'écrit en chiffres, par exemple 2025.",
            "min_value": "L'année doit être 1900 ou après.",
            "max_value": "L'année doit être 2200 ou avant.",
        },
    )

    def matches(self) -> QuerySet[Resource]:
        given = self.understood
        found = Resource.objects.published()
        for name, kind in (("theme", ResourceTag.Kind.THEME), ("public", ResourceTag.Kind.AUDIENCE)):
            if name in given:
                tagged = ResourceTag.objects.filter(resource=OuterRef("pk"), kind=kind, value=given[name])
                found = found.filter(Exists(tagged))
        if "format" in given:
            found = found.filter(format=given["format"])
        if "annee" in given:
            found = found.filter(published_on__year=int(given["annee"]))
        return self.with_words(found, ("title", "summary", "author", "body"))


def summary(filters: ResourceFilters) -> dict:
    """The total and the facet counts of a search (two queries), cached per normalised search."""

    def count() -> dict:
        matches = filters.matches()
        counts = {"total": 0, "format": {}, "annee": {}, "theme": {}, "public": {}}
        rows = matches.order_by().values("format", year=ExtractYear("published_on")).annotate(n=Count("pk"))
        for row in rows:
            counts["total"] += row["n"]
            counts["format"][row["format"]] = counts["format"].get(row["format"], 0) + row["n"]
            counts["annee"][str(row["year"])] = counts["annee"].get(str(row["year"]), 0) + row["n"]
        if counts["total"]:
            tags = (
                ResourceTag.objects.filter(
                    resource__in=matches.values("pk"), kind__in=[ResourceTag.Kind.THEME, ResourceTag.Kind.AUDIENCE]
                )
                .values_list("kind", "value")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for kind, value, n in tags:
                counts["theme" if kind == ResourceTag.Kind.THEME else "public"][value] = n
        return counts

    key = f"appartenance:ressources:resume:{current_version()}:{filters.selection_key()}"
    return cached_counts(key, count, SUMMARY_TTL)


FACETS = (("theme", "Thème"), ("public", "Public"), ("format", "Format"), ("annee", "Année"))


def build_facets(filters: ResourceFilters, counts: dict) -> list[Facet]:
    given = filters.understood
    years = sorted(set(counts["annee"]) | ({given["annee"]} if "annee" in given else set()), reverse=True)
    choices = {
        "theme": keyed(ResourceTheme.choices),
        "public": keyed(ResourceAudience.choices),
        "format": keyed(ResourceFormat.choices),
        "annee": [(year, year, year) for year in years],
    }
    return counted_facets(FACETS, choices, counts, given)


@dataclass
class SearchResult:
    filters: ResourceFilters
    page: ResultPage
    facets: list[Facet]
    ranked: bool


def card_fields(found: QuerySet) -> QuerySet:
    return found.defer("body", "search_vector")


def search_resources(filters: ResourceFilters, *, page: int = 1) -> SearchResult:
    """A page of published resources: the most relevant first for words, else the newest.
    One query when the search's counts are cached, three otherwise."""
    counts = summary(filters)
    total = counts["total"]
    num_pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(page, num_pages)
    offset = (number - 1) * PAGE_SIZE
    query = filters.text_query()
    matches = filters.matches()
    if total == 0:
        items = []
    elif query is not None:
        ranked = matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-published_on", "-pk")
        items = list(card_fields(ranked)[offset : offset + PAGE_SIZE])
    else:
        items = list(card_fields(matches).order_by("-published_on", "-pk")[offset : offset + PAGE_SIZE])
    return SearchResult(
        filters=filters,
        page=ResultPage(items=items, number=number, num_pages=num_pages, total=total),
        facets=build_facets(filters, counts),
        ranked=query is not None,
    )


def resource_tags(resource: Resource) -> dict[str, list[str]]:
    """The labels of a resource's themes and audiences (its tags read once)."""
    themes = dict(ResourceTheme.choices)
    audiences = dict(ResourceAudience.choices)
    tags = {"themes": [], "audiences": []}
    for tag in resource.tags.all():
        if tag.kind == ResourceTag.Kind.THEME and tag.value in themes:
            tags["themes"].append(themes[tag.value])
        elif tag.kind == ResourceTag.Kind.AUDIENCE and tag.value in audiences:
            tags["audiences"].append(audiences[tag.value])
    return tags


# --- The source read by other areas (lib.resources) ---------------------------------------------


def resources_about(topics: tuple[str, ...], limit: int) -> list[registry.ResourceItem]:
    """The newest published resources about one of the topics: one query."""
    about = ResourceTag.objects.filter(resource=OuterRef("pk"), kind=ResourceTag.Kind.TOPIC, value__in=topics)
    found = (
        Resource.objects.published()
        .filter(Exists(about))
        .only("title", "slug", "summary", "format", "published_on")[:limit]
    )
    return [
        registry.ResourceItem(
            title=resource.title,
            url=resource.get_absolute_url(),
            summary=resource.summary,
            format_label=resource.get_format_display(),
            year=resource.published_on.year,
        )
        for resource in found
    ]


SOURCE = registry.ResourceSource(name="appartenance", resources=resources_about, version=current_version)
