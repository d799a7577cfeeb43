"""The offers' list written in Python (f-strings, every text that is not ours escaped):
the facets and the page of results (cached per normalised search and page by
emplois.views_public.index), and the parts of the page built per request, which
lib.page_shell puts into the layout rendered once per process.

Template loops cost about 10 ms for 20 cards and eight facets, as much as the search's
queries; the same HTML from f-strings costs well under a millisecond. The HTML is the one
the templates wrote (compared byte for byte on the benchmark's searches, bench/README.md).
"""

from html import escape

from django.urls import reverse
from django.utils import timezone

from emplois import selectors
from emplois.models import Offer, Remote
from emplois.search import RANK_CANDIDATES, SearchResult

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def _day(value) -> str:
    """« 4 décembre 2026 », as the templates' `date:"j F Y"` wrote it in French (the
    portal's only language), at a tenth of its cost."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def card(offer: Offer) -> str:
    """An offer's card in the list (in the list and under a closed offer)."""
    if offer.is_volunteering:
        badge = '<span class="badge text-bg-warning">Bénévolat</span>'
    else:
        badge = f'<span class="badge text-bg-light border">{escape(offer.get_contract_display())}</span>'
    if offer.remote == Remote.FULL:
        place = "Entièrement à distance"
    elif offer.commune_id:
        place = escape(offer.commune.name)
        if offer.remote == Remote.PARTIAL:
            place += ", télétravail partiel"
    else:
        place = ""
    if offer.is_volunteering and offer.volunteer_time:
        place += f" · {escape(offer.volunteer_time)}"
    if offer.working_time:
        place += f" · {escape(offer.get_working_time_display())}"
    published = _day(timezone.localtime(offer.published_at))
    domain = escape(offer.rome.domain.label)
    return (
        '<article class="card result offer-card h-100">\n'
        '  <div class="card-body">\n'
        f'    <p class="small mb-1">{badge} <span class="text-body-secondary">{domain}</span></p>\n'
        f'    <h3 class="h5 mb-1"><a href="{escape(selectors.offer_url(offer))}">{escape(offer.title)}</a></h3>\n'
        f'    <p class="mb-1">{escape(offer.organisation.name)}</p>\n'
        f'    <p class="small mb-1">{place}</p>\n'
        f'    <p class="small text-body-secondary mb-0">Publiée le {published} · candidatures jusqu\'au '
        f"{_day(offer.closes_on)}</p>\n"
        "  </div>\n"
        "</article>\n"
    )


def _facets(result: SearchResult) -> str:
    out = []
    for facet in result.facets:
        options = "".join(
            f'<option value="{escape(option["value"])}"{" selected" if option["selected"] else ""}>'
            f"{escape(str(option['label']))} ({option['count']})</option>"
            for option in facet.options
        )
        out.append(
            '\n        <div class="col-6 col-lg-12">\n'
            f'          <label class="form-label small mb-1" for="id_{facet.param}">{escape(facet.label)}</label>\n'
            f'          <select class="form-select form-select-sm" name="{facet.param}" id="id_{facet.param}" '
            'form="recherche-offres">\n'
            '            <option value="">Tout</option>\n'
            f"            {options}\n"
            "          </select>\n"
            "        </div>\n        "
        )
    return "".join(out)


def _pagination(result: SearchResult, querystring: str) -> str:
    """The pagination (was templates/_pagination.html, with label « Pagination des offres »)."""
    page = result.page
    if page.num_pages <= 1:
        return "\n"
    before = f"?{querystring}&page=" if querystring else "?page="
    previous = (
        f'<li class="page-item"><a class="page-link" href="{escape(before)}{page.number - 1}">Précédente</a></li>'
        if page.has_previous()
        else ""
    )
    following = (
        f'<li class="page-item"><a class="page-link" href="{escape(before)}{page.number + 1}">Suivante</a></li>'
        if page.has_next()
        else ""
    )
    return (
        '\n<nav aria-label="Pagination des offres" class="mt-4">\n'
        '  <ul class="pagination flex-wrap">\n'
        f"    {previous}\n"
        f'    <li class="page-item active" aria-current="page"><span class="page-link">Page {page.number} sur '
        f"{page.num_pages}</span></li>\n"
        f"    {following}\n"
        "  </ul>\n"
        "</nav>\n\n"
    )


