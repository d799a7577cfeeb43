"""Reads about buyers' needs shared by the pages: the buyer's answers, the staff's funnel and
impact, the « besoins inspirants ». Each in a constant number of queries."""

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear

from experimentations.models import Need, SupplierMatch

Status = Need.Status


def interested_answers(need: Need):
    """The suppliers interested in this need whose contact is shared with the buyer."""
    return (
        SupplierMatch.objects.filter(need=need, answer=SupplierMatch.Answer.INTERESTED, contact_shared_at__isnull=False)
        .select_related("organisation", "organisation__commune")
        .order_by("answered_at", "pk")
    )


def funnel_per_need(*, limit: int = 200):
    """The needs sent or about to be, each annotated with its funnel counts (one query)."""
    return (
        Need.objects.exclude(status__in=[Status.DRAFT])
        .annotate(
            emailed=Count("matches", filter=Q(matches__emailed_at__isnull=False)),
            opened=Count("matches", filter=Q(matches__opened_at__isnull=False)),
            viewed=Count("matches", filter=Q(matches__viewed_at__isnull=False)),
            interested=Count("matches", filter=Q(matches__answer=SupplierMatch.Answer.INTERESTED)),
            not_interested=Count("matches", filter=Q(matches__answer=SupplierMatch.Answer.NOT_INTERESTED)),
            shared=Count("matches", filter=Q(matches__contact_shared_at__isnull=False)),
        )
        .only("reference", "title", "status", "buyer_name", "answer_deadline", "deal_made", "deal_amount")
        .order_by("-answer_deadline")[:limit]
    )


def impact_per_year():
    """Per year of submission: needs, suppliers' answers, deals and amounts bought from the
    ESS (two queries, joined here)."""
    posted = Need.objects.exclude(status=Status.DRAFT).filter(submitted_at__isnull=False)
    needs = {
        row["year"]: row
        for row in posted.annotate(year=ExtractYear("submitted_at"))
        .values("year")
        .annotate(
            needs=Count("pk"),
            surveyed=Count("pk", filter=Q(survey_answered_at__isnull=False)),
            deals=Count("pk", filter=Q(deal_made=True)),
            amount=Sum("deal_amount", filter=Q(deal_made=True)),
        )
        .order_by()
    }
    answers = {
        row["year"]: row["answers"]
        for row in SupplierMatch.objects.filter(need__in=posted)
        .exclude(answer="")
        .annotate(year=ExtractYear("need__submitted_at"))
        .values("year")
        .annotate(answers=Count("pk"))
        .order_by()
    }
    return [
        {**row, "answers": answers.get(year, 0), "amount": row["amount"] or 0}
        for year, row in sorted(needs.items(), reverse=True)
    ]


def survey_answers(*, limit: int = 100):
    return (
        Need.objects.filter(survey_answered_at__isnull=False)
        .only("reference", "title", "buyer_name", "deal_made", "deal_amount", "deal_comment", "survey_answered_at")
        .order_by("-survey_answered_at")[:limit]
    )


def inspiring_needs():
    """The published « besoins inspirants », without anything of the buyer's contact."""
    return (
        Need.objects.filter(is_inspiring=True, status__in=[Status.VALIDATED, Status.SENT, Status.CLOSED])
        .select_related("commune")
        .prefetch_related(Prefetch("sectors"))
        .only("pk", "kind", "title", "buyer_kind", "inspiring_text", "clauses", "commune__name", "submitted_at")
        .order_by("-submitted_at", "-pk")
    )
