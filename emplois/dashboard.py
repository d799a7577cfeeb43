"""The staff dashboard of the job board (the offers' admin, « Tableau de bord »): for a period,
the offers published by métier, contract and territory, the applications received and the
offers that drew most, the time to fill an offer, the alerts confirmed and sent. Grouped
queries, a fixed number of them whatever the number of rows; no personal data (never a
candidate's name or address), so the CSV export carries the same tables."""

from datetime import timedelta

from django.db.models import Aggregate, Count, DurationField, F, Q
from django.db.models.functions import TruncDate

from emplois.models import Application, Contract, JobAlert, JobAlertDelivery, Offer, OfferKind, OfferTransition
from lib.periods import Period

TOP_OFFERS = 50
NO_COMMUNE = "À distance (sans commune)"
NO_FAMILY = "Hors des familles de métiers de l'ESS"


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont over durations: the value under which `fraction` of the
    rows fall (interpolated). `fraction` is the code's own constant, never a visitor's."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), output_field=DurationField(), **extra)


def days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    return [(label, counts.get(value, 0)) for value, label in choices]


def _by_count(rows) -> list[tuple[str, int]]:
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def offers_published(period: Period):
    return period.filter(Offer.objects.filter(published_at__isnull=False), "published_at").order_by()


def _offers(period: Period) -> dict:
    offers = offers_published(period)
    by_contract = dict(offers.values_list("contract").annotate(n=Count("id")))
    by_status = dict(offers.values_list("status").annotate(n=Count("id")))
    domains = offers.values_list("rome__domain__code", "rome__domain__label").annotate(n=Count("id"))
    families = offers.values_list("rome__metier_families__name").annotate(n=Count("id", distinct=True))
    places = offers.values_list("commune__parent__short_name", "commune__parent__name").annotate(n=Count("id"))
    volunteering = by_contract.get(Contract.VOLUNTEERING, 0)
    total = sum(by_contract.values())
    return {
        "total": total,
        "by_kind": [(OfferKind.JOB.label, total - volunteering), (OfferKind.VOLUNTEERING.label, volunteering)],
        "by_status": _labelled(by_status, Offer.Status.choices),
        "by_contract": _labelled(by_contract, Contract.choices),
        "by_domain": _by_count((f"{code} — {label}", n) for code, label, n in domains),
        "by_family": _by_count((name or NO_FAMILY, n) for name, n in families),
        "by_territory": _by_count(((short or name or NO_COMMUNE), n) for short, name, n in places),
    }


def _applications(period: Period) -> dict:
    by_status = dict(period.filter(Application.objects.order_by()).values_list("status").annotate(n=Count("id")))
    received = period.q("applications__created_at")
    per_state = {
        f"n_{value}": Count("applications", filter=received & Q(applications__status=value))
        for value in Application.Status.values
    }
    top = (
        Offer.objects.annotate(n_total=Count("applications", filter=received), **per_state)
        .filter(n_total__gt=0)
        .select_related("organisation")
        .only("pk", "title", "organisation__name")
        .order_by("-n_total", "title", "pk")[:TOP_OFFERS]
    )
    return {
        "total": sum(by_status.values()),
        "by_status": _labelled(by_status, Application.Status.choices),
        "states": [label for _value, label in Application.Status.choices],
        "top_offers": [
            {
                "pk": offer.pk,
                "title": offer.title,
                "organisation": offer.organisation.name,
                "total": offer.n_total,
                "by_status": [getattr(offer, f"n_{value}") for value in Application.Status.values],
            }
            for offer in top
        ],
    }


