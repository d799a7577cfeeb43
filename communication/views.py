"""Public pages of Action 4: news, the agenda (list, month, archive, event), iCalendar."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from communication import cache, ical, newsletter, selectors
from communication.forms import NEWSLETTER_CONSENT_TEXT, SubscribeForm
from communication.models import EventKind
from lib import agenda
from lib.forms import submitted
from lib.jsonld import json_ld
from lib.ratelimit import submit_within_limit

NEWS_PAGE_SIZE = 12
EVENTS_PAGE_SIZE = 20
AGENDA_FEED_DAYS_BACK = 365
FIRST_PAGE = Paginator([], 1).get_page(1)  # the month view has no pages
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _requested(request, names: tuple[str, ...]) -> QueryDict:
    """The page's own parameters (the last value of each). A value no link of the portal
    carries (a NUL byte, over 100 characters, page 1 spelt out) counts as absent."""
    query = QueryDict(mutable=True)
    for name in names:
        value = request.GET.get(name, "")
        if value and "\x00" not in value and len(value) <= 100 and not (name == "page" and value == "1"):
            query[name] = value
    return query


def _canonical(page, **filters) -> QueryDict:
    """The parameters of what was actually rendered: the slugs found and the page shown."""
    query = QueryDict(mutable=True)
    for name, value in filters.items():
        if value:
            query[name] = value
    if page.number > 1:
        query["page"] = str(page.number)
    return query


def _cached(request, name, names, render, depends_on=()):
    """The page's fragment, from the cache when the same parameters were rendered before.
    Only a request whose parameters all meant something is stored: unknown slugs or pages
    out of range are rendered, never cached, so they cannot fill the cache. `depends_on`
    joins the key (the versions of the agenda's other sources)."""
    query = _requested(request, names)
    parts = tuple(sorted(query.items()))

    def render_and_check():
        value, canonical = render(query)
        return value, tuple(sorted(canonical.items())) == parts

    return cache.fragment(name, (*parts, *depends_on), render_and_check)


@require_GET
def news_index(request):
    def render_fragment(query):
        territories = selectors.territories_for_filters()
        category = selectors.category_by_slug(query.get("rubrique", ""))
        tag = selectors.tag_by_slug(query.get("mot-cle", ""))
        territory = selectors.territory_by_slug(query.get("territoire", ""), territories)
        articles = selectors.news_list()
        if category:
            articles = articles.filter(category=category)
        if tag:
            articles = articles.filter(tags=tag)
        articles = selectors.filter_by_territory(articles, territory, kind="news")
        context = {
            "page": Paginator(articles, NEWS_PAGE_SIZE).get_page(query.get("page")),
            "query": query,
            "categories": selectors.categories(),
            "territories": territories,
            "category": category,
            "tag": tag,
            "territory": territory,
        }
        title = "Actualités" + (f" — {category.name}" if category else "")
        body = render_to_string("communication/_actualites_corps.html", context)
        canonical = _canonical(
            context["page"],
            rubrique=category.slug if category else "",
            territoire=territory.slug if territory else "",
            **{"mot-cle": tag.slug if tag else ""},
        )
        return {"title": title, "body": body}, canonical

    fragment = _cached(request, "actualites", ("rubrique", "mot-cle", "territoire", "page"), render_fragment)
    return render(request, "communication/actualites.html", {"fragment": fragment})


@require_GET
def news_detail(request, slug):
    article = selectors.news_detail(slug)
    if article is None:
        raise Http404("Cette actualité n'existe pas ou n'est pas publiée.")
    context = {"article": article, **_sharing(article)}
    context["json_ld"] = json_ld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title[:110],
            "description": article.description,
            "datePublished": article.publish_at.isoformat(),
            "dateModified": article.updated_at.isoformat(),
            "mainEntityOfPage": context["canonical"],
            "inLanguage": "fr",
            **({"image": [context["cover_url"]]} if article.cover else {}),
            **({"articleSection": article.category.name} if article.category_id else {}),
            "keywords": ", ".join(tag.name for tag in article.tags.all()),
            "publisher": CRESS_JSON_LD,
            "author": CRESS_JSON_LD,
        }
    )
    return render(request, "communication/actualite.html", context)


