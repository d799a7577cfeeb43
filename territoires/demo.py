"""Demo content of Action 2 for `seed_demo`: two intercommunal ESS plans (CINOR and CIVIS)
with their diagnostic, axes, actions in various states, indicators measured over time, and
the policies that apply on the island from the European Union to a commune, one of them a
PTCE with members of each kind. Plans, actions and people are fictional; the public bodies
and programmes named exist.

Idempotent: plans and policies are matched on their address, axes on their order, actions,
indicators and members on their name, values on their date. An action gets its states
(through ACTION_WORKFLOW, with the log) only when it is created. Leads and partners are
the demo directory's organisations when they are there (seeded before), a plain name
otherwise.
"""

import contextlib
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from annuaire.models import Organisation
from comptes.models import User
from referentiels.models import Territory, TerritoryKind
from territoires import services
from territoires.models import Action, Axis, Indicator, IndicatorValue, Plan, Policy, PtceMember

S = Action.Status
STAFF_EMAIL = "partenariats@demo.ess-reunion.re"  # the demo's Partenariats account, when it exists

PLANS = [
    {
        "slug": "plan-ess-cinor-2024-2028",
        "epci": "249740119",  # CINOR
        "title": "Plan intercommunal de développement de l'ESS de la CINOR 2024-2028",
        "summary": "Réemploi, création d'activités d'utilité sociale et achats responsables : la CINOR et les "
        "acteurs de l'ESS de Saint-Denis, Sainte-Marie et Sainte-Suzanne s'engagent sur cinq ans.",
        "diagnostic": (
            "<p>Le nord de l'île compte près de 1 200 établissements employeurs de l'ESS, pour l'essentiel des "
            "associations de l'action sociale, de l'éducation et du sport. Les coopératives et les sociétés "
            "commerciales de l'ESS restent peu nombreuses.</p>"
            "<p>Les ateliers de concertation de 2023 ont fait ressortir trois besoins :</p>"
            "<ul><li>des débouchés locaux pour le réemploi et la réparation, alors que les déchetteries "
            "saturent&nbsp;;</li><li>un accompagnement de proximité pour les porteurs de projet, aujourd'hui "
            "orientés vers des structures éloignées&nbsp;;</li><li>une commande publique plus ouverte aux "
            "structures de l'ESS et de l'insertion.</li></ul>"
        ),
        "years": (2024, 2028),
        "adopted_on": date(2024, 3, 14),
        "partners": ["Lakour Solidaire", "Association Lire et Écrire Nord", "Kaz Initiatives Est — incubateur ESS"],
        "axes": [
            (
                "Structurer l'économie circulaire et le réemploi",
                "Faire du réemploi une filière locale créatrice d'emplois, de la collecte à la revente.",
                [
                    (
                        "Ouvrir une ressourcerie intercommunale à Sainte-Marie",
                        "Ressourcerie Lespas Recyclage",
                        ["Lakour Solidaire"],
                        "420000",
                        date(2024, 9, 1),
                        date(2026, 6, 30),
                        [
                            (S.IN_PROGRESS, "Local trouvé, travaux lancés."),
                            (S.LATE, "Livraison du bâtiment repoussée à 2027."),
                        ],
                    ),
                    (
                        "Créer un réseau de points de collecte textile",
                        "",
                        ["Lakour Solidaire"],
                        "60000",
                        date(2024, 4, 1),
                        date(2025, 3, 31),
                        [(S.IN_PROGRESS, ""), (S.DONE, "Vingt-deux points de collecte installés.")],
                    ),
                    (
                        "Étudier une légumerie solidaire pour la restauration scolaire",
                        "",
                        [],
                        "25000",
                        date(2025, 1, 1),
                        date(2025, 12, 31),
                        [(S.IN_PROGRESS, ""), (S.PAUSED, "En attente du schéma de restauration scolaire.")],
                    ),
                ],
            ),
            (
                "Accompagner la création d'activités d'utilité sociale",
                "Un accueil de proximité et un financement d'amorçage pour les projets de l'ESS du nord.",
                [
                    (
                        "Tenir des permanences ESS dans les trois communes",
                        "Kaz Initiatives Est — incubateur ESS",
                        ["Association Lire et Écrire Nord"],
                        "45000",
                        date(2024, 5, 1),
                        date(2028, 12, 31),
                        [(S.IN_PROGRESS, "Première permanence à la mairie de Sainte-Suzanne.")],
                    ),
                    (
                        "Lancer l'appel à projets « Initiatives ESS Nord »",
                        "",
                        [],
                        "150000",
                        date(2024, 6, 1),
                        date(2024, 12, 31),
                        [(S.IN_PROGRESS, ""), (S.DONE, "Quatorze projets soutenus.")],
                    ),
                    (
                        "Créer un incubateur ESS au nord",
                        "",
                        ["Kaz Initiatives Est — incubateur ESS"],
                        "300000",
                        date(2025, 3, 1),
                        date(2027, 12, 31),
                        [(S.BLOCKED, "Aucun local disponible pour l'instant.")],
                    ),
                ],
            ),
            (
                "Développer les achats socialement responsables",
                "Ouvrir la commande publique aux structures de l'ESS et de l'insertion.",
                [
                    (
                        "Inscrire des clauses sociales dans les marchés de la CINOR",
                        "",
                        [],
                        None,
                        date(2024, 9, 1),
                        date(2028, 12, 31),
                        [(S.IN_PROGRESS, "")],
                    ),
                    (
                        "Organiser les rencontres acheteurs publics et fournisseurs de l'ESS",
                        "",
                        ["Lakour Solidaire"],
                        "18000",
                        date(2027, 3, 1),
                        date(2027, 6, 30),
                        [],
                    ),
                ],
            ),
        ],
        "indicators": [
            ("Emplois créés ou consolidés dans l'ESS", "emplois", "0", "150", 2028, [12, 31, 48, 70, 88]),
            (
                "Objets et textiles détournés de l'enfouissement",
                "tonnes",
                "120",
                "600",
                2028,
                [140, 190, 262, 330, 365],
            ),
            ("Porteurs de projet accueillis en permanence", "personnes", None, "400", 2028, [35, 90, 151, 210, 262]),
        ],
        # Followed from the directory (lib.metrics): the staff's « Relever la valeur », done once here.
        "metric_indicators": [
            ("Structures de l'ESS publiées dans l'annuaire", "structures", "annuaire.structures_ess", "120", 2028),
        ],
    },
    {
        "slug": "pacte-ess-civis-2025-2030",
        "epci": "249740077",  # CIVIS
        "title": "Pacte pour l'économie sociale et solidaire de la CIVIS 2025-2030",
        "summary": "Alimentation durable et énergie citoyenne : la CIVIS mise sur les coopératives pour "
        "créer de l'emploi dans le sud de l'île.",
        "diagnostic": (
            "<p>Le territoire de la CIVIS concentre une part importante de l'agriculture de l'île, mais la "
            "transformation et la vente en circuit court restent faibles. Les toitures publiques et agricoles "
            "offrent un potentiel solaire largement inexploité.</p>"
            "<p>Les acteurs réunis en 2024 ont choisi deux priorités : <strong>l'alimentation</strong> et "
            "<strong>l'énergie</strong>, portées par des sociétés coopératives d'intérêt collectif (SCIC) "
            "associant habitants, agriculteurs et collectivités.</p>"
        ),
        "years": (2025, 2030),
        "adopted_on": date(2025, 6, 19),
        "partners": ["Coopérative Ti Kaz Bio", "SCIC Énergie Soleil Sud", "Jardins partagés des Hauts"],
        "axes": [
            (
                "Une alimentation locale et durable",
                "Transformer et vendre sur place ce que produit le territoire.",
                [
                    (
                        "Créer un atelier de transformation partagé en SCIC",
                        "Coopérative Ti Kaz Bio",
                        ["Jardins partagés des Hauts"],
                        "380000",
                        date(2025, 9, 1),
                        date(2027, 6, 30),
                        [(S.IN_PROGRESS, "Statuts de la SCIC déposés.")],
                    ),
                    (
                        "Développer les jardins partagés des quartiers prioritaires",
                        "Jardins partagés des Hauts",
                        [],
                        "40000",
                        date(2025, 7, 1),
                        date(2026, 6, 30),
                        [(S.IN_PROGRESS, ""), (S.DONE, "Six jardins ouverts.")],
                    ),
                    (
                        "Approvisionner les cantines en circuit court",
                        "",
                        ["Coopérative Ti Kaz Bio"],
                        "90000",
                        date(2025, 9, 1),
                        date(2026, 8, 31),
                        [(S.ABANDONED, "Repris dans le projet alimentaire territorial du Sud.")],
                    ),
                ],
            ),
            (
                "Une énergie citoyenne",
                "Produire une électricité renouvelable dont les habitants sont actionnaires.",
                [
                    (
                        "Installer des centrales solaires citoyennes sur les toits publics",
                        "SCIC Énergie Soleil Sud",
                        [],
                        "650000",
                        date(2025, 10, 1),
                        date(2028, 12, 31),
                        [(S.IN_PROGRESS, "Trois toitures équipées.")],
                    ),
                    (
                        "Accompagner les ménages en précarité énergétique",
                        "",
                        ["SCIC Énergie Soleil Sud"],
                        "120000",
                        date(2027, 1, 1),
                        date(2029, 12, 31),
                        [],
                    ),
                ],
            ),
        ],
        "indicators": [
            ("Structures de l'ESS accompagnées", "structures", "10", "80", 2030, [14, 22, 31]),
            ("Puissance solaire citoyenne installée", "kWc", "0", "500", 2030, [0, 36, 108]),
        ],
    },
]

