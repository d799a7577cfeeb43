"""The public catalogue of Action 6: the trainings with search and filters, and each
training's page with its upcoming sessions.

Both pages are cached (formation.cache) under a version that every committed change bumps;
only requests whose parameters all meant something are stored.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from formation import cache, selectors
from formation.forms_catalogue import PARAMETERS, CatalogueFilterForm
from formation.models import Modality
from lib.jsonld import json_ld
from lib.resources import resources_for, topic
from lib.richtext import clean_html, plain_text

PAGE_SIZE = 20
MAX_VALUE_LENGTH = 200


def _requested(request) -> QueryDict:
    """The catalogue's own parameters (the last value of each); others are not read."""
    query = QueryDict(mutable=True)
    for name in PARAMETERS:
        value = request.GET.get(name, "")
        if value and len(value) <= MAX_VALUE_LENGTH and not (name == "page" and value == "1"):
            query[name] = value
    return query


@require_GET
def catalogue(request):
    requested = _requested(request)
    today = timezone.localdate()

    def render_fragment():
        form = CatalogueFilterForm(requested, territories=selectors.territories_for_filters(), today=today)
        form.is_valid()
        filters = form.filters()
        page = Paginator(selectors.catalogue(filters), PAGE_SIZE).get_page(requested.get("page"))
        canonical = QueryDict(mutable=True)
        canonical.update(form.canonical())
        if page.number > 1:
            canonical["page"] = str(page.number)
        context = {
            "form": form,
            "filters": filters,
            "page": page,
            "query": canonical,
            "misunderstood": sorted(form.errors),
        }
        fragment = {
            "title": "Formations" + (" — recherche" if filters.any else ""),
            "body": render_to_string("formation/catalogue/_catalogue_corps.html", context),
            "noindex": filters.any or page.number > 1,
        }
        return fragment, dict(canonical.items()) == dict(requested.items())

    # The month list starts with this month: the day's month is part of the key.
    parts = (today.strftime("%Y-%m"), tuple(sorted(requested.items())))
    fragment = cache.fragment("catalogue", parts, render_fragment)
    return render(request, "formation/catalogue/index.html", {"fragment": fragment})


@require_GET
def training(request, slug):
    def render_fragment():
        found = selectors.training_detail(slug)
        if found is None:
            return None, False
        results = selectors.training_results(found)
        programme = clean_html(found.programme)
        sessions = [(session, selectors.registration_url(session)) for session in found.upcoming]
        context = {
            "training": found,
            "programme": programme,
            "sessions": sessions,
            "results": results,
            "min_answers": selectors.MIN_RESULT_ANSWERS,
        }
        return {
            "title": found.title,
            "description": found.summary,
            "body": render_to_string("formation/catalogue/_formation_corps.html", context),
            "json_ld": _course_json_ld(found, programme, found.upcoming),
            "theme": found.theme,
        }, True

    fragment = cache.fragment(f"formation-{slug}", (), render_fragment)
    if fragment is None:
        raise Http404("Cette formation n'existe pas ou n'est plus au catalogue.")
    # Beside the cached page, under their own version: the resource centre's « Ressources utiles ».
    useful = resources_for(topic("formation", fragment["theme"])) if fragment.get("theme") else []
    return render(request, "formation/catalogue/formation.html", {"fragment": fragment, "useful_resources": useful})


COURSE_MODES = {Modality.ONSITE: "onsite", Modality.REMOTE: "online", Modality.BLENDED: "blended"}


def _course_json_ld(training, programme: str, sessions) -> str:
    """schema.org Course with its upcoming sessions (CourseInstance), for search engines."""
    url = settings.SITE_URL + selectors.training_url(training)
    provider = {"@type": "Organization", "name": "CRESS La Réunion", "url": settings.SITE_URL}
    instances = []
    for session in sessions:
        instance = {
            "@type": "CourseInstance",
            "courseMode": "online" if not session.commune_id else COURSE_MODES[training.modality],
            "startDate": timezone.localtime(session.starts_at).isoformat(),
            "endDate": timezone.localtime(session.ends_at).isoformat(),
        }
        if session.commune_id:
            instance["location"] = {
                "@type": "Place",
                "name": session.address or session.commune.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": session.address,
                    "addressLocality": session.commune.name,
                    "addressRegion": "La Réunion",
                    "addressCountry": "FR",
                },
            }
        if session.trainer_id:
            instance["instructor"] = {"@type": "Person", "name": str(session.trainer)}
        instances.append(instance)
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": training.title,
        "description": training.summary,
        "url": url,
        "inLanguage": "fr",
        "provider": provider,
        "teaches": training.objective_list,
        "coursePrerequisites": training.prerequisites,
        "timeRequired": f"PT{int(training.duration_hours)}H" if training.duration_hours % 1 == 0 else None,
        "syllabusSections": [{"@type": "Syllabus", "name": "Programme", "description": plain_text(programme)}],
        "offers": {
            "@type": "Offer",
            "category": "Free" if not training.price else "Paid",
            "price": str(training.price),
            "priceCurrency": "EUR",
            "url": url,
        },
        "hasCourseInstance": instances,
    }
    return json_ld({key: value for key, value in data.items() if value not in (None, "", [])})
