"""Career orientation through the intake (issue 19, point 6): two kinds of request that
`emplois` adds to the intake's needs through `lib.intake_kinds` (accueil never imports this
app). Staff orient them to the career partners of the directory with the intake's partner
private-link flow, unchanged."""

from lib.intake_kinds import IntakeKind, register_intake_kind

# The directory's thematic category of the structures that orient people towards work and
# training (Cité des Métiers, France Travail, missions locales, APEC…).
CAREER_CATEGORIES = frozenset({"formation-et-emploi"})
CAREER_PARTNERS = ("Cité des Métiers", "France Travail", "Mission Locale", "APEC")

WORK_IN_THE_ESS = IntakeKind(
    value="travailler_ess",
    label="Je souhaite travailler dans l'ESS",
    help_text="vous cherchez un emploi, une reconversion ou une mission bénévole dans une association, une "
    "coopérative, une mutuelle ou une fondation ; nous vous orientons vers un conseiller ou une conseillère "
    "emploi et vous présentons les métiers de l'ESS.",
    partner_categories=CAREER_CATEGORIES,
    partner_names=CAREER_PARTNERS,
)
CAREER_IN_THE_ESS = IntakeKind(
    value="carriere_ess",
    label="Évoluer dans ma carrière ESS",
    help_text="vous travaillez déjà dans l'ESS et souhaitez changer de poste, vous former ou faire valider vos "
    "acquis ; nous vous orientons vers un conseil en évolution professionnelle.",
    partner_categories=CAREER_CATEGORIES,
    partner_names=CAREER_PARTNERS,
)
KINDS = (WORK_IN_THE_ESS, CAREER_IN_THE_ESS)


def register_kinds() -> None:
    for kind in KINDS:
        register_intake_kind(kind)