def results(result: SearchResult, active: list[dict]) -> str:
    """The facets and the page of results (was templates/emplois/_offres_resultats.html):
    nothing of the visitor in it. `active`: the filters selected, each with its label, its
    value and the address without it."""
    filters = result.filters
    querystring = filters.querystring()
    index = reverse("emplois:index")
    total = result.page.total
    if total == 0:
        heading = "Aucune offre ne correspond"
    elif total == 1:
        heading = "1 offre ouverte"
    else:
        heading = f"{total} offres ouvertes"
    words = filters.normalised().get("q", "")
    if words:
        heading += f' <span class="fw-normal">pour « {escape(words)} »</span>'
    alert = reverse("emplois:alert-new") + (f"?{escape(querystring)}" if querystring else "")
    clear = f'<a href="{index}">Tout effacer</a>' if querystring else ""
    if active:
        items = "".join(
            f'<li class="list-inline-item mb-1"><a class="btn btn-sm btn-outline-secondary" '
            f'href="{escape(item["remove"])}">{escape(item["label"])} : {escape(str(item["value"]))} '
            '<span aria-hidden="true">×</span><span class="visually-hidden">(retirer ce filtre)</span></a></li>'
            for item in active
        )
        active_html = f'<ul class="list-inline mb-3" aria-label="Filtres actifs">{items}</ul>'
    else:
        active_html = ""
    if result.ranked:
        capped = (
            f", parmi les {RANK_CANDIDATES} offres les plus récentes qui correspondent "
            "(précisez la recherche pour voir les autres)"
            if result.ranking_capped
            else ""
        )
        order = f"Les plus pertinentes d'abord{capped}."
    else:
        order = "Les plus récentes d'abord."
    nothing = (
        f'<p>Essayez un autre mot, retirez un filtre, ou <a href="{index}">voyez toutes les offres</a>.</p>'
        if total == 0
        else ""
    )
    cards = "".join(f'<li class="col-12">{card(offer)}</li>' for offer in result.page.items)
    return (
        '\n  <div class="row g-4">\n'
        '    <aside class="col-12 col-lg-3" aria-labelledby="titre-filtres">\n'
        '      <h2 class="h6 text-uppercase text-body-secondary" id="titre-filtres">Affiner</h2>\n'
        '      <div class="row g-2">\n        '
        f"{_facets(result)}\n"
        '        <div class="col-12 d-grid mt-3"><button class="btn btn-outline-primary btn-sm" type="submit" '
        'form="recherche-offres">Appliquer les filtres</button></div>\n'
        "      </div>\n"
        "    </aside>\n"
        '    <section class="col-12 col-lg-9" aria-labelledby="resultats">\n'
        '      <div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2 mb-2">\n'
        f'        <h2 class="h5 mb-0" id="resultats" aria-live="polite">{heading}</h2>\n'
        '        <span class="d-flex flex-wrap gap-3 small">\n'
        f'          <a href="{alert}">Recevoir ces offres par courriel</a>\n'
        f"          {clear}\n"
        "        </span>\n"
        "      </div>\n"
        f"      {active_html}\n"
        f'      <p class="small text-body-secondary">{order}</p>\n'
        f"      {nothing}\n"
        '      <ol class="list-unstyled row g-3">\n'
        f"        {cards}\n"
        "      </ol>\n"
        f"      {_pagination(result, querystring)}\n"
        "    </section>\n"
        "  </div>\n"
    )


# --- The parts of the page built per request ------------------------------------------------


def parts(*, results_html: str, words: str, description: str, errors: list[str], noindex: bool, searched: bool):
    """What lib.page_shell fills into the page `emplois/offres.html`."""
    if errors:
        items = "".join(f"<li>{escape(message)}</li>" for message in errors)
        errors_html = (
            '<div class="alert alert-warning small" role="status"><p class="mb-1">Certains critères de l\'adresse '
            f'n\'ont pas été compris et ont été ignorés :</p><ul class="mb-0">{items}</ul></div>'
        )
    else:
        errors_html = ""
    return {
        "title_more": f" — {escape(description)}" if searched else "",
        "robots": '<meta name="robots" content="noindex, follow">' if noindex else "",
        "q_value": escape(words),
        "errors_html": errors_html,
        "results": results_html,
    }
