from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from lib import intake_kinds
from lib.dates import french_date, french_datetime
from lib.legal_form_kinds import LegalFormKind
from lib.workflow import TransitionLog
from referentiels.models import LegalForm, NafActivity, NafSection, ProjectStage, Territory, TerritoryKind

Stage = ProjectStage  # the directory's support structures declare the same stages


class Need(models.TextChoices):
    INFORMATION = "information", "Information"
    STATUS = "statut", "Choix du statut"
    FUNDING = "financement", "Financement"
    ONE_OFF = "ponctuel", "Accompagnement ponctuel"
    FULL = "global", "Accompagnement global"
    TRAINING = "formation", "Formation"
    EMPLOYMENT = "emploi", "Emploi"


def need_choices() -> list[tuple[str, str]]:
    """The needs a request may carry: the intake's own, then the kinds of request other
    areas register (lib.intake_kinds: « Je souhaite travailler dans l'ESS »…)."""
    return [*Need.choices, *intake_kinds.choices()]


# The common forms that are exactly one INSEE catégorie juridique. The others depend on a
# choice the holder may not have made (a SCOP or a SCIC may be a SARL, an SA or an SAS).
LEGAL_FORM_KIND_CODES = {
    LegalFormKind.ASSOCIATION: "9220",
    LegalFormKind.FONDATION: "9300",
    LegalFormKind.MUTUELLE: "8210",
}
COOPERATIVE_KINDS = {LegalFormKind.SCOP, LegalFormKind.SCIC, LegalFormKind.CAE}


# The words of the consent (accueil/forms.py CONSENT_TEXT) by which a holder agrees that the
# structures the request is oriented to receive its documents. A request keeps the consent
# text accepted when it was filed: one accepted before these words were added shares no
# document with the structures.
DOCUMENT_SHARING_CONSENT = "avec les documents que j'y joins"


class IntakeRequest(models.Model):
    """A project holder's request for support: the heart of Action 5 (Accueil)."""

    class Status(models.TextChoices):
        NEW = "nouvelle", "Nouvelle"
        QUALIFYING = "qualification", "En qualification"
        WAITING = "attente_infos", "En attente d'informations"
        ORIENTED = "orientee", "Orientée"
        FOLLOW_UP = "suivi", "En suivi"
        CLOSED = "cloturee", "Clôturée"
        DUPLICATE = "doublon", "Doublon"
        WITHDRAWN = "retiree", "Retirée par le porteur"

    class Outcome(models.TextChoices):
        CREATED = "projet_cree", "Projet créé"
        ABANDONED = "abandon", "Abandon"
        REORIENTED = "reoriente", "Réorienté"
        NO_FOLLOW_UP = "sans_suite", "Sans suite"

    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    # The person
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune de résidence",
    )
    # The project
    title = models.CharField("titre du projet", max_length=200)
    description = models.TextField("description du projet", max_length=5000)
    sector = models.ForeignKey(
        NafSection, on_delete=models.PROTECT, null=True, blank=True, verbose_name="secteur d'activité"
    )
    naf_activity = models.ForeignKey(
        NafActivity, on_delete=models.PROTECT, null=True, blank=True, verbose_name="activité précise (NAF)"
    )
    activity_commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune d'activité",
    )
    stage = models.CharField("stade du projet", max_length=20, choices=Stage.choices)
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="forme juridique envisagée ou existante",
    )
    legal_form_kind = models.CharField(
        "forme juridique (réponse du porteur)",
        max_length=30,
        choices=LegalFormKind.choices,
        default=LegalFormKind.UNKNOWN,
    )
    siret = models.CharField("SIRET", max_length=14, blank=True)
    needs = models.JSONField("besoins", default=list)
    guide_summary = models.CharField("résultat du guide des statuts", max_length=500, blank=True)
    # Consent: the exact text accepted and when.
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    # Workflow
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField("issue", max_length=20, choices=Outcome.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        limit_choices_to={"is_staff": True},
        verbose_name="chargé·e d'accueil",
    )
    created_at = models.DateTimeField("déposée le", default=timezone.now)
    last_activity_at = models.DateTimeField("dernière action", default=timezone.now, db_index=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    # Staff search: reference, names, email and title, lower-case without accents, kept by a
    # PostgreSQL trigger (migration 0005) and searched through a trigram index.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = "demande d'accompagnement"
        verbose_name_plural = "demandes d'accompagnement"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["cloturee"]) | models.Q(outcome=""),
                name="accueil_outcome_only_when_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="accueil_siret_14_digits",
            ),
            # A form « from the INSEE list » names one; « not known yet » names none.
            models.CheckConstraint(
                condition=~models.Q(legal_form_kind="insee", legal_form__isnull=True)
                & ~models.Q(legal_form_kind="inconnue", legal_form__isnull=False),
                name="accueil_legal_form_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="accueil_request_email_idx"),
            # Duplicate detection and the renewal of tracking links compare emails case-insensitively.
            models.Index(Upper("email"), name="accueil_request_email_ci_idx"),
            # The staff list: newest first (the admin adds the primary key to the ordering),
            # on the whole table or within a state.
            models.Index(fields=["-created_at", "-id"], name="accueil_request_newest_idx"),
            models.Index(fields=["status", "-created_at", "-id"], include=["stage"], name="accueil_request_state_idx"),
            models.Index(fields=["commune", "created_at"], name="accueil_request_commune_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def legal_form_answer(self) -> str:
        """The legal form in the holder's words, or the INSEE form picked from the list."""
        if self.legal_form_kind == LegalFormKind.LISTED and self.legal_form_id:
            return self.legal_form.label
        return self.get_legal_form_kind_display()

    @property
    def shares_documents(self) -> bool:
        """Whether the holder agreed that the structures it is oriented to get its documents."""
        return DOCUMENT_SHARING_CONSENT in self.consent_text

    @property
    def is_cooperative(self) -> bool:
        if self.legal_form_kind in COOPERATIVE_KINDS:
            return True
        return bool(self.legal_form_id) and self.legal_form.family == "cooperative"

    def get_needs_display(self) -> list[str]:
        labels = dict(need_choices())
        return [labels.get(need, need) for need in self.needs]


class RequestTransition(TransitionLog):
    subject = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="transitions")
    # Shown to the holder on the tracking page when set; internal otherwise.
    public_note = models.CharField("message au porteur", max_length=500, blank=True)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une demande"
        verbose_name_plural = "journal des demandes"

    @property
    def to_state_label(self) -> str:
        return IntakeRequest.Status(self.to_state).label


class RequestAssignment(models.Model):
    """Who took a request or handed it to whom, and when: the history of `assigned_to`."""

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="assignments")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="attribuée à"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "attribution d'une demande"
        verbose_name_plural = "attributions"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Attribution du {french_datetime(self.created_at)}"


