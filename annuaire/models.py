from django.core.validators import RegexValidator
from django.db import models

from referentiels.models import LegalForm, Territory, TerritoryKind
from referentiels.validators import validate_siret

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$",
    "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets).",
)


class Organisation(models.Model):
    """An organisation of the ESS directory, shared by every action of the portal."""

    name = models.CharField("nom", max_length=255)
    slug = models.SlugField("identifiant d'adresse", max_length=255, unique=True)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, vérifiés par la clé de Luhn.",
    )
    legal_form = models.ForeignKey(
        LegalForm, on_delete=models.PROTECT, null=True, blank=True, verbose_name="forme juridique"
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune",
    )
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[phone_validator])
    website = models.URLField("site internet", blank=True)
    is_published = models.BooleanField("publiée dans l'annuaire", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="annuaire_organisation_siret_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="annuaire_organisation_siret_14_digits",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def siren(self) -> str:
        return self.siret[:9]
