"""The public pages of the territorial plans and of the policies by level.

Each page's body is rendered once per version of Action 2's data and of the directory (it
links the organisations' pages) and kept in the cache (territoires.cache.fragment). A
plan's PDF summary is built by a worker (territoires.documents: too slow for a request)
and kept under the plan and the data version; until it is ready its link says so.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from annuaire.services import directory_version
from lib.richtext import clean_html, plain_text
from territoires import cache, charts, documents, selectors
from territoires.forms import read_policy_filters
from territoires.models import Plan, PtceMember


def _page(request, name: str, parts: tuple, build):
    """Render `build()` (title, description, body…) through the cache, or 404."""
    fragment = cache.fragment(name, (directory_version(), *parts), build)
    if fragment is None:
        raise Http404
    return render(request, "territoires/plans/page.html", {"fragment": fragment})


@require_GET
def plans(request):
    def build():
        plans = selectors.plan_list()
        for plan in plans:
            plan.progress_bar = charts.progress_bar(plan.progress, id=f"avancement-{plan.slug}", height=16)
            plan.progress_text = charts.progress_description(plan.progress)
        body = render_to_string("territoires/plans/_plans_corps.html", {"plans": plans})
        return {
            "title": "Les plans territoriaux de l'ESS",
            "description": "Les plans d'action concertés pour l'économie sociale et solidaire des "
            "intercommunalités, des communes et de la région à La Réunion : axes, actions, indicateurs.",
            "body": body,
        }, True

    return _page(request, "plans", (), build)


@require_GET
def plan(request, slug):
    def build():
        found = selectors.plan_detail(slug)
        if found is None:
            return None, False
        # Rendered after a change: the summary of this version is prepared for the download link.
        documents.request_plan_pdf(slug)
        body = render_to_string("territoires/plans/_plan_corps.html", documents.plan_context(found))
        return {"title": found.title, "description": found.summary, "body": body}, True

    return _page(request, f"plan-{slug}", (), build)


@require_GET
def plan_pdf(request, slug):
    pdf = documents.cached_plan_pdf(slug)
    if pdf is None:
        plan = Plan.objects.filter(slug=slug, is_published=True).only("title", "slug").first()
        if plan is None:
            raise Http404
        documents.request_plan_pdf(slug)
        pdf = documents.cached_plan_pdf(slug)  # built at once without a broker (embedded default)
        if pdf is None:
            response = render(request, "territoires/plans/synthese_attente.html", {"plan": plan}, status=202)
            response["Retry-After"] = "10"
            response["Cache-Control"] = "no-store"
            return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="synthese-{slug}.pdf"'
    return response


@require_GET
def policies(request):
    requested = {name: request.GET[name] for name in ("territoire", "q") if request.GET.get(name)}

    def build():
        filters = read_policy_filters(request.GET)
        groups = selectors.policy_groups(territory=filters.territory, q=filters.q)
        context = {
            "filters": filters,
            "groups": groups,
            "count": sum(len(group.items) for group in groups),
            "territories": selectors.territories_for_filter(),
            "selected_code": filters.territory.code if filters.territory else "",
        }
        title = "Les politiques de l'ESS par échelon"
        if filters.territory is not None:
            title += f" — {filters.territory.name}"
        body = render_to_string("territoires/plans/_politiques_corps.html", context)
        fragment = {
            "title": title,
            "description": "Les stratégies, schémas, plans et pôles territoriaux de coopération économique (PTCE) "
            "qui soutiennent l'économie sociale et solidaire à La Réunion, de l'Europe à la commune.",
            "body": body,
            "noindex": filters.any,
        }
        # Searches are not kept (free text would fill the cache); territory filters are, when
        # written as the page writes them (the territory by its code).
        return fragment, not filters.q and not filters.notices and requested == filters.canonical()

    return _page(request, "politiques", tuple(sorted(requested.items())), build)


@require_GET
def policy(request, slug):
    def build():
        found = selectors.policy_detail(slug)
        if found is None:
            return None, False
        members = list(found.members.all())
        groups = [
            (label, sorted((m for m in members if m.kind == kind), key=lambda m: str(m).lower()))
            for kind, label in PtceMember.Kind.choices
        ]
        context = {
            "policy": found,
            "description": clean_html(found.description),
            "member_groups": [(label, items) for label, items in groups if items],
            "member_count": len(members),
            "territories": found.territories.all(),
        }
        body = render_to_string("territoires/plans/_politique_corps.html", context)
        summary = found.summary or plain_text(found.description)[:300]
        return {"title": found.title, "description": summary, "body": body}, True

    return _page(request, f"politique-{slug}", (), build)