class RequestErasure(models.Model):
    """The audit trail of an erasure (right to erasure, RGPD): who, when, why, which
    reference. It holds no personal data; the request itself stays, anonymised, so that
    the figures still count it."""

    request = models.ForeignKey(
        IntakeRequest,
        on_delete=models.SET_NULL,
        null=True,
        related_name="erasures",
        verbose_name="demande",
    )
    reference = models.CharField("référence", max_length=20)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="effacée par"
    )
    erased_at = models.DateTimeField("effacée le", default=timezone.now)
    reason = models.TextField("motif", max_length=2000)
    documents_deleted = models.PositiveIntegerField("documents supprimés", default=0)

    class Meta:
        verbose_name = "effacement d'une demande"
        verbose_name_plural = "effacements de demandes (RGPD)"
        ordering = ["-erased_at"]

    def __str__(self):
        return f"Effacement de {self.reference} le {french_date(self.erased_at)}"


def attachment_path(instance, filename):
    # The stored name never reuses the uploaded one (no path tricks, no personal data in paths).
    return f"accueil/{instance.request_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=attachment_path)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField("nom d'origine", max_length=200)
    content_type = models.CharField("type détecté", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    added_by_holder = models.BooleanField("ajouté par le porteur", default=True)
    # Sent by the holder from the tracking page after filing (not with the request): the
    # staff owe a look at it (see selectors.awaiting_staff_answer).
    added_later = models.BooleanField("ajouté après le dépôt", default=False)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class ParticipantProfile(models.Model):
    """Optional FSE+ participant data, asked for the funder's indicators; refusable."""

    class Sex(models.TextChoices):
        WOMAN = "femme", "Femme"
        MAN = "homme", "Homme"
        OTHER = "autre", "Autre ou ne se prononce pas"

    class AgeBand(models.TextChoices):
        UNDER_25 = "moins_25", "Moins de 25 ans"
        FROM_25_TO_54 = "25_54", "25 à 54 ans"
        OVER_54 = "plus_54", "55 ans et plus"

    class Employment(models.TextChoices):
        EMPLOYED = "emploi", "En emploi (salarié·e ou indépendant·e)"
        UNEMPLOYED = "chomage", "Demandeur·se d'emploi"
        LONG_TERM = "chomage_longue_duree", "Demandeur·se d'emploi depuis plus d'un an"
        INACTIVE = "inactif", "Sans emploi et n'en cherchant pas (études, retraite…)"

    class Education(models.TextChoices):
        ISCED_0_2 = "cite_0_2", "Jusqu'au brevet (CITE 0 à 2)"
        ISCED_3_4 = "cite_3_4", "CAP, BEP, baccalauréat (CITE 3 et 4)"
        ISCED_5_8 = "cite_5_8", "Études supérieures (CITE 5 à 8)"

    request = models.OneToOneField(IntakeRequest, on_delete=models.CASCADE, related_name="participant")
    sex = models.CharField("sexe", max_length=10, choices=Sex.choices, blank=True)
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices, blank=True)
    employment = models.CharField("situation professionnelle", max_length=30, choices=Employment.choices, blank=True)
    education = models.CharField("niveau d'études", max_length=10, choices=Education.choices, blank=True)
    disadvantaged = models.BooleanField("situation de désavantage déclarée", null=True, blank=True)

    class Meta:
        verbose_name = "données participant FSE"
        verbose_name_plural = "données participants FSE"

    def __str__(self):
        return f"Participant — {self.request.reference}"