AGENDA_PARAMS = ("territoire", "type", "page")


def _agenda_filters(query) -> dict:
    """The agenda's filters (territory, type) read from the address, unknown values ignored,
    with what the filter form needs."""
    territories = selectors.territories_for_filters()
    territory = selectors.territory_by_slug(query.get("territoire", ""), territories)
    kind = query.get("type", "")
    # Events' types, then the other sources' (lib.agenda) that no event type names already.
    kinds = [*EventKind.choices, *((value, label) for value, label in agenda.kinds() if value not in EventKind.values)]
    return {
        "territories": territories,
        "territory": territory,
        "kinds": kinds,
        "kind": kind if kind in {value for value, _label in kinds} else "",
        "today": timezone.localdate(),
        "query": query,
    }


def _filter_values(filters: dict) -> dict:
    territory = filters["territory"]
    return {"territoire": territory.slug if territory else "", "type": filters["kind"]}


def _filtered_events(queryset, filters: dict):
    queryset = selectors.filter_by_territory(queryset, filters["territory"], kind="events")
    return queryset.filter(kind=filters["kind"]) if filters["kind"] else queryset


def _other_items(filters: dict, *, start, end) -> list:
    """The other sources' items (lib.agenda: training sessions…) for the period and filters."""
    return agenda.items(start=start, end=end, territory=filters["territory"], kind=filters["kind"])


@require_GET
def agenda_index(request, archive=False):
    def render_fragment(query):
        filters = _agenda_filters(query)
        if archive:
            page = Paginator(_filtered_events(selectors.past_events(), filters), EVENTS_PAGE_SIZE).get_page(
                query.get("page")
            )
            page.object_list = [("event", event) for event in page.object_list]
        else:
            # The other sources' items hold no state of their own past their end: the
            # archives keep the events only.
            events = _filtered_events(selectors.upcoming_events(), filters)
            items = _other_items(filters, start=timezone.now(), end=None)
            page = selectors.upcoming_page(events, items, number=query.get("page"), size=EVENTS_PAGE_SIZE)
        body = render_to_string("communication/_agenda_corps.html", {"page": page, "archive": archive, **filters})
        canonical = _canonical(page, **_filter_values(filters))
        return {"title": "Événements passés" if archive else "Agenda", "body": body}, canonical

    name = "agenda-archives" if archive else "agenda"
    depends_on = () if archive else agenda.versions()
    fragment = _cached(request, name, AGENDA_PARAMS, render_fragment, depends_on)
    return render(request, "communication/agenda.html", {"fragment": fragment})


@require_GET
def agenda_month(request, year, month):
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("Ce mois n'est pas dans l'agenda.")

    def render_fragment(query):
        filters = _agenda_filters(query)
        grid = selectors.month_grid(
            year,
            month,
            _filtered_events(selectors.events_base(), filters),
            other_items=lambda start, end: _other_items(filters, start=start, end=end),
        )
        context = {"grid": grid, "weekdays": WEEKDAYS, **filters}
        body = render_to_string("communication/_agenda_mois_corps.html", context)
        canonical = _canonical(FIRST_PAGE, **_filter_values(filters))
        return {"title": f"Agenda — {date_format(grid.first_day, 'F Y')}", "body": body}, canonical

    # Today is highlighted in the grid: it is part of the key.
    name = f"agenda-mois-{year}-{month}-{timezone.localdate().isoformat()}"
    fragment = _cached(request, name, ("territoire", "type"), render_fragment, agenda.versions())
    return render(request, "communication/agenda_mois.html", {"fragment": fragment})


@require_GET
def agenda_this_month(request):
    today = timezone.localdate()
    return agenda_month(request, today.year, today.month)


