from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annuaire.models import PartnerMembership
from communication import cache as communication_cache
from communication import selectors as communication_selectors
from cress import health
from cress.accessibility import Result, page_summaries
from cress.accessibility import statement as accessibility_statement
from cress.navigation import INTAKE, live_areas
from experimentations import cache as tools_cache
from experimentations import selectors_tools
from lib import api, keyfigures, member_spaces
from lib import personal_data as personal_data_registry
from lib.keyfigures import KeyFigure, KeyFigureBlock

# Typed from publications, shown only while no app offers computed figures (lib.keyfigures).
FALLBACK_KEY_FIGURES = KeyFigureBlock(
    figures=(
        KeyFigure("25 700", "salariés dans l'ESS", "fin 2015"),
        KeyFigure("11,1 %", "de l'emploi salarié réunionnais", "2014"),
        KeyFigure("2 100", "structures employeuses", "fin 2015"),
        KeyFigure("8 700", "emplois dans l'action sociale, premier secteur", "fin 2015"),
    ),
    source="Insee Analyses Réunion n° 39 (2019), données fin 2015 ; CRESS Réunion et Insee, données 2014",
)


def _key_figures() -> str:
    return render_to_string("cress/_chiffres_cles.html", {"blocks": keyfigures.blocks() or [FALLBACK_KEY_FIGURES]})


def _communication_blocks() -> str:
    context = {
        "news": communication_selectors.home_news(3),
        "events": list(communication_selectors.upcoming_events()[:4]),
    }
    return render_to_string("communication/_accueil_blocs.html", context)


HOME_CALLS = 3


def _calls_block(now=None) -> str:
    now = now or timezone.now()
    calls = selectors_tools.cards(selectors_tools.calls_closing_first(limit=HOME_CALLS, now=now), now)
    return render_to_string("cress/_appels_accueil.html", {"calls": calls})


def home(request):
    return render(
        request,
        "cress/accueil.html",
        {
            "areas": live_areas(),
            "intake": INTAKE,
            # Cached under every provider's version: a published millésime shows at once.
            "key_figures": communication_cache.fragment(
                "accueil-chiffres", keyfigures.versions(), lambda: (_key_figures(), True)
            ),
            "communication_blocks": communication_cache.fragment(
                "accueil", (), lambda: (_communication_blocks(), True)
            ),
            # Under the tools' version and the calls' epoch: a call that closes leaves at once.
            "calls_block": tools_cache.fragment("accueil-appels", (), lambda: (_calls_block(), True)),
        },
    )


