"""Action 7: financial tools and calls for projects (with saved-search alerts), responsible
purchasing (buyers' needs matched to ESS suppliers, with a funnel per supplier), and the
experiments pipeline.

States move only through the workflows declared in `experimentations.workflows`
(lib.workflow: one log row per change). Private links keep only a hash of their token
(lib.tokens); the token travels in the email alone.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models

from annuaire.models import Organisation
from lib.choices import validate_choice_list
from lib.workflow import TransitionLog
from messagerie.models import SavedSearchAlert
from referentiels.models import EssFamily, LegalForm, NafSection, Territory, TerritoryKind, validate_project_stages

# --- Financial tools and calls for projects ------------------------------------------------------


def validate_families(value):
    validate_choice_list(value, EssFamily.values, "Choisissez des familles de l'ESS dans la liste.")


def validate_purposes(value):
    validate_choice_list(value, Purpose.values, "Choisissez des usages dans la liste.")


def validate_clauses(value):
    validate_choice_list(value, Clause.values, "Choisissez des clauses dans la liste.")


class Instrument(models.TextChoices):
    GRANT = "subvention", "Subvention"
    HONOUR_LOAN = "pret_honneur", "Prêt d'honneur"
    GUARANTEE = "garantie", "Garantie"
    QUASI_EQUITY = "quasi_fonds_propres", "Quasi-fonds propres"
    EQUITY = "fonds_propres", "Fonds propres"
    BANK_LOAN = "pret_bancaire", "Prêt bancaire"
    MICROCREDIT = "microcredit", "Microcrédit"
    SUPPORT = "accompagnement", "Accompagnement (DLA…)"
    PRIZE = "prix", "Prix, trophée"


class Purpose(models.TextChoices):
    """What the money is for: asked by the finder, declared by each tool."""

    START = "demarrage", "Démarrer l'activité"
    INVESTMENT = "investissement", "Investir (matériel, locaux)"
    CASH = "tresorerie", "Renforcer la trésorerie"
    JOBS = "emploi", "Créer ou consolider des emplois"
    INNOVATION = "innovation", "Innover, expérimenter"
    CONSOLIDATION = "consolidation", "Consolider, changer d'échelle"
    ADVICE = "conseil", "Se faire accompagner, conseiller"


class Recurrence(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    ONE_OFF = "ponctuel", "Ponctuel"
    RECURRING = "recurrent", "Récurrent (chaque année)"


class FinancialTool(models.Model):
    """A way to fund or support an ESS project, or a call for projects (`is_call`: it has a
    closing date and time). Published tools are public and open data."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publie", "Publié"
        ARCHIVED = "archive", "Archivé"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="financial_tools",
        verbose_name="porteur du dispositif",
        help_text="Une structure de l'annuaire : France Active Réunion, Initiative, ADIE, Bpifrance, la Région…",
    )
    instrument = models.CharField("instrument", max_length=30, choices=Instrument.choices)
    is_call = models.BooleanField(
        "appel à projets", default=False, help_text="Un appel à projets a une date et une heure de clôture."
    )
    summary = models.CharField("en bref", max_length=300)
    description = models.TextField("présentation", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    conditions = models.TextField("conditions", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    how_to_apply = models.TextField("comment candidater", blank=True)
    apply_url = models.URLField("adresse pour candidater", blank=True)
    stages = models.JSONField(
        "stades de projet", default=list, blank=True, validators=[validate_project_stages], help_text="Vide : tous."
    )
    families = models.JSONField(
        "familles de l'ESS éligibles",
        default=list,
        blank=True,
        validators=[validate_families],
        help_text="Vide : toutes.",
    )
    legal_forms = models.ManyToManyField(
        LegalForm,
        blank=True,
        related_name="+",
        verbose_name="formes juridiques éligibles",
        help_text="Vide : celles des familles choisies (ou toutes).",
    )
    sectors = models.ManyToManyField(
        NafSection, blank=True, related_name="+", verbose_name="secteurs (sections NAF)", help_text="Vide : tous."
    )
    purposes = models.JSONField(
        "pour quoi faire", default=list, blank=True, validators=[validate_purposes], help_text="Vide : tout usage."
    )
    territories = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="+",
        verbose_name="territoires couverts",
        help_text="Vide ou la région : toute La Réunion. Une intercommunalité couvre ses communes.",
    )
    amount_min = models.PositiveIntegerField("montant minimum (€)", null=True, blank=True)
    amount_max = models.PositiveIntegerField("montant maximum (€)", null=True, blank=True)
    recurrence = models.CharField("récurrence", max_length=12, choices=Recurrence.choices, default=Recurrence.PERMANENT)
    opens_on = models.DateField("ouverture", null=True, blank=True)
    closes_at = models.DateTimeField(
        "clôture", null=True, blank=True, help_text="Date et heure (heure de La Réunion) ; obligatoire pour un appel."
    )
    budget_exhausted = models.BooleanField("budget épuisé", default=False)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # French full text without accents, kept by a database trigger (migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "outil financier"
        verbose_name_plural = "outils financiers et appels à projets"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_min__lte=models.F("amount_max")),
                name="experimentations_tool_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(is_call=False) | models.Q(closes_at__isnull=False),
                name="experimentations_call_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="experimentations_tool_live")]

    def __str__(self):
        return self.name


