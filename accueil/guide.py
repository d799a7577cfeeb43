"""The status guide: « Quel statut pour mon projet ? ».

Pure rules, no database: the answers to a short questionnaire give, for each legal form
of the ESS, the reasons it fits and the reasons it does not. A form is suggested when it
fits every hard condition; suggestions are ranked by how many answers speak for them.
The explanations are general information, not legal advice: the guide says so.
"""

from dataclasses import dataclass, field

from django.db import models

# The questionnaire's answers, shared by the form (accueil/forms.py) and the rules below.


class Purpose(models.TextChoices):
    SOCIAL = "social", "Servir l'intérêt général ou une utilité sociale, sans but lucratif"
    MIXED = "mixed", "Mener une activité économique qui a une utilité sociale"
    PROFIT = "profit", "Développer une activité rentable pour ses associés"


class ProfitSharing(models.TextChoices):
    NONE = "none", "Ils restent entièrement dans le projet"
    LIMITED = "limited", "La plus grande partie est réinvestie, une part peut revenir aux associés ou salariés"
    FREE = "free", "Ils reviennent librement aux associés"


class Governance(models.TextChoices):
    DEMOCRATIC = "democratic", "Ensemble : une personne, une voix"
    CAPITAL = "capital", "Selon le capital apporté par chacun"
    FOUNDER = "founder", "Le fondateur ou la fondatrice décide"


class Founders(models.TextChoices):
    ONE = "one", "Seul·e"
    TWO = "two", "Deux"
    THREE_PLUS = "three_plus", "Trois ou plus"


class Activity(models.TextChoices):
    MARKET = "market", "Oui, c'est l'essentiel des ressources"
    MIXED = "mixed", "En partie, avec aussi des subventions, cotisations ou dons"
    NON_MARKET = "non_market", "Non, ou très peu"


@dataclass
class Answers:
    purpose: Purpose
    profit_sharing: ProfitSharing
    governance: Governance
    founders: Founders
    activity: Activity
    founders_employed: bool  # the founders want to be employees of the structure
    capital: bool  # the founders can bring capital
    stakeholders: bool  # associate several kinds of partners (employees, users, local authorities…)
    endowment: bool  # an endowment given irrevocably to a cause
    mutual_protection: bool  # protect members against risks (health, provident) by pooling contributions


@dataclass
class Suggestion:
    key: str
    name: str
    summary: str
    legal_form_code: str  # INSEE code carried into the intake request
    reasons: list[str] = field(default_factory=list)  # what speaks for this form
    cautions: list[str] = field(default_factory=list)  # what to look at, without ruling it out
    rejections: list[str] = field(default_factory=list)  # why it does not fit, shown to the person

    @property
    def fits(self) -> bool:
        """A form fits unless it was rejected, and a rejection always says why (reject())."""
        return not self.rejections

    @property
    def score(self) -> int:
        return len(self.reasons) - len(self.cautions)

    def reject(self, reason: str) -> None:
        """The one way to rule this form out: with the reason the result page shows."""
        if not reason.strip():
            raise ValueError("A rejection needs its reason.")
        self.rejections.append(reason)

    def require(self, condition: bool, reason: str, rejection: str) -> None:
        """A condition of this form: met, it is a reason; not met, the form is rejected."""
        if condition:
            self.reasons.append(reason)
        else:
            self.reject(rejection)


def _association(a: Answers) -> Suggestion:
    s = Suggestion(
        "association",
        "Association (loi 1901)",
        "Au moins deux personnes mettent en commun leurs connaissances ou leur activité dans un but autre que le "
        "partage de bénéfices. Elle peut vendre des biens ou des services et employer des salariés.",
        "9220",
    )
    s.require(
        a.profit_sharing == ProfitSharing.NONE,
        "Vous ne souhaitez pas partager de bénéfices : c'est le principe de l'association.",
        "Une association ne peut pas distribuer de bénéfices à ses membres.",
    )
    if a.founders == Founders.ONE:
        s.reject("Il faut être au moins deux pour fonder une association.")
    if a.purpose == Purpose.SOCIAL:
        s.reasons.append("Votre projet vise l'intérêt général ou l'utilité sociale.")
    if a.governance == Governance.DEMOCRATIC:
        s.reasons.append("La gouvernance démocratique est l'usage dans les associations.")
    if a.activity in {Activity.NON_MARKET, Activity.MIXED}:
        s.reasons.append(
            "Une activité non marchande ou mixte se finance bien en association (cotisations, subventions, dons)."
        )
    if a.founders_employed:
        s.cautions.append(
            "Les fondateurs peuvent être salariés, mais ils ne doivent pas diriger l'association "
            "(gestion désintéressée) : à étudier avec un accompagnateur."
        )
    return s