@require_GET
def robots_txt(request):
    # The admin's address is not listed: robots.txt is read by people looking for it too.
    lines = [
        "User-agent: *",
        "Disallow: /accompagnement/suivi/",
        "Disallow: /accompagnement/partenaire/",
        "Disallow: /compte/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


SECURITY_TXT_VALIDITY = timedelta(days=365)  # RFC 9116: Expires less than a year ahead


@require_GET
def security_txt(request):
    """RFC 9116: where to report a vulnerability. Built from settings at each request, so
    the contact is the deployment's and the expiry date never lies in the past."""
    contact = settings.SECURITY_CONTACT
    if ":" not in contact:
        contact = f"mailto:{contact}"
    expires = (timezone.now() + SECURITY_TXT_VALIDITY).replace(microsecond=0)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr",
        f"Canonical: {settings.SITE_URL}{reverse('security-txt')}",
        f"Policy: {settings.SITE_URL}{reverse('securite')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def security_policy(request):
    return render(request, "cress/securite.html", {"security_contact": settings.SECURITY_CONTACT})


@dataclass(frozen=True)
class Mission:
    """One of the seven actions of the CRESS programme, told in the public's words."""

    title: str
    text: str
    area: str = ""  # the namespace of the area that serves it on the portal, if any


# The programme's seven actions, in its order; the page numbers them but never shows the
# programme's internal labels.
MISSIONS = (
    Mission(
        "Travailler avec les partenaires de l'ESS",
        "Chambres consulaires, URSCOP, France Travail, Cité des Métiers, CGSS, financeurs : la CRESS "
        "passe des conventions avec eux pour que chaque porteur de projet trouve le bon interlocuteur.",
    ),
    Mission(
        "Développer l'ESS dans chaque territoire",
        "Avec les intercommunalités et les communes, la CRESS prépare des plans d'action pour l'ESS "
        "et accompagne les politiques publiques locales.",
        area="territoires",
    ),
    Mission(
        "Observer l'ESS réunionnaise",
        "L'observatoire régional compte les structures et les emplois de l'ESS, repère les activités "
        "qui manquent sur l'île et publie ses études.",
    ),
    Mission(
        "Faire connaître les acteurs et leurs actions",
        "L'annuaire et la carte des structures, les actualités, l'agenda des événements et la lettre d'information.",
        area="annuaire",
    ),
    Mission(
        "Accueillir et orienter les porteurs de projet",
        "Vous décrivez votre projet une fois ; l'équipe de la CRESS l'étudie et vous oriente vers les "
        "structures qui peuvent vous accompagner.",
        area="accueil",
    ),
    Mission(
        "Former les salariés, bénévoles et dirigeants",
        "Des formations pour celles et ceux qui font vivre les associations, coopératives, mutuelles et fondations.",
        area="formation",
    ),
    Mission(
        "Expérimenter et financer autrement",
        "Des outils financiers pour les projets de l'ESS, des expérimentations, et la mise en relation "
        "des acheteurs avec les fournisseurs de l'ESS.",
    ),
)


def about(request):
    routed = {area.namespace for area in (*live_areas(), INTAKE)}
    missions = [
        {"mission": mission, "url": reverse(f"{mission.area}:index") if mission.area in routed else ""}
        for mission in MISSIONS
    ]
    return render(request, "cress/a_propos.html", {"missions": missions})


def legal_notice(request):
    return render(request, "cress/mentions_legales.html", {"hosting_provider": settings.HOSTING_PROVIDER})


def personal_data(request):
    return render(
        request,
        "cress/donnees_personnelles.html",
        {
            "dpo_email": settings.DPO_EMAIL,
            "retentions": personal_data_registry.retentions(),  # filled by every app (lib/personal_data.py)
            "fse_years": settings.FSE_RETENTION_YEARS,
        },
    )


# The site map's second level: a few pages of each area besides its index, by namespace.
AREA_PAGES = {
    "annuaire": (
        ("Proposer une structure", "annuaire:proposer"),
        ("Données ouvertes de l'annuaire", "annuaire:donnees"),
    ),
    "actualites": (("S'inscrire à la lettre d'information", "actualites:lettre-inscription"),),
    "agenda": (("Archives de l'agenda", "agenda:archives"),),
    "accueil": (
        ("Quel statut pour mon projet ?", "accueil:guide"),
        ("Suivre ma demande", "accueil:nouveau-lien"),
    ),
}

SITE_MAP_PAGES = (
    ("À propos", "a-propos"),
    ("Mentions légales", "mentions-legales"),
    ("Données personnelles", "donnees-personnelles"),
    ("Accessibilité", "accessibilite"),
    ("Grille d'évaluation RGAA", "accessibilite-grille"),
    ("Sécurité : signaler une vulnérabilité", "securite"),
    ("Se connecter (équipe de la CRESS et structures partenaires)", "comptes:connexion"),
)


def site_map(request):
    """« Plan du site »: with the main menu, the second way to reach every page (RGAA 12.1)."""
    areas = [
        {
            "label": area.label,
            "url": reverse(area.url_name),
            "pages": [{"label": label, "url": reverse(name)} for label, name in AREA_PAGES.get(area.namespace, ())],
        }
        for area in (INTAKE, *live_areas())
    ]
    pages = [{"label": label, "url": reverse(name)} for label, name in SITE_MAP_PAGES]
    return render(request, "cress/plan_du_site.html", {"areas": areas, "pages": pages})


def _sample_pages(statement):
    """The sample's pages as the statement lists them: a link when the address is the same
    for everyone, the audited address otherwise (a record's page, a private link)."""
    return [
        {"page": page, "url": "" if page.dynamic else reverse(page.url_name, kwargs=page.url_kwargs)}
        for page in statement.audit.pages
    ]


def accessibility(request):
    """The accessibility statement, after the official model: every figure computed from the
    RGAA self-assessment in the repository (cress/accessibility.py)."""
    statement = accessibility_statement()
    return render(
        request,
        "cress/accessibilite.html",
        {
            "statement": statement,
            "sample": _sample_pages(statement),
            "postal_address": settings.CONTACT_POSTAL_ADDRESS,
        },
    )


RESULT_LABELS = {
    Result.CONFORME: "Conforme",
    Result.NON_CONFORME: "Non conforme",
    Result.NON_APPLICABLE: "Non applicable",
}


def accessibility_grid(request):
    """Each criterion's result over the sample and each page's counts: the statement's detail."""
    statement = accessibility_statement()
    failures = {failure.criterion.number: failure.notes for failure in statement.failures}
    themes = {}
    for criterion in statement.criteria:
        themes.setdefault((criterion.theme_number, criterion.theme), []).append(
            {
                "criterion": criterion,
                "label": RESULT_LABELS[statement.outcome[criterion.number]],
                "failing": failures.get(criterion.number, ()),
            }
        )
    urls = {item["page"].id: item["url"] for item in _sample_pages(statement)}
    pages = [
        {
            "page": summary.page,
            "url": urls[summary.page.id],
            "conformes": summary.conformes,
            "non_conformes": summary.non_conformes,
            "non_applicables": summary.non_applicables,
            "rounded_rate": summary.rounded_rate,
        }
        for summary in page_summaries(statement.audit)
    ]
    return render(
        request,
        "cress/accessibilite_grille.html",
        {"statement": statement, "themes": themes.items(), "pages": pages},
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness of the portal's dependencies, for load balancers and monitoring."""
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def bare_layout(request):
    """The reference of the page benchmarks: the base layout and a 20-item loop, no query."""
    return render(request, "cress/gabarit_nu.html", {"items": range(20)})


# Under /api/ every error answers JSON in the API's shape (lib/api.py); elsewhere, a page.


def error_400(request, exception):
    if api.is_api_request(request):
        return api.error_response("Requête invalide.", status=400)
    return defaults.bad_request(request, exception)


def error_403(request, exception):
    if api.is_api_request(request):
        return api.error_response("Accès refusé.", status=403)
    return defaults.permission_denied(request, exception)


def api_not_found(request):
    return api.error_response(api.NOT_FOUND, status=404)


def error_404(request, exception):
    if api.is_api_request(request):
        return api.error_response(api.NOT_FOUND, status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if api.is_api_request(request):
        return api.error_response(api.SERVER_ERROR, status=500)
    return render(request, "500.html", status=500)


@never_cache
@login_required
@require_GET
def member_space(request):
    """« Mon espace »: what the person can do for the organisations they act for, in every
    action (lib.member_spaces; each app fills its part)."""
    organisation_ids = list(
        PartnerMembership.objects.filter(user=request.user).values_list("organisation_id", flat=True)
    )
    return render(
        request,
        "cress/mon_espace.html",
        {"links": member_spaces.links_for(request.user, organisation_ids), "is_member": bool(organisation_ids)},
    )
