"""Les métiers de l'ESS: families of métiers frequent in the ESS, each with what the work
is, its fiches of France Travail's ROME and the NAF divisions where the observatory counts
its salaried employment. Shipped as data (emplois/data/metiers_ess.csv, loaded by migration
0003) and kept up to date by staff in the admin.

The family's page joins what other areas hold through registries in `lib/`: the trainings
that lead to its métiers (`lib.trainings`), the regional employment figure
(`lib.employment_figures`). It never imports them.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from referentiels.models import RomeFiche

DATA_FILE = Path(__file__).resolve().parent / "data" / "metiers_ess.csv"
NAF_DIVISIONS = re.compile(r"^\d{2}( \d{2})*$")
PUBLISHED_OFFER = "publiee"  # emplois.models.Offer.Status.PUBLISHED (models imports this module)


def validate_naf_divisions(value: str) -> None:
    if not NAF_DIVISIONS.match(value):
        raise ValidationError("Indiquez des divisions NAF de deux chiffres séparées par une espace : « 87 88 ».")


class MetierFamily(models.Model):
    """A family of métiers frequent in the ESS (aide à domicile, animation…)."""

    slug = models.SlugField("identifiant d'adresse", max_length=80, unique=True)
    name = models.CharField("nom", max_length=120)
    order = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    summary = models.CharField("en bref", max_length=300)
    work = models.TextField(
        "en quoi consiste le travail", help_text="Texte simple ; une ligne vide sépare les paragraphes."
    )
    rome_fiches = models.ManyToManyField(RomeFiche, related_name="metier_families", verbose_name="fiches métiers ROME")
    naf_divisions = models.CharField(
        "divisions NAF de l'emploi",
        max_length=100,
        blank=True,
        validators=[validate_naf_divisions],
        help_text="Les activités où l'observatoire compte les salarié·es de ces métiers, en divisions NAF "
        "séparées par une espace : « 87 88 ». Vide : aucun chiffre d'emploi n'est montré.",
    )
    source = models.CharField("source", max_length=300)
    is_published = models.BooleanField("publiée", default=True)

    class Meta:
        app_label = "emplois"
        verbose_name = "famille de métiers de l'ESS"
        verbose_name_plural = "familles de métiers de l'ESS"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emplois:metier", args=[self.slug])

    @property
    def naf_division_codes(self) -> list[str]:
        return self.naf_divisions.split()

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.work.split("\n\n") if part.strip()]


def read_data_file(path: Path = DATA_FILE) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_families(apps, path: Path = DATA_FILE) -> int:
    """Create or update the families of the data file (by slug) with their ROME fiches. A
    code missing from the ROME stops the load: the file and the référentiel disagree."""
    Family = apps.get_model("emplois", "MetierFamily")
    Fiche = apps.get_model("referentiels", "RomeFiche")
    rows = read_data_file(path)
    fiches = dict(Fiche.objects.values_list("code", "pk"))
    for row in rows:
        codes = row["rome_codes"].split()
        missing = [code for code in codes if code not in fiches]
        if missing:
            raise ValueError(f"Unknown ROME codes for {row['slug']}: {', '.join(missing)}")
        family, _created = Family.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "order": int(row["order"]),
                "summary": row["summary"],
                "work": row["work"],
                "naf_divisions": row["naf_divisions"],
                "source": row["source"],
            },
        )
        family.rome_fiches.set([fiches[code] for code in codes])
    return len(rows)


# --- What the pages read ----------------------------------------------------------------------


def published_families():
    """The published families with their fiches and their count of open offers (as the list
    counts them: published and not closed on the local day): two queries."""
    return (
        MetierFamily.objects.filter(is_published=True)
        .annotate(
            open_offers=Count(
                "rome_fiches__job_offers",
                filter=Q(
                    rome_fiches__job_offers__status=PUBLISHED_OFFER,
                    rome_fiches__job_offers__closes_on__gte=timezone.localdate(),
                ),
                distinct=True,
            )
        )
        .prefetch_related(models.Prefetch("rome_fiches", queryset=RomeFiche.objects.order_by("code")))
        .order_by("order", "name")
    )


@dataclass
class FamilyOffers:
    count: int
    newest: list


def open_offers(family: MetierFamily, rome_codes: list[str], *, newest: int = 5) -> FamilyOffers:
    """The open offers of the family's fiches (as the public list counts them: published and
    not closed on the local day): their count and the newest (two queries at most)."""
    from emplois.search import open_offers as listed_offers

    offers = listed_offers().filter(rome__code__in=rome_codes)
    found = list(offers.select_related("organisation", "commune", "rome").order_by("-published_at", "-pk")[:newest])
    count = len(found) if len(found) < newest else offers.count()
    return FamilyOffers(count=count, newest=found)