class FinancialToolTransition(TransitionLog):
    subject = models.ForeignKey(FinancialTool, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'un outil financier"
        verbose_name_plural = "changements d'état des outils financiers"


class ToolAlert(SavedSearchAlert):
    """A saved search of the tools list or the finder, with an email: after a double opt-in,
    new matching tools and calls daily or weekly, and the deadlines of the calls it follows."""

    tool = models.ForeignKey(
        FinancialTool,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name="appel suivi",
        help_text="Pour suivre un seul appel à projets : ses rappels avant la clôture.",
    )

    class Meta(SavedSearchAlert.Meta):
        verbose_name = "alerte sur les financements"
        verbose_name_plural = "alertes sur les financements"
        indexes = [models.Index(fields=["email"], name="experimentations_alert_email")]


class AlertDelivery(models.Model):
    """One tool sent once to one alert, for one reason: each alert is sent once."""

    class Kind(models.TextChoices):
        NEW = "nouveau", "Nouveauté"
        DEADLINE_30 = "j30", "Clôture dans 30 jours"
        DEADLINE_7 = "j7", "Clôture dans 7 jours"

    alert = models.ForeignKey(ToolAlert, on_delete=models.CASCADE, related_name="deliveries", verbose_name="alerte")
    tool = models.ForeignKey(FinancialTool, on_delete=models.CASCADE, related_name="+", verbose_name="outil")
    kind = models.CharField("motif", max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi d'une alerte"
        verbose_name_plural = "envois des alertes"
        constraints = [
            models.UniqueConstraint(fields=["alert", "tool", "kind"], name="experimentations_alert_sent_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.tool_id}"


# --- Responsible purchasing ----------------------------------------------------------------------


class BuyerKind(models.TextChoices):
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    PUBLIC_BODY = "etablissement_public", "Établissement public"
    COMPANY = "entreprise", "Entreprise"
    ESS = "structure_ess", "Structure de l'ESS"


class NeedKind(models.TextChoices):
    PUBLIC_TENDER = "marche_public", "Marché public"
    QUOTE = "devis", "Demande de devis"
    SOURCING = "sourcing", "Sourcing (connaître l'offre)"


class Clause(models.TextChoices):
    INSERTION = "insertion", "Clause d'insertion"
    RESERVED = "reserve", "Marché réservé (ESAT, EA, SIAE, ESS)"
    ENVIRONMENT = "environnement", "Clause environnementale"
    LOCAL = "circuit_court", "Circuit court, production locale"


class Need(models.Model):
    """A buyer's need, posted online: checked by staff, then sent in batches to matching ESS
    suppliers of the directory, whose answers the buyer reads on a private page."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SUBMITTED = "soumis", "Soumis"
        CHANGES = "modification", "Modification demandée"
        VALIDATED = "valide", "Validé"
        SENT = "envoye", "Envoyé aux fournisseurs"
        REFUSED = "refuse", "Refusé"
        CLOSED = "clos", "Clos"

    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    # The buyer.
    buyer_kind = models.CharField("type d'acheteur", max_length=30, choices=BuyerKind.choices)
    buyer_name = models.CharField(
        "acheteur", max_length=200, help_text="La collectivité, l'établissement, l'entreprise."
    )
    buyer_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="acheteur dans l'annuaire",
    )
    contact_name = models.CharField("nom du contact", max_length=150)
    contact_email = models.EmailField("adresse du contact")
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchase_needs",
        verbose_name="compte de l'acheteur",
    )
    # The need.
    kind = models.CharField("nature", max_length=20, choices=NeedKind.choices)
    title = models.CharField("objet", max_length=200)
    description = models.TextField("description", help_text="Texte enrichi, nettoyé à l'enregistrement.")
    sectors = models.ManyToManyField(NafSection, related_name="+", verbose_name="secteurs (sections NAF)")
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="lieu d'exécution",
    )
    territories = models.ManyToManyField(
        Territory, blank=True, related_name="+", verbose_name="territoires concernés", help_text="Vide : la commune."
    )
    budget_min = models.PositiveIntegerField("budget minimum (€ HT)", null=True, blank=True)
    budget_max = models.PositiveIntegerField("budget maximum (€ HT)", null=True, blank=True)
    starts_on = models.DateField("début de la prestation", null=True, blank=True)
    ends_on = models.DateField("fin de la prestation", null=True, blank=True)
    answer_deadline = models.DateTimeField("date limite de réponse")
    clauses = models.JSONField(
        "clauses sociales ou environnementales", default=list, blank=True, validators=[validate_clauses]
    )
    clauses_detail = models.TextField("précisions sur les clauses", blank=True, max_length=2000)
    how_to_answer = models.TextField("comment répondre", max_length=2000)
    wanted_answers = models.PositiveSmallIntegerField(
        "réponses souhaitées",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Les envois s'arrêtent quand autant de fournisseurs sont intéressés.",
    )
    status = models.CharField("état", max_length=14, choices=Status.choices, default=Status.DRAFT)
    refusal_reason = models.TextField("motif du refus", blank=True)
    changes_requested = models.TextField("modifications demandées", blank=True)
    changes_requested_at = models.DateTimeField("modification demandée le", null=True, blank=True)
    # The buyer's private page opens with links of messagerie.links (hashed, with an end),
    # made when each email leaves (experimentations.needs.NEED_LINK).
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True)
    sent_at = models.DateTimeField("premier envoi le", null=True, blank=True)
    # The survey 7 days after the deadline.
    survey_sent_at = models.DateTimeField("enquête envoyée le", null=True, blank=True)
    survey_answered_at = models.DateTimeField("enquête répondue le", null=True, blank=True)
    deal_made = models.BooleanField("marché conclu avec l'ESS", null=True, blank=True)
    deal_amount = models.PositiveIntegerField("montant acheté à l'ESS (€ HT)", null=True, blank=True)
    deal_comment = models.TextField("commentaire de l'acheteur", blank=True, max_length=2000)
    # « Besoins inspirants »: published without the buyer's contact.
    is_inspiring = models.BooleanField("publié parmi les besoins inspirants", default=False)
    inspiring_text = models.TextField(
        "texte publié", blank=True, max_length=2000, help_text="Anonymisé : ni nom de contact, ni coordonnées."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "besoin d'achat"
        verbose_name_plural = "besoins d'achat"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="experimentations_need_budget_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "answer_deadline"], name="experimentations_need_live")]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class NeedTransition(TransitionLog):
    subject = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'un besoin"
        verbose_name_plural = "changements d'état des besoins"


class SupplierMatch(models.Model):
    """One ESS supplier for one need: its rank and reasons from the matching, whether staff
    keep it, then its funnel (emailed → opened → viewed → answered → contact shared)."""

    class Answer(models.TextChoices):
        INTERESTED = "interesse", "Intéressé"
        NOT_INTERESTED = "pas_interesse", "Pas intéressé"

    class NotInterestedReason(models.TextChoices):
        NOT_OUR_TRADE = "metier", "Ce n'est pas notre métier"
        TOO_BIG = "taille", "Trop important pour nous"
        TOO_SMALL = "petit", "Trop petit pour nous"
        NO_CAPACITY = "capacite", "Pas disponibles à ces dates"
        TOO_FAR = "lieu", "Trop loin"
        OTHER = "autre", "Autre raison"

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches", verbose_name="besoin")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="purchase_matches", verbose_name="fournisseur"
    )
    score = models.FloatField("score", default=0)
    reasons = models.JSONField("raisons", default=list, blank=True)
    rank = models.PositiveIntegerField("rang", default=0)
    included = models.BooleanField("retenu pour l'envoi", default=True)
    added_by_staff = models.BooleanField("ajouté par l'équipe", default=False)
    batch = models.PositiveSmallIntegerField("vague d'envoi", null=True, blank=True)
    email = models.EmailField("adresse du fournisseur", blank=True, help_text="Copiée de l'annuaire à l'envoi.")
    token_hash = models.CharField("empreinte du lien privé", max_length=64, blank=True, editable=False)
    emailed_at = models.DateTimeField("envoyé le", null=True, blank=True)
    opened_at = models.DateTimeField("lien ouvert le", null=True, blank=True)
    viewed_at = models.DateTimeField("besoin consulté le", null=True, blank=True)
    answer = models.CharField("réponse", max_length=14, choices=Answer.choices, blank=True)
    not_interested_reason = models.CharField("motif", max_length=10, choices=NotInterestedReason.choices, blank=True)
    message = models.TextField("message à l'acheteur", blank=True, max_length=3000)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    contact_shared_at = models.DateTimeField("contact transmis à l'acheteur le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "fournisseur proposé"
        verbose_name_plural = "fournisseurs proposés"
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "organisation"], name="experimentations_match_once"),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~models.Q(token_hash=""), name="experimentations_match_token"
            ),
            models.CheckConstraint(
                condition=~models.Q(answer="pas_interesse") | ~models.Q(not_interested_reason=""),
                name="experimentations_refusal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} pour {self.need.reference}"


# --- Experiments ---------------------------------------------------------------------------------


class Experiment(models.Model):
    """A new way of developing the ESS tried by the CRESS and its partners, from the idea to
    its spreading (or its end). Staff choose which ones are public."""

    class Stage(models.TextChoices):
        IDEA = "idee", "Idée"
        STUDY = "etude", "Étude"
        TRIAL = "experimentation", "Expérimentation"
        EVALUATION = "evaluation", "Évaluation"
        SPREADING = "essaimage", "Essaimage"
        ABANDONED = "abandon", "Abandonnée"

    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    summary = models.CharField("en bref", max_length=300)
    description = models.TextField("présentation", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    stage = models.CharField("étape", max_length=16, choices=Stage.choices, default=Stage.IDEA)
    partners = models.ManyToManyField(Organisation, blank=True, related_name="experiments", verbose_name="partenaires")
    territories = models.ManyToManyField(Territory, blank=True, related_name="+", verbose_name="territoires")
    budget = models.DecimalField("budget (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    results = models.TextField("résultats", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    abandon_reason = models.TextField("motif de l'abandon", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivie par",
        limit_choices_to={"is_staff": True},
    )
    is_public = models.BooleanField("publiée sur le portail", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "expérimentation"
        verbose_name_plural = "expérimentations"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="experimentations_experiment_dates_ordered",
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="experimentations_budget_not_negative"),
        ]

    def __str__(self):
        return self.title


class ExperimentTransition(TransitionLog):
    subject = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'étape d'une expérimentation"
        verbose_name_plural = "changements d'étape des expérimentations"


class ExperimentIndicator(models.Model):
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="indicators", verbose_name="expérimentation"
    )
    name = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=30, blank=True)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "indicateur d'une expérimentation"
        verbose_name_plural = "indicateurs des expérimentations"
        ordering = ["experiment", "pk"]

    def __str__(self):
        return self.name


class ExperimentMeasure(models.Model):
    indicator = models.ForeignKey(
        ExperimentIndicator, on_delete=models.CASCADE, related_name="measures", verbose_name="indicateur"
    )
    measured_on = models.DateField("date de la mesure")
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "mesure d'un indicateur"
        verbose_name_plural = "mesures des indicateurs"
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="experimentations_one_measure_a_day")
        ]

    def __str__(self):
        return f"{self.indicator} au {self.measured_on:%d/%m/%Y}"


def experiment_document_path(document, filename):
    return f"experimentations/documents/{document.experiment_id}/{document.stored_name}"


class ExperimentDocument(models.Model):
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="documents", verbose_name="expérimentation"
    )
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=experiment_document_path, max_length=300)
    stored_name = models.CharField("nom enregistré", max_length=80, editable=False)
    original_name = models.CharField("nom d'origine", max_length=200, editable=False)
    size = models.PositiveIntegerField("taille (octets)", default=0, editable=False)
    is_public = models.BooleanField("public", default=False, help_text="Téléchargeable depuis la page publique.")
    created_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document d'une expérimentation"
        verbose_name_plural = "documents des expérimentations"
        ordering = ["experiment", "-created_at"]

    def __str__(self):
        return self.title