class Message(models.Model):
    """One message of a request's conversation: who wrote it and who may read it.

    A request has one conversation between the holder, the CRESS staff and each structure
    it is oriented to. The staff read every message; the holder reads the `HOLDER` and
    `PARTNER_HOLDER` ones; a structure reads the `PARTNER_HOLDER` and `PARTNER_STAFF`
    messages of its own orientation (its thread), never another structure's.
    """

    class Author(models.TextChoices):
        STAFF = "equipe", "Équipe de la CRESS"
        HOLDER = "porteur", "Porteur de projet"
        PARTNER = "partenaire", "Structure d'accompagnement"

    class Audience(models.TextChoices):
        HOLDER = "porteur", "Le porteur et la CRESS"
        PARTNER_HOLDER = "structure_porteur", "Le porteur, la structure et la CRESS"
        PARTNER_STAFF = "structure_equipe", "La structure et la CRESS"

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="messages")
    # The structure's thread this message belongs to (none for holder ↔ staff messages).
    orientation = models.ForeignKey(
        "Orientation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name="fil de la structure",
    )
    audience = models.CharField("lu par", max_length=20, choices=Audience.choices, default=Audience.HOLDER)
    author_kind = models.CharField("auteur", max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The structure's or staff member's name when it was written (the author may leave).
    author_name = models.CharField("signé", max_length=255, blank=True)
    body = models.TextField("message", max_length=5000)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(audience="porteur") & models.Q(orientation__isnull=True))
                | (~models.Q(audience="porteur") & models.Q(orientation__isnull=False)),
                name="accueil_message_thread_matches_audience",
            ),
            models.CheckConstraint(
                condition=~models.Q(author_kind="partenaire") | models.Q(orientation__isnull=False),
                name="accueil_message_partner_in_its_thread",
            ),
        ]
        indexes = [models.Index(fields=["request", "created_at"], name="accueil_message_request_idx")]

    def __str__(self):
        return f"{self.get_author_kind_display()} — {french_datetime(self.created_at)}"

    @property
    def structure_name(self) -> str:
        return self.orientation.organisation.name if self.orientation_id else ""

    @property
    def author_label(self) -> str:
        """Who wrote it, as every reader sees it."""
        if self.author_kind == self.Author.PARTNER:
            return self.author_name or self.structure_name
        if self.author_kind == self.Author.STAFF:
            return "L'équipe de la CRESS"
        return "Le porteur du projet"

    @property
    def readers_label(self) -> str:
        """Who reads it, named (« le porteur, Kaz Initiatives et la CRESS »), as staff see it."""
        return self.readers_for("equipe")

    @property
    def readers_for_holder(self) -> str:
        return self.readers_for("porteur")

    @property
    def readers_for_structure(self) -> str:
        return self.readers_for("structure")

    def readers_for(self, reader: str) -> str:
        """Who reads it, told to `reader` (porteur, structure or equipe), who is « vous »."""
        holder = "vous" if reader == "porteur" else "le porteur"
        structure = "vous" if reader == "structure" else self.structure_name
        if self.audience == self.Audience.PARTNER_HOLDER:
            return f"{holder}, {structure} et la CRESS"
        if self.audience == self.Audience.PARTNER_STAFF:
            return f"{structure} et la CRESS"
        return f"{holder} et la CRESS"


class InternalNote(models.Model):
    """A staff note on a request: never shown to the holder."""

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur"
    )
    body = models.TextField("note interne", max_length=5000)
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "note interne"
        verbose_name_plural = "notes internes"
        ordering = ["created_at"]

    def __str__(self):
        return f"Note du {french_datetime(self.created_at)}"


