"""The good-practices report's pages, for the organisation's members only (anyone else: 404):
ask for it, follow its build (the state fragment is polled by htmx, no inline script), then
download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appartenance import report as services
from appartenance.views_guide import _assessment, _posts_allowed, _private
from lib.downloads import file_response
from lib.ratelimit import TOO_MANY_MESSAGE, within_limit


def _context(request, assessment, *, polling=True) -> dict:
    report = services.report_of(assessment)
    return {
        "assessment": assessment,
        "report": report,
        "pending": services.is_pending(report),
        "polling": polling,
        "heading": f"Rapport {assessment.year}",
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, organisation: int, year: int):
    """The report's state; a POST asks for it (built by a worker, then emailed)."""
    assessment = _assessment(request, organisation, year)
    if request.method == "POST":
        if not _posts_allowed(request):
            messages.error(request, TOO_MANY_MESSAGE)
        else:
            services.request_report(assessment=assessment, by=request.user)
            messages.success(
                request, "Le rapport est en préparation : cette page montre où il en est, et un courriel vous "
                "préviendra quand il sera prêt."
            )  # fmt: skip
        return redirect(request.path)
    context = {**_context(request, assessment), "summary": services.report_context(assessment)}
    return _private(render(request, "appartenance/guide/rapport.html", context))


@never_cache
@login_required
@require_GET
def report_state(request, organisation: int, year: int):
    """The state fragment the page polls while the report is built. Past
    GUIDE_REPORT_POLLS_PER_HOUR it stops polling (the email brings the link anyway)."""
    assessment = _assessment(request, organisation, year)
    polling = within_limit(
        request, scope="appartenance-rapport-etat", limit_setting="GUIDE_REPORT_POLLS_PER_HOUR",
        key=f"u-{request.user.pk}",
    )  # fmt: skip
    context = _context(request, assessment, polling=polling)
    return _private(render(request, "appartenance/guide/_rapport_etat.html", context))


@never_cache
@login_required
@require_GET
def report_file(request, organisation: int, year: int):
    assessment = _assessment(request, organisation, year)
    report = services.report_of(assessment)
    if report is None or not report.ready:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:  # lost from storage: the member asks for it again
        raise Http404 from None
    name = f"rapport-bonnes-pratiques-{assessment.year}.pdf"
    return _private(file_response(handle, filename=name, content_type="application/pdf"))