def _time_to_fill(period: Period) -> dict:
    """From publication to « pourvue », for the offers filled in the period (an offer is filled
    once: the state has no way out)."""
    filled = (
        period.filter(OfferTransition.objects.filter(to_state=Offer.Status.FILLED), "created_at")
        .filter(subject__published_at__isnull=False)
        .annotate(delay=F("created_at") - F("subject__published_at"))
        .order_by()
    )
    figures = {"n": Count("id"), "median": Percentile("delay", 0.5), "p90": Percentile("delay", 0.9)}
    overall = filled.aggregate(**figures)
    by_contract = {row["subject__contract"]: row for row in filled.values("subject__contract").annotate(**figures)}

    def line(label, row):
        return (label, row["n"], days(row["median"]), days(row["p90"]))

    return {
        "overall": line("Toutes les offres", overall),
        "by_contract": [line(label, by_contract[value]) for value, label in Contract.choices if value in by_contract],
    }


def _alerts(period: Period) -> dict:
    alerts = JobAlert.objects.aggregate(
        active=Count("id", filter=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)),
        confirmed=Count("id", filter=period.q("confirmed_at")),
        unsubscribed=Count("id", filter=period.q("unsubscribed_at")),
    )
    deliveries = period.filter(JobAlertDelivery.objects.order_by())
    sent = deliveries.aggregate(offers=Count("id"), alerts=Count("alert", distinct=True))
    # One digest is one email to one alert: its deliveries share the alert and the day.
    digests = deliveries.annotate(day=TruncDate("created_at")).values("alert", "day").distinct().count()
    return {
        "rows": [
            ("Alertes actives aujourd'hui (confirmées, non désinscrites)", alerts["active"]),
            ("Alertes confirmées sur la période", alerts["confirmed"]),
            ("Désinscriptions sur la période", alerts["unsubscribed"]),
            ("Courriels d'alerte envoyés sur la période", digests),
            ("Offres envoyées par ces courriels", sent["offers"]),
            ("Alertes ayant reçu au moins un courriel", sent["alerts"]),
        ]
    }


def dashboard(period: Period) -> dict:
    return {
        "offers": _offers(period),
        "applications": _applications(period),
        "fill": _time_to_fill(period),
        "alerts": _alerts(period),
    }


def _number(value) -> str:
    return "" if value is None else f"{value}".replace(".", ",")


def csv_rows(data: dict, period: Period) -> list[list]:
    """The dashboard's tables one after the other: a title row, a header row, the lines, a
    blank row."""
    offers, applications, fill = data["offers"], data["applications"], data["fill"]
    bounds = [period.start.isoformat() if period.start else "", period.end.isoformat() if period.end else ""]
    rows = [["Tableau de bord des offres d'emploi et de bénévolat", "Du", bounds[0], "au", bounds[1]], []]

    def section(title, headers, lines):
        rows.extend([[title], headers, *[list(line) for line in lines], []])

    section("Offres publiées", ["Offres", "Nombre"], [("Total", offers["total"]), *offers["by_kind"]])
    section("Offres publiées par état", ["État", "Offres"], offers["by_status"])
    section("Offres publiées par grand domaine ROME", ["Grand domaine", "Offres"], offers["by_domain"])
    section("Offres publiées par famille de métiers de l'ESS", ["Famille", "Offres"], offers["by_family"])
    section("Offres publiées par contrat", ["Contrat", "Offres"], offers["by_contract"])
    section("Offres publiées par intercommunalité", ["EPCI", "Offres"], offers["by_territory"])
    section(
        "Candidatures reçues par état",
        ["État", "Candidatures"],
        [("Total", applications["total"]), *applications["by_status"]],
    )
    section(
        f"Offres ayant reçu le plus de candidatures ({TOP_OFFERS} au plus)",
        ["Offre", "Structure", "Candidatures", *applications["states"]],
        [(o["title"], o["organisation"], o["total"], *o["by_status"]) for o in applications["top_offers"]],
    )
    section(
        "Délai de pourvoi (jours, de la publication à « pourvue »)",
        ["Contrat", "Offres pourvues", "Médiane", "9e décile"],
        [
            (label, n, _number(median), _number(p90))
            for label, n, median, p90 in [fill["overall"], *fill["by_contract"]]
        ],
    )
    section("Alertes", ["Indicateur", "Nombre"], data["alerts"]["rows"])
    return rows