class Orientation(models.Model):
    """A request sent to a support structure of the directory, with its own workflow."""

    class Status(models.TextChoices):
        PROPOSED = "proposee", "Proposée"
        SENT = "envoyee", "Envoyée"
        ACCEPTED = "acceptee", "Acceptée"
        REFUSED = "refusee", "Refusée"
        EXPIRED = "expiree", "Expirée"

    class RefusalReason(models.TextChoices):
        OUT_OF_SCOPE = "hors_champ", "Hors de notre champ d'intervention"
        TERRITORY = "territoire", "Hors de notre territoire"
        NO_CAPACITY = "capacite", "Plus de place pour le moment"
        TOO_EARLY = "trop_tot", "Projet pas encore assez avancé"
        OTHER = "autre", "Autre raison"

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="orientations")
    organisation = models.ForeignKey(
        "annuaire.Organisation",
        on_delete=models.PROTECT,
        related_name="orientations",
        # What the staff's search offers (the admin's autocomplete): the published records.
        limit_choices_to={"is_published": True},
        verbose_name="structure",
    )
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PROPOSED)
    why = models.TextField("pourquoi cette structure", blank=True)
    refusal_reason = models.CharField("motif du refus", max_length=20, choices=RefusalReason.choices, blank=True)
    partner_message = models.TextField("message de la structure", blank=True, max_length=3000)
    outcome_report = models.TextField("suite donnée (compte rendu)", blank=True, max_length=3000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="orientée par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    reminded_at = models.DateTimeField("relance le", null=True, blank=True)

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="accueil_orientation_unique"),
            models.CheckConstraint(
                condition=models.Q(status="refusee") | models.Q(refusal_reason=""),
                name="accueil_orientation_reason_only_when_refused",
            ),
        ]

    def __str__(self):
        return f"{self.request.reference} → {self.organisation}"


class OrientationTransition(TransitionLog):
    subject = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une orientation"
        verbose_name_plural = "journal des orientations"


class DocumentDownload(models.Model):
    """One download of a holder's document by a structure the request is oriented to: which
    orientation (so which structure), which document, who (the signed-in member, or the
    structure's private link) and when. The staff read it; the structure sees its own."""

    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="downloads", verbose_name="orientation"
    )
    # The document may be deleted later (retention, erasure): the download stays counted.
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, related_name="downloads", verbose_name="document"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="membre connecté·e",
        help_text="Vide : téléchargé par le lien privé envoyé à la structure.",
    )
    downloaded_at = models.DateTimeField("téléchargé le", default=timezone.now)

    class Meta:
        verbose_name = "téléchargement d'un document"
        verbose_name_plural = "téléchargements de documents"
        ordering = ["-downloaded_at"]
        indexes = [models.Index(fields=["orientation", "-downloaded_at"], name="accueil_download_orient_idx")]

    def __str__(self):
        return f"Téléchargement du {self.downloaded_at:%d/%m/%Y}"


class RequestReference(models.Model):
    """A record of another action suggested to the holder (a financial tool…), pointed to by
    a generic reference (lib.references: the source's name and the record's key) with its
    title copied at link time: accueil never imports the app that holds it. Its outcome
    moves only through REFERENCE_WORKFLOW (accueil.references), by staff or by the holder."""

    class Outcome(models.TextChoices):
        PROPOSED = "propose", "Proposé"
        ASKED = "demande", "Demandé"
        OBTAINED = "obtenu", "Obtenu"
        REFUSED = "refuse", "Refusé"

    request = models.ForeignKey(
        IntakeRequest, on_delete=models.CASCADE, related_name="references", verbose_name="demande"
    )
    source = models.CharField("source", max_length=60)
    key = models.CharField("clé", max_length=60)
    title = models.CharField("intitulé (copié à l'ajout)", max_length=200)
    outcome = models.CharField("suite", max_length=12, choices=Outcome.choices, default=Outcome.PROPOSED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté par",
    )
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "suggestion faite au porteur"
        verbose_name_plural = "suggestions faites aux porteurs"
        ordering = ["request", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "source", "key"], name="accueil_reference_once_per_request")
        ]

    def __str__(self):
        return self.title


class RequestReferenceTransition(TransitionLog):
    subject = models.ForeignKey(RequestReference, on_delete=models.CASCADE, related_name="transitions")
    by_holder = models.BooleanField("par le porteur", default=False)

    class Meta(TransitionLog.Meta):
        verbose_name = "suite d'une suggestion"
        verbose_name_plural = "suites des suggestions"
