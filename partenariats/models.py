"""Action 1 (Partenariats): the CRESS's partner bodies, the conventions signed with them,
each party's commitments, the steering committees that follow them, and the yearly figures
published about each partnership.

Invariants kept here or by the database: a partner is one organisation of the directory; a
convention's and a commitment's states move only through `partenariats.workflows` (one log
row per change); a convention ends after it starts; a committee decision points at the
commitment it creates or changes, of the committee's own convention; a published figure is
unique per partner, year and label. Files (signed conventions, amendments, deliverables,
logos) are never served from MEDIA_URL: private files go through permission-checked views.
"""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from annuaire.models import Organisation
from lib.dates import french_date
from lib.workflow import TransitionLog
from referentiels.models import Territory


def _stored_name(folder: str, filename: str) -> str:
    # The stored name never reuses the uploaded one (no path tricks, no personal data in paths).
    return f"partenariats/{folder}/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()[:8]}"


def logo_path(instance, filename):
    return _stored_name("logos", filename)


def convention_path(instance, filename):
    return _stored_name("conventions", filename)


def amendment_path(instance, filename):
    return _stored_name("avenants", filename)


def deliverable_path(instance, filename):
    return _stored_name("livrables", filename)


def minutes_path(instance, filename):
    return _stored_name("comptes-rendus", filename)


class PartnerKind(models.TextChoices):
    CHAMBER = "chambre_consulaire", "Chambre consulaire"
    NETWORK = "reseau", "Réseau de l'ESS"
    EMPLOYMENT = "emploi", "Service public de l'emploi et orientation"
    SOCIAL_PROTECTION = "protection_sociale", "Protection sociale"
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    FUNDER = "financeur", "Financeur"
    SUPPORT = "accompagnement", "Structure d'accompagnement"
    OTHER = "autre", "Autre partenaire"


