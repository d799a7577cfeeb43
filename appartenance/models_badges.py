"""The membership badge (issue 20, point 5): the memberships staff record on directory
organisations, the « ESS status verified » record, and the version that signs each
organisation's badge address (nothing secret is stored: the address is derived)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annuaire.models import Organisation
from lib.workflow import TransitionLog


class MembershipState(models.TextChoices):
    PENDING = "a_regler", "Cotisation à régler"
    PAID = "reglee", "Cotisation réglée"
    WAIVED = "exoneree", "Exonérée de cotisation"
    CANCELLED = "annulee", "Annulée"


# The states that make an organisation a member of the CRESS for the year.
MEMBER_STATES = (MembershipState.PAID, MembershipState.WAIVED)


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cress_memberships", verbose_name="structure"
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    state = models.CharField("état", max_length=10, choices=MembershipState.choices, default=MembershipState.PENDING)
    fee_amount = models.DecimalField("cotisation (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    fee_paid_on = models.DateField("cotisation réglée le", null=True, blank=True)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "adhésion à la CRESS"
        verbose_name_plural = "adhésions à la CRESS"
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="appartenance_membership_one_per_year"),
            models.CheckConstraint(
                condition=~Q(state=MembershipState.PAID) | Q(fee_amount__isnull=False, fee_paid_on__isnull=False),
                name="appartenance_membership_paid_has_fee",
                violation_error_message="Une cotisation réglée a un montant et une date de règlement.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — adhésion {self.year}"


class MembershipTransition(TransitionLog):
    subject = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="transitions", verbose_name="adhésion"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une adhésion"
        verbose_name_plural = "changements d'état des adhésions"


class EssVerification(models.Model):
    """Staff checked that the organisation belongs to the ESS (statutes, ESUS agreement…):
    it gets a badge without being a member."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="ess_verification", verbose_name="structure"
    )
    verified_on = models.DateField("vérifié le", default=timezone.localdate)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifié par",
    )
    note = models.TextField("note", blank=True, max_length=2000, help_text="Pièces vues, agrément ESUS…")

    class Meta:
        verbose_name = "statut ESS vérifié"
        verbose_name_plural = "statuts ESS vérifiés"

    def __str__(self):
        return f"{self.organisation} — statut ESS vérifié le {self.verified_on:%d/%m/%Y}"


class BadgeKey(models.Model):
    """The version signed into an organisation's badge address (appartenance.badges): staff
    « revoke » a badge by raising it, and the older addresses answer « révoqué ». No row
    means version 1."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="badge_key", verbose_name="structure"
    )
    version = models.PositiveIntegerField("version", default=1)
    revoked_at = models.DateTimeField("dernière révocation", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoqué par",
    )

    class Meta:
        verbose_name = "clé de badge"
        verbose_name_plural = "clés de badge"

    def __str__(self):
        return f"{self.organisation} — badge version {self.version}"
