"""Demo news and events for `seed_demo`: fictional, dated around the day it runs, idempotent
(matched on their address)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from annuaire.models import Organisation
from communication.models import (
    Delivery,
    Event,
    EventKind,
    NewsArticle,
    NewsCategory,
    NewsletterIssue,
    Publication,
    Subscriber,
    Tag,
)
from referentiels.models import Territory, TerritoryKind

CATEGORIES = ["Vie de la CRESS", "Mois de l'ESS", "Entreprendre", "Emploi et formation", "Territoires"]
TAGS = ["coopération", "insertion", "économie circulaire", "financement", "jeunesse", "agriculture"]

# title, category, tags, territories (EPCI short names or commune codes), days ago (negative: scheduled),
# status, featured, summary, body
NEWS = [
    (
        "Le Mois de l'ESS 2026 s'achève sur un record de participation",
        "Mois de l'ESS",
        ["coopération"],
        [],
        2,
        Publication.PUBLISHED,
        True,
        "Quarante rendez-vous dans les quatre microrégions : forums, portes ouvertes, ateliers. Retour sur un mois "
        "qui a fait découvrir l'économie sociale et solidaire à près de 3 000 Réunionnais.",
        "<p>Du 1er au 30 novembre, associations, coopératives et mutuelles ont ouvert leurs portes.</p>"
        "<h2>Les temps forts</h2><ul><li>Le forum de Saint-Denis et ses 60 exposants ;</li>"
        "<li>les portes ouvertes des ressourceries du Sud ;</li><li>le hackathon « Ti Kaz Solidaire » au Port.</li></ul>"
        "<blockquote>« On ne savait pas qu'une SCOP pouvait reprendre une entreprise. » — une visiteuse</blockquote>",
    ),
    (
        "Créer une SCIC à La Réunion : un atelier pour comprendre",
        "Entreprendre",
        ["coopération", "financement"],
        ["TCO"],
        6,
        Publication.PUBLISHED,
        False,
        "La société coopérative d'intérêt collectif réunit salariés, usagers et collectivités. La CRESS et l'URSCOP "
        "proposent un atelier gratuit pour les porteurs de projet de l'Ouest.",
        "<p>Une SCIC associe au moins trois catégories d'associés, dont les salariés et les bénéficiaires.</p>"
        "<p>L'atelier présente les étapes, les statuts types et les <strong>financements mobilisables</strong>.</p>",
    ),
    (
        "Insertion : trois chantiers d'insertion recrutent dans l'Est",
        "Emploi et formation",
        ["insertion"],
        ["CIREST"],
        10,
        Publication.PUBLISHED,
        False,
        "Espaces verts, maraîchage, rénovation du bâti : des postes en contrat à durée déterminée d'insertion sont "
        "ouverts à Saint-Benoît et Saint-André.",
        "<p>Les candidatures passent par France Travail ou directement auprès des structures.</p>",
    ),
    (
        "Économie circulaire : la filière du réemploi se structure",
        "Territoires",
        ["économie circulaire"],
        ["CIVIS", "97416"],
        18,
        Publication.PUBLISHED,
        False,
        "Ressourceries, recycleries et ateliers vélo se regroupent pour mutualiser la collecte et la vente.",
        "<p>Huit structures du Sud ont signé une charte commune.</p>",
    ),
    (
        "Appel à projets « ESS et jeunesse » : dépôt jusqu'au 31 janvier",
        "Entreprendre",
        ["jeunesse", "financement"],
        [],
        25,
        Publication.PUBLISHED,
        False,
        "Jusqu'à 15 000 € pour les projets portés par ou pour les 16-30 ans.",
        "<p>Le dossier se dépose en ligne ; la CRESS accompagne les candidats qui le souhaitent.</p>",
    ),
    (
        "Bilan de l'observatoire : l'ESS en chiffres en 2026",
        "Vie de la CRESS",
        [],
        [],
        -5,
        Publication.PUBLISHED,
        False,
        "Programmée : la publication des chiffres clés de l'observatoire régional.",
        "<p>Article programmé : il n'apparaît qu'à sa date de publication.</p>",
    ),
    (
        "Brouillon — Assemblée générale de la CRESS",
        "Vie de la CRESS",
        [],
        [],
        0,
        Publication.DRAFT,
        False,
        "Brouillon en cours de rédaction.",
        "<p>Ce brouillon n'est jamais visible du public.</p>",
    ),
]

# title, kind, day offset, start hour, duration hours, commune code (None: online), address, online, organiser
EVENTS = [
    ("Forum de l'ESS de Saint-Denis", EventKind.MOIS_ESS, -20, 9, 8, "97411", "Parc des expositions", False,
     "Lakour Solidaire"),
    ("Portes ouvertes des ressourceries du Sud", EventKind.MOIS_ESS, -12, 8, 5, "97416", "30 chemin du Centre", False,
     "Ressourcerie Lespas Recyclage"),
    ("Soirée de clôture du Mois de l'ESS", EventKind.MOIS_ESS, -1, 18, 3, "97407", "Halle des manifestations", False,
     ""),
    ("Atelier « Créer une SCIC »", EventKind.MEETING, 5, 14, 3, "97415", "Maison de l'entreprise", False,
     "SCIC Énergie Soleil Sud"),
    ("Webinaire : financer son projet ESS", EventKind.WEBINAR, 9, 12, 1, None, "", True, ""),
    ("Formation « Gouvernance associative »", EventKind.TRAINING, 14, 8, 7, "97410", "21 rue Amiral Bouvet", False,
     "Kaz Initiatives Est — incubateur ESS"),
    ("Forum emploi et insertion de l'Est", EventKind.FORUM, 21, 8, 9, "97409", "Gymnase municipal", False, ""),
    ("Rencontre des coopératives agricoles", EventKind.MEETING, 35, 9, 4, "97424", "Salle polyvalente", False,
     "Coopérative Ti Kaz Bio"),
]  # fmt: skip


@transaction.atomic
def seed_news_and_events() -> dict:
    if NewsArticle.objects.exists() or Event.objects.exists():
        return {"news": 0, "events": 0}
    categories = {name: NewsCategory.objects.create(name=name, slug=slugify(name)) for name in CATEGORIES}
    tags = {name: Tag.objects.create(name=name, slug=slugify(name)) for name in TAGS}
    territories = Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE])
    by_key = {t.short_name or t.code: t for t in territories} | {t.code: t for t in territories}
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[e[8] for e in EVENTS if e[8]])}
    now = timezone.now()
    for title, category, tag_names, places, days_ago, status, featured, summary, body in NEWS:
        article = NewsArticle.objects.create(
            title=title,
            slug=slugify(title)[:200],
            summary=summary,
            body=body,
            category=categories[category],
            status=status,
            publish_at=now - timedelta(days=days_ago, hours=3),
            featured=featured,
        )
        # As if written on its publication day (no « mis à jour » on every demo item).
        NewsArticle.objects.filter(pk=article.pk).update(updated_at=article.publish_at)
        article.tags.set([tags[name] for name in tag_names])
        article.territories.set([by_key[key] for key in places])
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    for title, kind, offset, hour, hours, commune, address, online, organiser in EVENTS:
        starts = datetime.combine(today + timedelta(days=offset), time(hour), tzinfo=tz)
        Event.objects.create(
            title=title,
            slug=slugify(title)[:200],
            kind=kind,
            summary=f"{title} : un rendez-vous ouvert à toutes et à tous, gratuit, pour découvrir l'ESS à La Réunion.",
            body="<p>Programme détaillé et intervenants annoncés prochainement.</p>",
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            commune=by_key.get(commune) if commune else None,
            address=address,
            online_url="https://visio.example.re/ess-financement" if online else "",
            organiser=organisations.get(organiser),
            organiser_name="" if organiser else "CRESS La Réunion",
            registration_url="https://inscriptions.example.re/" + slugify(title) if offset > 0 else "",
            capacity=60 if offset > 0 and not online else None,
            status=Publication.PUBLISHED,
            publish_at=now - timedelta(days=40),
        )
    return {"news": len(NEWS), "events": len(EVENTS), "newsletter": _seed_sent_issue(now)}


def _seed_sent_issue(now) -> int:
    """A newsletter already sent to three demo subscribers (no mail goes out: the rows say so)."""
    subscribers = [
        Subscriber.objects.create(
            email=f"lecteur{index}@demo.ess-reunion.re",
            status=Subscriber.Status.CONFIRMED,
            themes=themes,
            consent_text="Démonstration",
            consent_at=now - timedelta(days=60),
            confirmed_at=now - timedelta(days=60),
        )
        for index, themes in enumerate([[], ["agenda"], ["entreprendre", "emploi-formation"]], start=1)
    ]
    issue = NewsletterIssue.objects.create(
        subject="La lettre de l'ESS — novembre",
        intro="<p>Le Mois de l'ESS bat son plein : forums, portes ouvertes et ateliers partout dans l'île.</p>",
        status=NewsletterIssue.Status.SENT,
        send_started_at=now - timedelta(days=20),
        sent_at=now - timedelta(days=20),
    )
    issue.news.set(NewsArticle.objects.visible()[:3])
    issue.events.set(Event.objects.visible().order_by("starts_at")[:3])
    Delivery.objects.bulk_create(
        Delivery(issue=issue, subscriber=s, status=Delivery.Status.SENT, attempts=1, sent_at=issue.sent_at)
        for s in subscribers
    )
    return 1