REGION = "04"
POLICIES = [
    # slug, title, level, kind, summary, description, territories covered (kind, code), (from, to)
    (
        "fse-plus-reunion-2021-2027",
        "Fonds social européen (FSE+) — programme Réunion 2021-2027",
        Policy.Level.EUROPE,
        Policy.Kind.FUNDING,
        "L'Union européenne cofinance l'emploi, la formation et l'inclusion, dont les actions de la CRESS "
        "et de nombreuses structures de l'ESS.",
        "<p>Le FSE+ soutient l'accès à l'emploi, l'insertion et la formation. À La Réunion, région "
        "ultrapériphérique, il cofinance notamment l'accompagnement des porteurs de projet de l'ESS.</p>",
        [(TerritoryKind.REGION, REGION)],
        (2021, 2027),
    ),
    (
        "dispositif-local-accompagnement",
        "Dispositif local d'accompagnement (DLA)",
        Policy.Level.STATE,
        Policy.Kind.SCHEME,
        "Un accompagnement gratuit des associations et structures de l'ESS employeuses pour consolider "
        "leurs emplois et leur modèle économique.",
        "<p>Le DLA propose un diagnostic partagé puis un appui de consultants, financé par l'État, la Banque "
        "des Territoires et le FSE+.</p>",
        [(TerritoryKind.REGION, REGION)],
        (2002, None),
    ),
    (
        "strategie-regionale-ess",
        "Stratégie régionale de l'économie sociale et solidaire",
        Policy.Level.REGION,
        Policy.Kind.STRATEGY,
        "La feuille de route de la Région pour l'ESS : financement, innovation sociale, achats responsables "
        "et ancrage territorial.",
        "<p>Élaborée avec la CRESS et les réseaux de l'ESS, la stratégie fixe quatre orientations&nbsp;:</p>"
        "<ul><li>financer la création et le développement des entreprises de l'ESS&nbsp;;</li>"
        "<li>soutenir l'innovation sociale et l'expérimentation&nbsp;;</li>"
        "<li>développer les achats socialement responsables&nbsp;;</li>"
        "<li>accompagner les intercommunalités dans leurs plans ESS.</li></ul>",
        [(TerritoryKind.REGION, REGION)],
        (2023, 2028),
    ),
    (
        "programme-departemental-insertion-ess",
        "Programme départemental d'insertion — volet insertion par l'activité économique",
        Policy.Level.DEPARTMENT,
        Policy.Kind.SCHEME,
        "Le Département soutient les ateliers et chantiers d'insertion et les entreprises d'insertion qui "
        "emploient des allocataires du RSA.",
        "<p>Le programme finance l'accompagnement socioprofessionnel des salariés en insertion et les "
        "postes des structures d'insertion par l'activité économique.</p>",
        [(TerritoryKind.REGION, REGION)],
        (2024, 2028),
    ),
    (
        "ptce-sud-reemploi",
        "PTCE Sud Réemploi",
        Policy.Level.EPCI,
        Policy.Kind.PTCE,
        "Un pôle territorial de coopération économique qui associe structures de l'ESS, entreprises, "
        "collectivités et chercheurs autour du réemploi dans le sud.",
        "<p>Le pôle mutualise un entrepôt, une flotte de collecte et une plateforme de vente en ligne. Il "
        "est soutenu par la CIVIS et la CASUD.</p>",
        [(TerritoryKind.EPCI, "249740077"), (TerritoryKind.EPCI, "249740085")],
        (2025, None),
    ),
    (
        "budget-participatif-solidaire-saint-paul",
        "Budget participatif solidaire de Saint-Paul",
        Policy.Level.COMMUNE,
        Policy.Kind.FUNDING,
        "Une enveloppe annuelle pour les projets d'habitants et d'associations portés dans l'esprit de l'ESS.",
        "<p>Chaque année, les habitants proposent et choisissent des projets : jardins, ateliers de réparation, "
        "épiceries solidaires.</p>",
        [(TerritoryKind.COMMUNE, "97415")],
        (2025, None),
    ),
]