def _scop(a: Answers) -> Suggestion:
    s = Suggestion(
        "scop",
        "SCOP (société coopérative et participative)",
        "Une entreprise dont les salariés sont les associés majoritaires : une personne, une voix ; une part "
        "importante des bénéfices reste dans l'entreprise, le reste revient aux salariés.",
        "5458",
    )
    s.require(
        a.founders_employed,
        "Vous voulez être salariés de votre entreprise et la détenir ensemble.",
        "Dans une SCOP, les associés majoritaires sont les salariés de l'entreprise.",
    )
    if a.founders == Founders.ONE:
        s.reject("Une SCOP compte au moins deux associés salariés.")
    s.require(
        a.activity in {Activity.MARKET, Activity.MIXED},
        "Votre activité est marchande : la SCOP est une société commerciale.",
        "Une SCOP vit de la vente de biens ou de services.",
    )
    if a.governance == Governance.DEMOCRATIC:
        s.reasons.append("Vous voulez décider selon le principe « une personne, une voix ».")
    elif a.governance == Governance.CAPITAL:
        s.reject("Dans une coopérative, le pouvoir ne dépend pas du capital apporté.")
    if a.profit_sharing in {ProfitSharing.LIMITED, ProfitSharing.NONE}:
        s.reasons.append("Vous acceptez de réinvestir une grande partie des bénéfices (réserves impartageables).")
    elif a.profit_sharing == ProfitSharing.FREE:
        s.cautions.append("Une part des bénéfices reste obligatoirement dans l'entreprise.")
    return s


def _scic(a: Answers) -> Suggestion:
    s = Suggestion(
        "scic",
        "SCIC (société coopérative d'intérêt collectif)",
        "Une coopérative qui réunit plusieurs catégories d'associés (salariés, bénéficiaires, bénévoles, "
        "collectivités…) autour d'un projet d'intérêt collectif ayant une utilité sociale.",
        "5560",
    )
    s.require(
        a.stakeholders,
        "Vous voulez associer plusieurs types de partenaires à la gouvernance.",
        "La SCIC associe obligatoirement au moins trois catégories de partenaires.",
    )
    s.require(
        a.founders == Founders.THREE_PLUS,
        "Vous êtes au moins trois : condition pour réunir les catégories d'associés.",
        "Une SCIC a au moins trois associés de catégories différentes.",
    )
    s.require(
        a.purpose in {Purpose.SOCIAL, Purpose.MIXED},
        "Votre projet a une utilité sociale et une activité économique.",
        "La SCIC doit avoir un caractère d'utilité sociale.",
    )
    if a.activity == Activity.NON_MARKET:
        s.cautions.append("Une SCIC est une entreprise : elle vend des biens ou des services.")
    if a.profit_sharing == ProfitSharing.FREE:
        s.reject("Dans une SCIC, au moins 57,5 % des bénéfices sont mis en réserve.")
    return s


def _cae(a: Answers) -> Suggestion:
    s = Suggestion(
        "cae",
        "Coopérative d'activité et d'emploi (entrepreneur-salarié)",
        "Pour lancer seul votre activité sans créer de société : vous devenez entrepreneur-salarié d'une "
        "coopérative existante, qui porte la gestion, puis vous pouvez en devenir associé.",
        "",
    )
    s.require(
        a.founders == Founders.ONE,
        "Vous portez le projet seul et voulez tester votre activité avec un cadre collectif.",
        "Cette solution convient surtout à une personne qui lance son activité.",
    )
    s.require(
        a.activity != Activity.NON_MARKET,
        "Votre activité est marchande.",
        "Il faut une activité qui vend des biens ou des services.",
    )
    if a.founders_employed:
        s.reasons.append("Vous êtes salarié de la coopérative tout en gardant l'autonomie de votre activité.")
    return s


