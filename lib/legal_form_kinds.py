"""The legal form a person has in mind, in their words: the common forms of the ESS,
« not yet known », or a form picked from the INSEE list (then the intake's `legal_form`
says which).

Shared by the intake (`accueil`, which stores it on a request) and the pages that prefill
a request (lib.intake_prefill: the status guide, the self-check « Mon entreprise fait-elle
partie de l'ESS ? »). The values are stored in requests: never rename one.
"""

from django.db import models


class LegalFormKind(models.TextChoices):
    """The values of the ESS forms are the keys of the status guide's suggestions
    (accueil/guide.py), so that the guide's result fills this answer."""

    ASSOCIATION = "association", "Association loi 1901"
    SCOP = "scop", "SCOP (société coopérative et participative)"
    SCIC = "scic", "SCIC (société coopérative d'intérêt collectif)"
    CAE = "cae", "CAE (coopérative d'activité et d'emploi)"
    MUTUELLE = "mutuelle", "Mutuelle"
    FONDATION = "fondation", "Fondation"
    ENDOWMENT = "fonds_dotation", "Fonds de dotation"
    COMMERCIAL = "societe_commerciale", "Société commerciale de l'ESS (SAS, SARL…)"
    UNKNOWN = "inconnue", "Je ne sais pas encore"
    LISTED = "insee", "Une autre forme (liste INSEE)"