PTCE_MEMBERS = [
    # kind, organisation of the demo directory or a plain name
    (PtceMember.Kind.ESS, "Ressourcerie Lespas Recyclage"),
    (PtceMember.Kind.ESS, "SCIC Énergie Soleil Sud"),
    (PtceMember.Kind.ESS, "Coopérative Ti Kaz Bio"),
    (PtceMember.Kind.COMPANY, "Transports du Sud (entreprise de logistique)"),
    (PtceMember.Kind.COMPANY, "Quincaillerie Saint-Pierroise"),
    (PtceMember.Kind.AUTHORITY, "Communauté intercommunale des Villes solidaires (CIVIS)"),
    (PtceMember.Kind.AUTHORITY, "Communauté d'agglomération du Sud (CASUD)"),
    (PtceMember.Kind.RESEARCH, "Université de La Réunion"),
    (PtceMember.Kind.RESEARCH, "Lycée professionnel du Tampon"),
]


def _measure_dates(start_year: int, count: int) -> list[date]:
    """Half-yearly dates from the plan's first June, as many as asked, none in the future."""
    dates = [
        date(start_year + index // 2, 6 if index % 2 == 0 else 12, 30 if index % 2 == 0 else 31)
        for index in range(count)
    ]
    return [day for day in dates if day <= timezone.localdate()]


def _seed_plan(spec: dict, organisations: dict, staff) -> Plan:
    territory = Territory.objects.get(kind=TerritoryKind.EPCI, code=spec["epci"])
    plan = Plan.objects.filter(slug=spec["slug"]).first() or Plan(slug=spec["slug"])
    plan.territory = territory
    plan.title, plan.summary, plan.diagnostic = spec["title"], spec["summary"], spec["diagnostic"]
    plan.start_year, plan.end_year = spec["years"]
    plan.adopted_on = spec["adopted_on"]
    plan.is_published = True
    plan.owner = staff
    services.save_plan(plan)
    plan.partners.set([organisations[name] for name in spec["partners"] if name in organisations])

    for order, (axis_title, axis_description, actions) in enumerate(spec["axes"], start=1):
        axis, _ = Axis.objects.update_or_create(
            plan=plan, order=order, defaults={"title": axis_title, "description": axis_description}
        )
        for action_order, (title, lead, partners, budget, start, end, moves) in enumerate(actions, start=1):
            action, created = Action.objects.get_or_create(
                axis=axis,
                title=title,
                defaults={
                    "order": action_order,
                    "lead": organisations.get(lead),
                    "lead_name": "" if lead in organisations else (lead or f"{territory.short_name} — service ESS"),
                    "budget": Decimal(budget) if budget else None,
                    "start_date": start,
                    "end_date": end,
                },
            )
            if created:
                action.partners.set([organisations[name] for name in partners if name in organisations])
                for target, comment in moves:
                    services.move_action(action, target, by=staff, comment=comment)

    for order, (label, unit, baseline, target, target_year, values) in enumerate(spec["indicators"], start=1):
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            label=label,
            defaults={
                "unit": unit,
                "baseline": Decimal(baseline) if baseline is not None else None,
                "target": Decimal(target),
                "target_year": target_year,
                "order": order,
            },
        )
        for measured_on, value in zip(_measure_dates(plan.start_year, len(values)), values, strict=False):
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                measured_on=measured_on,
                defaults={"value": Decimal(value), "source": f"Suivi du plan ({territory.short_name})"},
            )
    for order, (label, unit, metric, target, target_year) in enumerate(spec.get("metric_indicators", []), start=10):
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            label=label,
            defaults={
                "unit": unit,
                "metric": metric,
                "target": Decimal(target),
                "target_year": target_year,
                "order": order,
            },
        )
        # Without the directory's metric (an app left out) the indicator waits for its first value.
        with contextlib.suppress(services.NothingToMeasure):
            services.record_indicator_value(indicator)
    return plan