def _fondation(a: Answers) -> Suggestion:
    s = Suggestion(
        "fondation",
        "Fondation ou fonds de dotation",
        "Des biens ou de l'argent affectés de façon irrévocable à une œuvre d'intérêt général. Une fondation "
        "reconnue d'utilité publique demande une dotation importante ; le fonds de dotation est plus simple.",
        "9300",
    )
    s.require(
        a.endowment,
        "Vous pouvez affecter durablement des biens ou de l'argent à une cause.",
        "Il faut apporter une dotation affectée définitivement au projet.",
    )
    s.require(
        a.purpose == Purpose.SOCIAL,
        "Votre projet vise l'intérêt général.",
        "Une fondation poursuit un but d'intérêt général, non lucratif.",
    )
    if a.profit_sharing != ProfitSharing.NONE:
        s.reject("Une fondation ou un fonds de dotation ne distribue aucun bénéfice : tout sert la cause.")
    return s


def _mutuelle(a: Answers) -> Suggestion:
    s = Suggestion(
        "mutuelle",
        "Mutuelle",
        "Des membres mettent en commun leurs cotisations pour se protéger contre des risques (santé, prévoyance). "
        "La création d'une mutuelle est encadrée par le code de la mutualité et demande un agrément.",
        "8210",
    )
    s.require(
        a.mutual_protection,
        "Votre projet consiste à protéger des membres en mutualisant leurs cotisations.",
        "Une mutuelle sert à protéger ses membres contre des risques par la solidarité.",
    )
    if a.profit_sharing != ProfitSharing.NONE:
        s.reject("Une mutuelle est à but non lucratif.")
    return s


def _commerciale(a: Answers) -> Suggestion:
    s = Suggestion(
        "societe_commerciale",
        "Société commerciale de l'ESS (SAS, SARL)",
        "Une société classique qui inscrit dans ses statuts une utilité sociale, une gouvernance participative "
        "et des bénéfices majoritairement réinvestis (loi du 31 juillet 2014), puis se déclare au registre.",
        "5710",
    )
    s.require(
        a.activity != Activity.NON_MARKET,
        "Votre activité est marchande.",
        "Une société commerciale vit de la vente de biens ou de services.",
    )
    if a.profit_sharing == ProfitSharing.FREE:
        s.reject("Pour être de l'ESS, au moins 50 % des bénéfices doivent être réinvestis.")
    elif a.profit_sharing == ProfitSharing.LIMITED:
        s.reasons.append("Vous acceptez de limiter le partage des bénéfices.")
    if a.purpose in {Purpose.SOCIAL, Purpose.MIXED}:
        s.reasons.append("Votre projet poursuit une utilité sociale.")
    else:
        s.cautions.append("Les statuts doivent poursuivre un but autre que le seul partage des bénéfices.")
    if a.capital:
        s.reasons.append("Vous pouvez apporter du capital.")
    if a.governance == Governance.CAPITAL:
        s.cautions.append("La gouvernance doit associer salariés et parties prenantes, pas seulement le capital.")
    return s


def esus_note(a: Answers, suggestions: list[Suggestion]) -> str:
    """When the ESUS agreement is worth asking for, in one sentence; else empty."""
    if a.purpose in {Purpose.SOCIAL, Purpose.MIXED} and any(
        s.key in {"societe_commerciale", "scop", "scic"} for s in suggestions if s.fits
    ):
        return (
            "Si l'utilité sociale est l'objectif principal de votre entreprise et que les écarts de salaires "
            "restent limités, vous pourrez demander l'agrément « entreprise solidaire d'utilité sociale » (ESUS), "
            "qui ouvre l'accès à l'épargne solidaire et à certains financements."
        )
    return ""


RULES = [_association, _scop, _scic, _cae, _fondation, _mutuelle, _commerciale]


def suggest(answers: Answers) -> tuple[list[Suggestion], list[Suggestion]]:
    """The forms that fit, best first, and the others (each with its reasons)."""
    results = [rule(answers) for rule in RULES]
    fitting = sorted((s for s in results if s.fits), key=lambda s: -s.score)
    others = [s for s in results if not s.fits]
    return fitting, others


def legal_forms() -> list[tuple[str, str]]:
    """Every form the guide may suggest, as (key, name): the topics of the resource centre
    (lib.resources), so that a statute model shows beside the form it is for."""
    any_answers = Answers(
        purpose=next(iter(Purpose)),
        profit_sharing=next(iter(ProfitSharing)),
        governance=next(iter(Governance)),
        founders=next(iter(Founders)),
        activity=next(iter(Activity)),
        founders_employed=False,
        capital=False,
        stakeholders=False,
        endowment=False,
        mutual_protection=False,
    )
    return [(suggestion.key, suggestion.name) for suggestion in (rule(any_answers) for rule in RULES)]