class Partner(models.Model):
    """An organisation of the directory the CRESS works with under a partnership."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="partner", verbose_name="structure de l'annuaire"
    )
    kind = models.CharField("type de partenaire", max_length=30, choices=PartnerKind.choices)
    public_description = models.TextField(
        "ce que le partenariat apporte",
        max_length=3000,
        help_text="Texte public, en quelques phrases : ce que le partenariat apporte aux acteurs de l'ESS.",
    )
    logo = models.ImageField("logo", upload_to=logo_path, blank=True)
    territories = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="partners",
        verbose_name="territoires d'action",
        help_text="Où le partenaire agit ; vide : toute l'île.",
    )
    staff_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="référent·e à la CRESS",
    )
    is_public = models.BooleanField("affiché sur la page des partenaires", default=True)
    order = models.PositiveSmallIntegerField("ordre d'affichage", default=100)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["order", "organisation__name"]

    def __str__(self):
        return self.organisation.name


class PartnerContact(models.Model):
    """A person to reach at a partner (not necessarily a user of the portal)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name="partenaire")
    name = models.CharField("nom", max_length=150)
    job_title = models.CharField("fonction", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_primary = models.BooleanField("contact principal", default=False)

    class Meta:
        verbose_name = "contact du partenaire"
        verbose_name_plural = "contacts des partenaires"
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return f"{self.name} ({self.partner})"


class Convention(models.Model):
    """A convention between the CRESS and one or more partners, followed until it ends."""

    class Status(models.TextChoices):
        DRAFT = "projet", "Projet"
        SIGNING = "en_signature", "En signature"
        ACTIVE = "en_vigueur", "En vigueur"
        TO_RENEW = "a_renouveler", "À renouveler"
        EXPIRED = "echue", "Échue"
        TERMINATED = "resiliee", "Résiliée"

    reference = models.CharField("référence", max_length=30, unique=True, help_text="Par exemple CONV-2026-003.")
    title = models.CharField("intitulé", max_length=200)
    object = models.TextField("objet", max_length=5000)
    parties = models.ManyToManyField(Partner, related_name="conventions", verbose_name="parties")
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    amount = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    funder = models.CharField("financeur", max_length=200, blank=True, help_text="FSE, Région, partenaire…")
    amount_is_public = models.BooleanField(
        "montant publié", default=False, help_text="Le montant n'apparaît sur la page publique que si coché."
    )
    is_public = models.BooleanField("affichée sur la page des partenaires quand elle est en vigueur", default=True)
    signed_file = models.FileField("convention signée (PDF)", upload_to=convention_path, blank=True)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    termination_reason = models.TextField("motif de résiliation", blank=True, editable=False)
    renewed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renews",
        verbose_name="renouvelée par",
        help_text="La convention qui prend la suite : plus aucun rappel de fin pour celle-ci.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="responsable à la CRESS",
        help_text="Reçoit les rappels avant la fin de la convention.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="partenariats_convention_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"], name="partenariats_conv_status_end")]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def period(self) -> str:
        return f"du {french_date(self.start_date)} au {french_date(self.end_date)}"


class ConventionTransition(TransitionLog):
    subject = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une convention"
        verbose_name_plural = "changements d'état des conventions"


class Amendment(models.Model):
    """An avenant: a signed change to a convention; one that moves the end date moves it on the
    convention too (the service `record_amendment`), so reminders follow the new date."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="amendments", verbose_name="convention"
    )
    number = models.PositiveSmallIntegerField("numéro", validators=[MinValueValidator(1)])
    signed_on = models.DateField("signé le")
    summary = models.TextField("objet de l'avenant", max_length=3000)
    new_end_date = models.DateField("nouvelle date de fin", null=True, blank=True)
    new_amount = models.DecimalField(
        "nouveau montant (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    file = models.FileField("avenant signé (PDF)", upload_to=amendment_path, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="partenariats_amendment_number_unique"),
        ]

    def __str__(self):
        return f"Avenant n° {self.number} à {self.convention.reference}"


class Commitment(models.Model):
    """An engagement of one party of a convention (the CRESS when `party` is empty)."""

    class Status(models.TextChoices):
        TODO = "a_faire", "À faire"
        IN_PROGRESS = "en_cours", "En cours"
        REPORTED = "declare_tenu", "Déclaré tenu, à confirmer"
        DONE = "tenu", "Tenu"
        LATE = "en_retard", "En retard"
        ABANDONED = "abandonne", "Abandonné"

    OPEN_STATES = (Status.TODO, Status.IN_PROGRESS, Status.LATE, Status.REPORTED)

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="commitments", verbose_name="convention"
    )
    party = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name="partie engagée",
        help_text="Vide : la CRESS.",
    )
    title = models.CharField("engagement", max_length=250)
    description = models.TextField("précisions", blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivi par (CRESS)",
        help_text="Reçoit le récapitulatif hebdomadaire des engagements en retard ou proches de l'échéance.",
    )
    due_date = models.DateField("échéance")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.TODO, editable=False)
    metric = models.CharField(
        "chiffre suivi",
        max_length=80,
        blank=True,
        help_text="Un chiffre calculé par le portail (lib.metrics), par exemple les orientations envoyées "
        "vers la structure du partenaire pendant la convention.",
    )
    target = models.PositiveIntegerField("cible", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="partenariats_commit_status_due")]

    def __str__(self):
        return self.title

    @property
    def party_name(self) -> str:
        return str(self.party) if self.party_id else "CRESS La Réunion"


class CommitmentTransition(TransitionLog):
    subject = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'un engagement"
        verbose_name_plural = "changements d'état des engagements"


class Deliverable(models.Model):
    """A document that shows a commitment kept, uploaded by staff or by the partner."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="deliverables", verbose_name="engagement"
    )
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=deliverable_path)
    original_name = models.CharField("nom d'origine", max_length=200, editable=False, blank=True)
    size = models.PositiveIntegerField("taille (octets)", default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
        editable=False,
    )
    by_partner = models.BooleanField("déposé par le partenaire", default=False, editable=False)
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "livrable"
        verbose_name_plural = "livrables"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class Committee(models.Model):
    """A steering or follow-up committee of a convention."""

    class Kind(models.TextChoices):
        STEERING = "copil", "Comité de pilotage"
        FOLLOW_UP = "suivi", "Comité de suivi"
        TECHNICAL = "technique", "Comité technique"

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="committees", verbose_name="convention"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.STEERING)
    held_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=250, blank=True)
    agenda = models.TextField("ordre du jour", max_length=5000, help_text="Un point par ligne.")
    minutes = models.TextField("compte rendu", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    minutes_file = models.FileField("compte rendu (PDF)", upload_to=minutes_path, blank=True, editable=False)
    minutes_sent_at = models.DateTimeField("compte rendu envoyé le", null=True, blank=True, editable=False)
    minutes_version = models.CharField(
        "version du compte rendu (PDF)",
        max_length=64,
        blank=True,
        editable=False,
        help_text="L'empreinte du contenu du PDF enregistré : une correction donne une nouvelle version, "
        "envoyée de nouveau aux participants.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "comité"
        verbose_name_plural = "comités"
        ordering = ["-held_at"]

    def __str__(self):
        return f"{self.get_kind_display()} du {french_date(timezone.localtime(self.held_at).date())}"

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.agenda.splitlines() if line.strip(" -•\t")]


class CommitteeParticipant(models.Model):
    """Someone invited to a committee; the minutes are sent to each one with an email."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="participants", verbose_name="comité"
    )
    name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse électronique", blank=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="partenaire"
    )
    attended = models.BooleanField("présent·e", default=True)

    class Meta:
        verbose_name = "participant·e à un comité"
        verbose_name_plural = "participants aux comités"
        ordering = ["committee", "name"]

    def __str__(self):
        return self.name


class Decision(models.Model):
    """A decision of a committee, which creates a commitment or changes one."""

    class Effect(models.TextChoices):
        CREATES = "cree", "Crée un engagement"
        CHANGES = "modifie", "Modifie un engagement"
        NOTE = "note", "Sans engagement"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="decisions", verbose_name="comité")
    text = models.TextField("décision", max_length=3000)
    effect = models.CharField("effet", max_length=10, choices=Effect.choices, default=Effect.NOTE)
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="engagement créé ou modifié",
    )
    order = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["committee", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class PartnerFigure(models.Model):
    """A yearly figure about a partnership that staff choose to publish (« 120 orientations
    vers la CMA en 2026 »): typed, or computed from a metric of lib.metrics and then frozen."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="figures", verbose_name="partenaire")
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    label = models.CharField("ce que le chiffre compte", max_length=200)
    metric = models.CharField("chiffre calculé", max_length=80, blank=True)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField("unité", max_length=30, blank=True)
    is_published = models.BooleanField("publié", default=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "chiffre publié d'un partenariat"
        verbose_name_plural = "chiffres publiés des partenariats"
        ordering = ["partner", "-year", "label"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year", "label"], name="partenariats_figure_unique"),
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(value__isnull=False),
                name="partenariats_figure_published_has_value",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.year})"


class ConventionMessage(models.Model):
    """The one conversation of a convention (DESIGN.md, « People reaching each other »):
    every message is between the CRESS and the partners of that convention, and each of
    them reads all of it; a partner's member writes from the partner space, staff from the
    convention's admin page."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="messages", verbose_name="convention"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="au nom du partenaire",
        help_text="Vide pour un message de l'équipe de la CRESS.",
    )
    from_staff = models.BooleanField("de l'équipe de la CRESS", default=False)
    body = models.TextField("message", max_length=5000)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message d'une convention"
        verbose_name_plural = "messages des conventions"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["convention", "created_at"], name="partenariats_message_conv")]

    def __str__(self):
        return f"Message du {french_date(timezone.localtime(self.created_at).date())}"

    @property
    def author_label(self) -> str:
        """Who wrote, as every reader of the conversation sees it."""
        if self.from_staff:
            return "Équipe de la CRESS"
        name = (self.author.get_full_name() or self.author.email) if self.author_id else "Un membre"
        return f"{name} ({self.partner})" if self.partner_id else name