def _seed_policies(organisations: dict) -> int:
    territories = {(t.kind, t.code): t for t in Territory.objects.all()}
    for slug, title, level, kind, summary, description, covered, (start, end) in POLICIES:
        policy = Policy.objects.filter(slug=slug).first() or Policy(slug=slug)
        policy.title, policy.level, policy.kind = title, level, kind
        policy.summary, policy.description = summary, description
        policy.start_year, policy.end_year = start, end
        policy.is_published = True
        services.save_policy(policy)
        policy.territories.set([territories[key] for key in covered])
        if kind == Policy.Kind.PTCE:
            for member_kind, name in PTCE_MEMBERS:
                organisation = organisations.get(name)
                lookup = {"organisation": organisation} if organisation else {"organisation": None, "name": name}
                if not PtceMember.objects.filter(policy=policy, **lookup).exists():
                    member = PtceMember(policy=policy, kind=member_kind, **lookup)
                    member.full_clean()
                    member.save()
    return len(POLICIES)


def seed_territories() -> dict:
    """The demo's plans and policies; returns how many of each exist after seeding."""
    names = {name for spec in PLANS for name in spec["partners"]} | {name for _kind, name in PTCE_MEMBERS}
    for spec in PLANS:
        for _title, _description, actions in spec["axes"]:
            for action in actions:
                names.add(action[1])
                names.update(action[2])
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=names - {""})}
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    with transaction.atomic():
        plans = [_seed_plan(spec, organisations, staff) for spec in PLANS]
        policies = _seed_policies(organisations)
    return {"plans": len(plans), "policies": policies}