@require_GET
def event_detail(request, slug):
    event = selectors.event_detail(slug)
    if event is None:
        raise Http404("Cet événement n'existe pas ou n'est pas publié.")
    context = {"event": event, **_sharing(event)}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "url": context["canonical"],
        "inLanguage": "fr",
        **({"image": [context["cover_url"]]} if event.cover else {}),
    }
    places = []
    if event.commune_id:
        places.append(
            {
                "@type": "Place",
                "name": event.address or event.commune.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.address,
                    "addressLocality": event.commune.name,
                    "addressRegion": "La Réunion",
                    "addressCountry": "FR",
                },
            }
        )
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    data["location"] = places[0] if len(places) == 1 else places
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode"
        if len(places) == 2
        else "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    if event.organiser_label:
        data["organizer"] = {"@type": "Organization", "name": event.organiser_label}
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url, "price": "0", "priceCurrency": "EUR"}
    context["json_ld"] = json_ld(data)
    return render(request, "communication/evenement.html", context)


CRESS_JSON_LD = {"@type": "Organization", "name": "CRESS La Réunion", "url": settings.SITE_URL}


def _sharing(item) -> dict:
    """The canonical address and cover image address, absolute, for Open Graph and schema.org."""
    return {
        "canonical": settings.SITE_URL + item.get_absolute_url(),
        "cover_url": settings.SITE_URL + item.cover.url if item.cover else "",
    }


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = selectors.event_detail(slug)
    if event is None:
        raise Http404("Cet événement n'existe pas ou n'est pas publié.")
    return _ics_response(ical.event_ics(event), f"{event.slug}.ics")


@require_GET
def agenda_feed(request):
    """The agenda as a calendar to subscribe to: coming events and those of the past year."""

    def render():
        since = timezone.now() - timezone.timedelta(days=AGENDA_FEED_DAYS_BACK)
        events = selectors.events_base().filter(ends_at__gte=since).order_by("starts_at", "pk")
        return ical.agenda_ics(events), True

    return _ics_response(cache.fragment("agenda-ics", (), render), "agenda-ess-reunion.ics")


# --- Newsletter ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def newsletter_subscribe(request):
    form = SubscribeForm(**submitted(request))
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="lettre-inscription",
            limit_setting="NEWSLETTER_SUBSCRIPTIONS_PER_HOUR",
            form=form,
            action=lambda data: newsletter.subscribe(
                email=data["email"],
                themes=data["themes"],
                territories=data["territories"],
                consent_text=NEWSLETTER_CONSENT_TEXT,
            ),
        )
        if submission.done:
            return render(request, "communication/lettre_verifiez.html", {"days": settings.NEWSLETTER_CONFIRM_DAYS})
        status = submission.status
    return render(request, "communication/lettre_inscription.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    """The link of the confirmation email. GET asks, POST confirms: a mail scanner that
    opens links confirms nothing."""
    subscriber = newsletter.subscriber_from_confirm_token(token)
    if subscriber is None:
        return render(request, "communication/lettre_lien_invalide.html", {"message": ""}, status=404)
    if request.method == "POST":
        try:
            newsletter.confirm(subscriber)
        except newsletter.NewsletterError as error:
            return render(request, "communication/lettre_lien_invalide.html", {"message": str(error)}, status=409)
        return render(request, "communication/lettre_confirmee.html")
    return render(request, "communication/lettre_confirmer.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail programs post « List-Unsubscribe=One-Click » without a form
@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    """The signed link is the only key; one click (GET shows a button, POST unsubscribes)."""
    subscriber = newsletter.subscriber_from_unsubscribe_token(token)
    if subscriber is None:
        return render(request, "communication/lettre_lien_invalide.html", {"message": ""}, status=404)
    if request.method == "POST":
        newsletter.unsubscribe(subscriber)
        return render(request, "communication/lettre_desinscrit.html")
    done = subscriber.status == subscriber.Status.UNSUBSCRIBED
    return render(request, "communication/lettre_desinscrire.html", {"done": done})
