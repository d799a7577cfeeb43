"""Demo partnerships for `seed_demo`: the partner bodies named in the CRESS programme (CCI,
CMA, Chambre d'agriculture, URSCOP, Cité des Métiers, France Travail, CGSS) and the demo
incubator, with conventions in every state, amendments, each party's commitments (some
overdue, some kept with a deliverable, one declared kept and awaiting confirmation),
committees with participants, minutes and decisions, and published yearly figures.

The bodies are real; everything about them here is made up: SIRET, emails, people,
conventions, amounts and figures. Their logos are plain monograms drawn here, not theirs.

Idempotent: organisations are matched on their address (slug), partners on their
organisation, conventions on their reference (an existing convention is left as it is,
with everything under it), figures on (partner, year, label). Every state past the first
goes through the declared workflows (`partenariats.services`), as staff would do it.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from annuaire.demo import demo_siret
from annuaire.models import Organisation, PartnerMembership
from annuaire.services import save_organisation
from partenariats import committees, services
from partenariats.models import (
    Commitment,
    Committee,
    CommitteeParticipant,
    Convention,
    Decision,
    Deliverable,
    Partner,
    PartnerContact,
    PartnerFigure,
    PartnerKind,
)
from referentiels.models import Territory, TerritoryKind

# The path from « projet » to each state (CONVENTION_WORKFLOW).
CONVENTION_PATHS = {
    Convention.Status.DRAFT: [],
    Convention.Status.SIGNING: [Convention.Status.SIGNING],
    Convention.Status.ACTIVE: [Convention.Status.SIGNING, Convention.Status.ACTIVE],
    Convention.Status.TO_RENEW: [Convention.Status.SIGNING, Convention.Status.ACTIVE, Convention.Status.TO_RENEW],
    Convention.Status.EXPIRED: [Convention.Status.SIGNING, Convention.Status.ACTIVE, Convention.Status.EXPIRED],
    Convention.Status.TERMINATED: [Convention.Status.SIGNING, Convention.Status.ACTIVE, Convention.Status.TERMINATED],
}
K = Commitment.Status
COMMITMENT_PATHS = {
    K.TODO: [],
    K.IN_PROGRESS: [K.IN_PROGRESS],
    K.LATE: [K.IN_PROGRESS, K.LATE],
    K.DONE: [K.IN_PROGRESS, K.DONE],
    K.REPORTED: [K.IN_PROGRESS, K.REPORTED],
    K.ABANDONED: [K.ABANDONED],
}

CRESS = None  # a commitment of the CRESS itself (Commitment.party empty)


@dataclass
class Body:
    key: str
    name: str
    acronym: str
    commune: str  # INSEE code
    address: str
    kind: str
    description: str
    contacts: list  # (name, job title, is primary)
    monogram: str  # the stand-in logo's text, one line per "\n"
    colour: tuple
    territories: list = field(default_factory=list)  # territory codes; empty: the whole island


BODIES = [
    Body(
        "cci",
        "Chambre de commerce et d'industrie de La Réunion",
        "CCI Réunion",
        "97411",
        "5 rue de Paris",
        PartnerKind.CHAMBER,
        "La CCI oriente vers la CRESS les créateurs d'entreprise dont le projet a une finalité sociale ou "
        "environnementale, et ouvre ses ateliers de création aux futurs entrepreneurs de l'ESS. Ensemble, nous "
        "faisons connaître les statuts coopératifs et l'agrément ESUS aux entreprises du territoire.",
        [
            ("Stéphanie Hoarau", "Chargée de mission création d'entreprise", True),
            ("Yannick Law-Yen", "Conseiller", False),
        ],
        monogram="CCI\nRéunion",
        colour=(0, 84, 147),
    ),
    Body(
        "cma",
        "Chambre de métiers et de l'artisanat de La Réunion",
        "CMA",
        "97411",
        "12 rue du Moulin à Vent",
        PartnerKind.CHAMBER,
        "Avec la CMA, la CRESS accompagne les artisans qui veulent transmettre leur entreprise à leurs salariés : "
        "repérage des cédants, information sur la reprise en SCOP, mise en relation avec l'URSCOP. La CMA relaie "
        "aussi les formations de la CRESS auprès des artisans employeurs.",
        [("Jean-Claude Payet", "Responsable du service transmission", True)],
        monogram="CMA",
        colour=(168, 38, 54),
    ),
    Body(
        "agriculture",
        "Chambre d'agriculture de La Réunion",
        "",
        "97411",
        "24 rue de la Source",
        PartnerKind.CHAMBER,
        "La chambre d'agriculture et la CRESS soutiennent les coopératives agricoles, les groupements "
        "d'employeurs et les circuits courts : information des agriculteurs sur les formes coopératives, "
        "appui aux projets collectifs dans les Hauts.",
        [("Marie-Annick Boyer", "Conseillère vie coopérative", True)],
        territories=["249740085", "249740093"],
        monogram="Chambre\nd'agri-\nculture",
        colour=(46, 125, 50),
    ),
    Body(
        "urscop",
        "Union régionale des SCOP et SCIC de La Réunion",
        "URSCOP",
        "97411",
        "8 rue Félix Guyon",
        PartnerKind.NETWORK,
        "L'URSCOP accompagne la création, la reprise et le développement des SCOP et des SCIC. La CRESS lui oriente "
        "les porteurs de projets coopératifs et les repreneurs salariés ; l'URSCOP anime avec nous la matinée de "
        "la transmission et forme les coopérateurs.",
        [("Thierry Payet", "Délégué régional", True), ("Aurélie Técher", "Chargée d'accompagnement", False)],
        monogram="URSCOP",
        colour=(199, 80, 0),
    ),
    Body(
        "cite",
        "Cité des Métiers de La Réunion",
        "",
        "97416",
        "65 rue du Père Favron",
        PartnerKind.EMPLOYMENT,
        "La Cité des Métiers fait découvrir les métiers de l'économie sociale et solidaire aux jeunes, aux "
        "demandeurs d'emploi et aux personnes en reconversion : journées thématiques, témoignages de salariés "
        "et de bénévoles, orientation vers les employeurs de l'ESS.",
        [("Nathalie Grondin", "Chargée de programmation", True)],
        territories=["249740077", "249740085"],
        monogram="Cité des\nMétiers",
        colour=(106, 27, 154),
    ),
    Body(
        "france-travail",
        "France Travail Réunion",
        "",
        "97411",
        "20 rue Juliette Dodu",
        PartnerKind.EMPLOYMENT,
        "France Travail et la CRESS rapprochent les employeurs de l'ESS et les personnes qui cherchent un emploi : "
        "diffusion des offres des associations et coopératives, forum de l'emploi solidaire, information des "
        "conseillers sur les contrats aidés et l'insertion par l'activité économique.",
        [("Olivier Maillot", "Chargé de relations entreprises", True)],
        monogram="France\nTravail",
        colour=(30, 60, 140),
    ),
    Body(
        "cgss",
        "Caisse générale de sécurité sociale de La Réunion",
        "CGSS",
        "97411",
        "4 boulevard Doret",
        PartnerKind.SOCIAL_PROTECTION,
        "La CGSS et la CRESS aident les employeurs de l'ESS à prévenir les risques professionnels : ateliers sur "
        "le document unique, aides à la prévention pour les petites structures, accompagnement des associations "
        "d'aide à domicile.",
        [("Corinne Fontaine", "Ingénieure prévention", True)],
        monogram="CGSS",
        colour=(0, 112, 120),
    ),
]

INCUBATOR_DESCRIPTION = (
    "Kaz Initiatives Est incube les projets d'entreprises sociales de l'Est de l'île. La CRESS lui oriente les "
    "porteurs de projet de la CIREST ; l'incubateur les accompagne de l'idée au lancement et rend compte chaque "
    "semestre des projets suivis."
)


@dataclass
class CommitmentSpec:
    party: str | None  # a Body key, "incubator", or CRESS
    title: str
    due: int  # days from today
    status: str
    description: str = ""
    target: int | None = None
    deliverable: str = ""  # title of the PDF that shows it kept


@dataclass
class CommitteeSpec:
    kind: str
    days: int  # from today; negative: held
    place: str
    agenda: str
    minutes: str = ""
    participants: list = field(default_factory=list)  # (name, email, party key or None)
    # (text, effect, what it creates (a CommitmentSpec) or changes (an index in the convention's
    # commitments), the change: {"due": days from today} or {"status": …})
    decisions: list = field(default_factory=list)


@dataclass
class ConventionSpec:
    reference: str
    title: str
    object: str
    parties: list  # Body keys, "incubator"
    start: int  # days from today
    end: int
    status: str
    amount: str | None = None
    funder: str = ""
    amount_is_public: bool = False
    is_public: bool = True
    reason: str = ""
    # (number, signed on (days from today), summary, new end (days from today) or None): `end`
    # is the end before them
    amendments: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    committees: list = field(default_factory=list)


S = Convention.Status
CONVENTIONS = [
    ConventionSpec(
        "CONV-DEMO-001",
        "Orienter les créateurs d'entreprise vers l'ESS",
        "La CCI et la CRESS repèrent les créateurs dont le projet relève de l'économie sociale et solidaire, les "
        "orientent l'une vers l'autre et animent ensemble des ateliers «\u00a0Entreprendre autrement\u00a0».",
        ["cci"],
        -300,
        430,
        S.ACTIVE,
        amount="30000",
        funder="Fonds social européen (FSE)",
        amount_is_public=True,
        commitments=[
            CommitmentSpec(
                "cci",
                "Orienter vers la CRESS les créateurs dont le projet relève de l'ESS",
                120,
                K.IN_PROGRESS,
                "Fiche d'orientation commune remplie par les conseillers création.",
                target=80,
            ),
            # Due 60 days ago; the committee moved it (its decision below), then it fell late again.
            CommitmentSpec(CRESS, "Animer deux ateliers «\u00a0Entreprendre autrement\u00a0» à la CCI", -60, K.LATE),
            CommitmentSpec(
                "cci",
                "Diffuser le guide des statuts de l'ESS dans les points d'accueil",
                -60,
                K.DONE,
                deliverable="Bilan de diffusion du guide des statuts",
            ),
        ],
        committees=[
            CommitteeSpec(
                Committee.Kind.STEERING,
                -45,
                "CCI Réunion, Saint-Denis",
                "Bilan des orientations du semestre\nAteliers «\u00a0Entreprendre autrement\u00a0»\nQuestions diverses",
                "<h2>Bilan des orientations</h2><p>41 créateurs orientés vers la CRESS depuis le début de la "
                "convention, dont 9 projets coopératifs. Les conseillers demandent une fiche plus courte.</p>"
                "<h2>Ateliers</h2><p>Le premier atelier est reporté faute de salle ; la CRESS propose deux dates "
                "en fin de trimestre.</p>",
                participants=[
                    ("Stéphanie Hoarau", "s.hoarau@cci-reunion.example.re", "cci"),
                    ("Yannick Law-Yen", "y.lawyen@cci-reunion.example.re", "cci"),
                    ("Marie-Claire Fontaine", "partenariats@demo.ess-reunion.re", None),
                ],
                decisions=[
                    (
                        "Les deux ateliers sont reportés de six semaines, faute de salle.",
                        Decision.Effect.CHANGES,
                        1,
                        {"due": -20},
                    ),
                    (
                        "Un atelier supplémentaire aura lieu à Saint-Pierre.",
                        Decision.Effect.CREATES,
                        CommitmentSpec(
                            CRESS, "Animer un atelier «\u00a0Entreprendre autrement\u00a0» à Saint-Pierre", 75, K.TODO
                        ),
                        None,
                    ),
                ],
            ),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-002",
        "Accompagner les artisans vers la coopération",
        "La CMA informe les artisans des possibilités de transmission à leurs salariés et de création de "
        "coopératives d'artisans ; la CRESS forme les conseillers de la CMA à l'ESS.",
        ["cma"],
        -670,
        -122,  # moved to 60 days from now by its amendment
        S.TO_RENEW,
        amount="18000",
        funder="Région Réunion",
        amendments=[(1, -200, "Prolongation de six mois pour achever le cycle d'information des artisans.", 60)],
        commitments=[
            CommitmentSpec(
                CRESS,
                "Former les conseillers de la CMA à l'économie sociale et solidaire",
                -150,
                K.DONE,
                deliverable="Feuille d'émargement et support de la formation des conseillers",
            ),
            CommitmentSpec("cma", "Informer 40 artisans de la reprise en coopérative", 30, K.IN_PROGRESS, target=40),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-003",
        "Transmettre des entreprises artisanales en SCOP",
        "Convention tripartite : la CMA signale les cédants intéressés, l'URSCOP accompagne les salariés "
        "repreneurs et la CRESS organise la matinée de la transmission.",
        ["urscop", "cma"],
        -120,
        610,
        S.ACTIVE,
        amount="25000",
        funder="Fonds social européen (FSE)",
        amount_is_public=True,
        commitments=[
            # Started by the follow-up committee's decision.
            CommitmentSpec("urscop", "Accompagner cinq projets de reprise en SCOP", 300, K.IN_PROGRESS, target=5),
            CommitmentSpec("cma", "Signaler à l'URSCOP les cédants intéressés par la reprise salariée", 90, K.TODO),
            CommitmentSpec(CRESS, "Organiser la matinée de la transmission", -25, K.LATE),
        ],
        committees=[
            CommitteeSpec(
                Committee.Kind.FOLLOW_UP,
                -20,
                "URSCOP, Saint-Denis",
                "Projets de reprise en cours\nDate de la matinée de la transmission",
                "<p>Trois projets de reprise sont à l'étude : une boulangerie à Saint-Paul, une menuiserie à "
                "Saint-André et un garage au Tampon.</p><p>La matinée de la transmission est fixée au mois "
                "prochain, à la CMA.</p>",
                participants=[
                    ("Thierry Payet", "t.payet@urscop-reunion.example.re", "urscop"),
                    ("Jean-Claude Payet", "jc.payet@cma-reunion.example.re", "cma"),
                    ("Marie-Claire Fontaine", "partenariats@demo.ess-reunion.re", None),
                ],
                decisions=[
                    (
                        "L'URSCOP commence l'accompagnement des trois projets de reprise à l'étude.",
                        Decision.Effect.CHANGES,
                        0,
                        {"status": K.IN_PROGRESS},
                    ),
                    (
                        "La matinée de la transmission est repoussée d'une semaine.",
                        Decision.Effect.CHANGES,
                        2,
                        {"due": -13},
                    ),
                    ("Le comité se réunira de nouveau après la matinée.", Decision.Effect.NOTE, None, None),
                ],
            ),
            CommitteeSpec(
                Committee.Kind.STEERING,
                40,
                "CRESS La Réunion, Saint-Denis",
                "Bilan de la matinée de la transmission\nProjets de reprise accompagnés\nBudget de l'an prochain",
                participants=[
                    ("Thierry Payet", "t.payet@urscop-reunion.example.re", "urscop"),
                    ("Jean-Claude Payet", "jc.payet@cma-reunion.example.re", "cma"),
                ],
            ),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-004",
        "Faire découvrir les métiers de l'ESS",
        "La Cité des Métiers programme chaque trimestre une journée consacrée aux métiers de l'ESS ; la CRESS y "
        "invite des employeurs et des salariés du secteur.",
        ["cite"],
        -200,
        530,
        S.ACTIVE,
        commitments=[
            CommitmentSpec(
                "cite", "Programmer quatre journées «\u00a0Les métiers de l'ESS\u00a0»", 160, K.IN_PROGRESS, target=4
            ),
            CommitmentSpec(
                CRESS,
                "Réunir des témoins employeurs pour chaque journée",
                -30,
                K.DONE,
                deliverable="Programme et liste des témoins de la journée de mars",
            ),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-005",
        "L'emploi dans l'économie sociale et solidaire",
        "France Travail diffuse les offres des employeurs de l'ESS et forme ses conseillers ; la CRESS organise "
        "avec France Travail le forum de l'emploi solidaire.",
        ["france-travail"],
        30,
        760,
        S.SIGNING,
        amount="12000",
        funder="France Travail",
        commitments=[CommitmentSpec("france-travail", "Diffuser les offres des employeurs de l'ESS", 200, K.TODO)],
    ),
    ConventionSpec(
        "CONV-DEMO-006",
        "Forum de l'emploi solidaire 2024",
        "Organisation commune du forum de l'emploi solidaire à Saint-Denis.",
        ["france-travail"],
        -700,
        -340,
        S.EXPIRED,
        commitments=[
            CommitmentSpec("france-travail", "Mobiliser les demandeurs d'emploi pour le forum", -400, K.DONE),
            CommitmentSpec(CRESS, "Réunir 30 employeurs de l'ESS au forum", -400, K.DONE),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-007",
        "Prévenir les risques professionnels dans l'ESS",
        "La CGSS et la CRESS proposent aux employeurs de l'ESS des ateliers sur le document unique et les aides "
        "à la prévention.",
        ["cgss"],
        60,
        790,
        S.DRAFT,
        commitments=[CommitmentSpec("cgss", "Animer trois ateliers sur le document unique", 240, K.TODO)],
    ),
    ConventionSpec(
        "CONV-DEMO-008",
        "Installation agricole en coopérative",
        "Accompagnement des jeunes agriculteurs qui s'installent en coopérative d'utilisation de matériel "
        "agricole (CUMA).",
        ["agriculture"],
        -500,
        230,
        S.TERMINATED,
        reason="La chambre d'agriculture reprend l'action dans son propre programme ; les deux parties ont "
        "convenu d'y mettre fin par courrier.",
        commitments=[CommitmentSpec("agriculture", "Accompagner dix installations en CUMA", 100, K.ABANDONED)],
    ),
    ConventionSpec(
        "CONV-DEMO-009",
        "Coopératives et circuits courts dans les Hauts",
        "Information des agriculteurs des Hauts sur les coopératives et les groupements d'employeurs ; appui aux "
        "points de vente collectifs.",
        ["agriculture"],
        -90,
        640,
        S.ACTIVE,
        commitments=[
            CommitmentSpec("agriculture", "Tenir deux réunions d'information dans les Hauts", 60, K.IN_PROGRESS),
            CommitmentSpec(CRESS, "Présenter les groupements d'employeurs aux agriculteurs", -5, K.LATE),
        ],
    ),
    ConventionSpec(
        "CONV-DEMO-010",
        "Incuber les projets d'entreprises sociales de l'Est",
        "La CRESS oriente vers Kaz Initiatives Est les porteurs de projet de l'Est ; l'incubateur les accompagne "
        "et rend compte chaque semestre des projets suivis.",
        ["incubator"],
        -150,
        580,
        S.ACTIVE,
        amount="15000",
        funder="Fonds social européen (FSE)",
        commitments=[
            CommitmentSpec("incubator", "Accompagner douze porteurs de projet de l'Est", 215, K.IN_PROGRESS, target=12),
            CommitmentSpec(
                "incubator",
                "Remettre le bilan semestriel d'incubation",
                -75,
                K.LATE,
                "Nombre de projets suivis, stade de chacun, difficultés rencontrées.",
            ),
            CommitmentSpec("incubator", "Présenter l'incubateur aux conseillers de la CRESS", -40, K.REPORTED),
            CommitmentSpec(CRESS, "Orienter vers l'incubateur les porteurs de projet de l'Est", 215, K.IN_PROGRESS),
        ],
        committees=[
            CommitteeSpec(
                Committee.Kind.FOLLOW_UP,
                -60,
                "Kaz Initiatives Est, Saint-Benoît",
                "Porteurs orientés depuis le début de la convention\nBilan semestriel",
                "<p>Sept porteurs de projet ont été orientés vers l'incubateur ; cinq sont accompagnés.</p>"
                "<ul><li>Une épicerie solidaire à Saint-André</li><li>Un atelier vélo à Saint-Benoît</li></ul>",
                participants=[
                    ("Céline Dijoux", "partenaire@demo.ess-reunion.re", "incubator"),
                    ("Marie-Claire Fontaine", "partenariats@demo.ess-reunion.re", None),
                ],
                decisions=[
                    ("Le bilan semestriel est attendu sous quinze jours.", Decision.Effect.CHANGES, 1, {"due": -45})
                ],
            ),
        ],
    ),
]

# (body key, year offset from this year, label, value, unit, published)
FIGURES = [
    ("cci", -1, "créateurs orientés vers la CRESS", "87", "", True),
    ("cci", -2, "créateurs orientés vers la CRESS", "64", "", True),
    ("cci", -1, "participants aux ateliers «\u00a0Entreprendre autrement\u00a0»", "140", "", True),
    ("cma", -1, "artisans informés de la reprise en coopérative", "35", "", True),
    ("urscop", -1, "SCOP et SCIC créées ou reprises", "9", "", True),
    ("urscop", -2, "SCOP et SCIC créées ou reprises", "6", "", True),
    ("urscop", -1, "emplois maintenus par la reprise en SCOP", "48", "", True),
    ("cite", -1, "visiteurs informés sur les métiers de l'ESS", "1480", "", True),
    ("cite", -2, "visiteurs informés sur les métiers de l'ESS", "1250", "", True),
    ("france-travail", -1, "offres d'emploi de l'ESS diffusées", "420", "", True),
    ("france-travail", -1, "taux de retour à l'emploi après le forum", "38", "%", True),
    ("cgss", -1, "structures de l'ESS accompagnées en prévention", "22", "", True),
    ("agriculture", -1, "agriculteurs informés sur les coopératives", "115", "", True),
    ("incubator", -1, "porteurs de projet incubés", "11", "", True),
    ("cci", 0, "créateurs orientés vers la CRESS", "51", "", False),  # the year is not over: not published
]


def seed_partnerships(*, owner=None, incubator: str = "", today: date | None = None) -> dict:
    """The demo partnerships; `owner` (the Partenariats demo account, when accounts exist)
    owns the conventions and the CRESS's commitments; `incubator` names the directory
    organisation of the demo partner account, made a partner too."""
    today = today or timezone.localdate()
    with transaction.atomic():
        partners = {body.key: _partner(body, index, owner) for index, body in enumerate(BODIES, start=1)}
        incubator_organisation = Organisation.objects.filter(name=incubator).first() if incubator else None
        if incubator_organisation is not None:
            partners["incubator"] = _incubator(incubator_organisation, owner)
        created = 0
        for spec in CONVENTIONS:
            if (
                all(key in partners for key in spec.parties)
                and not Convention.objects.filter(reference=spec.reference).exists()
            ):
                _convention(spec, partners, owner, today)
                created += 1
        for key, offset, label, value, unit, published in FIGURES:
            if key in partners:
                PartnerFigure.objects.update_or_create(
                    partner=partners[key],
                    year=today.year + offset,
                    label=label,
                    defaults={"value": Decimal(value), "unit": unit, "is_published": published},
                )
    return {"partners": len(partners), "conventions": created}


def _partner(body: Body, index: int, owner) -> Partner:
    communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE)
    commune = communes.get(code=body.commune)
    slug = slugify(body.name)
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
    organisation.name = body.name
    organisation.acronym = body.acronym
    organisation.siret = demo_siret(index, prefix="7")
    organisation.commune = commune
    organisation.address = body.address
    organisation.postcode = "974" + body.commune[-2:]
    organisation.latitude, organisation.longitude = commune.latitude, commune.longitude
    organisation.email = f"contact@{body.key}-reunion.example.re"
    organisation.is_ess_actor = False
    organisation.is_institutional_partner = True
    organisation.is_published = True
    save_organisation(organisation=organisation)

    partner, _ = Partner.objects.update_or_create(
        organisation=organisation,
        defaults={
            "kind": body.kind,
            "public_description": body.description,
            "staff_owner": owner,
            "order": index * 10,
        },
    )
    if body.territories:
        partner.territories.set(Territory.objects.filter(code__in=body.territories))
    if not partner.logo:
        partner.logo.save(f"{body.key}.png", ContentFile(_monogram(body.monogram, body.colour)))
    for name, job_title, primary in body.contacts:
        first, last = name.split(" ", 1)
        PartnerContact.objects.get_or_create(
            partner=partner,
            name=name,
            defaults={
                "job_title": job_title,
                "email": f"{slugify(first)[:1]}.{slugify(last)}@{body.key}-reunion.example.re",
                "phone": f"0262 {40 + index:02d} {10 + len(name):02d} {index * 7:02d}",
                "is_primary": primary,
            },
        )
    return partner


def _incubator(organisation: Organisation, owner) -> Partner:
    partner, _ = Partner.objects.update_or_create(
        organisation=organisation,
        defaults={
            "kind": PartnerKind.SUPPORT,
            "public_description": INCUBATOR_DESCRIPTION,
            "staff_owner": owner,
            "order": 200,
        },
    )
    partner.territories.set(Territory.objects.filter(code="249740093"))
    PartnerContact.objects.get_or_create(
        partner=partner,
        name="Céline Dijoux",
        defaults={"job_title": "Directrice", "email": "partenaire@demo.ess-reunion.re", "is_primary": True},
    )
    return partner


MONOGRAM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _monogram(text: str, colour: tuple) -> bytes:
    """A plain square with the body's short name: a stand-in, never the body's own logo."""
    from PIL import Image, ImageDraw, ImageFont

    side, margin, gap = 240, 28, 6
    image = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((6, 6, side - 6, side - 6), radius=36, fill=colour)
    lines = text.split("\n")
    for size in range(72, 12, -2):  # the largest type that fits
        try:  # the system's font (scripts/system-deps.sh); Pillow's own has no accented letters
            font = ImageFont.truetype(MONOGRAM_FONT, size)
        except OSError:
            font = ImageFont.load_default(size=size)
        boxes = [draw.textbbox((0, 0), line, font=font) for line in lines]
        height = sum(box[3] - box[1] for box in boxes) + gap * (len(lines) - 1)
        if max(box[2] - box[0] for box in boxes) <= side - 2 * margin and height <= side - 2 * margin:
            break
    y = (side - height) / 2
    for line, box in zip(lines, boxes, strict=True):
        draw.text(((side - (box[2] - box[0])) / 2 - box[0], y - box[1]), line, font=font, fill=(255, 255, 255))
        y += box[3] - box[1] + gap
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _convention(spec: ConventionSpec, partners: dict, owner, today: date) -> Convention:
    convention = Convention(
        reference=spec.reference,
        title=spec.title,
        object=spec.object,
        start_date=today + timedelta(days=spec.start),
        end_date=today + timedelta(days=spec.end),
        amount=Decimal(spec.amount) if spec.amount else None,
        funder=spec.funder,
        amount_is_public=spec.amount_is_public,
        is_public=spec.is_public,
        owner=owner,
    )
    convention.full_clean()
    convention.save()
    convention.parties.set([partners[key] for key in spec.parties])
    # Commitments are written first, committees change some of them, then each reaches its state.
    commitments = [_commitment(convention, item, partners, owner, today) for item in spec.commitments]
    created = []
    for committee in spec.committees:
        created += _committee(convention, committee, commitments, partners, owner, today)
    for commitment, item in [*zip(commitments, spec.commitments, strict=True), *created]:
        _move_commitment(commitment, item.status, owner=owner)
    for target in CONVENTION_PATHS[spec.status]:
        comment = spec.reason if target == S.TERMINATED else ""
        services.move_convention(convention, target, by=owner, comment=comment)
        if target == S.ACTIVE:  # amendments are signed while the convention is in force
            for number, days, summary, new_end in spec.amendments:
                services.record_amendment(
                    convention=convention,
                    number=number,
                    signed_on=today + timedelta(days=days),
                    summary=summary,
                    new_end_date=today + timedelta(days=new_end) if new_end is not None else None,
                    by=owner,
                )
    return convention


def _commitment(convention, spec: CommitmentSpec, partners: dict, owner, today: date) -> Commitment:
    party = partners[spec.party] if spec.party else None
    commitment = Commitment.objects.create(
        convention=convention,
        party=party,
        title=spec.title,
        description=spec.description,
        owner=owner,
        due_date=today + timedelta(days=spec.due),
        target=spec.target,
    )
    if spec.deliverable:
        _deliverable(commitment, spec.deliverable, by=owner)
    return commitment


def _move_commitment(commitment: Commitment, target: str, *, owner) -> None:
    """The rest of the way to `target` (a committee's decision may have taken the first steps)."""
    path = COMMITMENT_PATHS[target]
    if commitment.status in path:
        path = path[path.index(commitment.status) + 1 :]
    for step in path:
        partner_user = _partner_user(commitment.party) if step == K.REPORTED and commitment.party else None
        if partner_user is not None:  # as in the partner space: staff are told, and confirm
            services.declare_commitment_kept(
                commitment=commitment, by=partner_user, comment="Présentation faite lors de la réunion d'équipe."
            )
        else:
            services.move_commitment(commitment, step, by=owner)


def _partner_user(partner: Partner):
    membership = PartnerMembership.objects.filter(organisation=partner.organisation_id).select_related("user").first()
    return membership.user if membership else None


def _deliverable(commitment: Commitment, title: str, *, by) -> Deliverable:
    """A PDF that shows the commitment kept, added by staff through the one write path."""
    from lib.pdf import html_to_pdf

    html = (
        f"<h1>{title}</h1><p>Convention {commitment.convention.reference} — {commitment.convention.title}</p>"
        f"<p>Engagement : {commitment.title}</p><p>Document de démonstration.</p>"
    )
    content, _pages = html_to_pdf(html, css="body { font-family: sans-serif; } h1 { font-size: 18pt; }")
    upload = SimpleUploadedFile(f"{slugify(title)[:60]}.pdf", content, content_type="application/pdf")
    return services.add_deliverable(commitment=commitment, title=title, upload=upload, by=by)


def _committee(convention, spec: CommitteeSpec, commitments: list, partners: dict, owner, today: date) -> list:
    """The committee, its participants, minutes and decisions (committees.record_decision):
    returns the commitments its decisions created, with their specs."""
    held_at = timezone.make_aware(datetime.combine(today + timedelta(days=spec.days), time(9, 30)))
    committee = Committee.objects.create(
        convention=convention, kind=spec.kind, held_at=held_at, place=spec.place, agenda=spec.agenda
    )
    for name, email, key in spec.participants:
        CommitteeParticipant.objects.create(
            committee=committee, name=name, email=email, partner=partners.get(key) if key else None
        )
    if spec.minutes:
        committees.save_minutes(committee=committee, html=spec.minutes, by=owner)
    created = []
    for text, effect, target, change in spec.decisions:
        if isinstance(target, CommitmentSpec):
            fields = {
                "title": target.title,
                "party": partners[target.party] if target.party else None,
                "due_date": today + timedelta(days=target.due),
                "owner": owner,
                "description": target.description,
            }
            decision = committees.record_decision(
                committee=committee, text=text, effect=effect, by=owner, new_commitment=fields
            )
            created.append((decision.commitment, target))
        elif target is not None:
            changes = {"status": change["status"]} if "status" in change else {}
            if "due" in change:
                changes["due_date"] = today + timedelta(days=change["due"])
            committees.record_decision(
                committee=committee, text=text, effect=effect, by=owner, commitment=commitments[target], changes=changes
            )
        else:
            committees.record_decision(committee=committee, text=text, effect=effect, by=owner)
    return created
