# ruff: noqa: E501 (the demo table keeps each resource's summary on one line)
"""Demo data of the resource centre: about forty resources across themes, audiences and
formats (fictional but plausible), most with a small generated PDF, the recordings with a
link to a video or audio page; some serve the topics of other areas (lib.resources)."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from appartenance import resources
from appartenance.models_resources import Licence, Resource, ResourceFormat
from lib import resources as registry

CRESS = "CRESS La Réunion"
OBSERVATOIRE = "Observatoire régional de l'ESS"

# title, format, themes, audiences, topics, author, licence, year, summary
RESOURCES = (
    (
        "Créer son association pas à pas",
        "guide",
        ["creation", "gouvernance"],
        ["porteur", "benevole"],
        ["statut/association", "besoin/statut"],
        CRESS,
        "cc_by_sa",
        2025,
        "Les étapes de la création d'une association loi 1901 : projet, statuts, assemblée constitutive, déclaration en préfecture, premiers comptes.",
    ),
    (
        "Modèle de statuts d'association loi 1901",
        "modele_statuts",
        ["creation", "gouvernance"],
        ["porteur"],
        ["statut/association"],
        CRESS,
        "licence_ouverte",
        2024,
        "Des statuts commentés, à adapter : objet, membres, assemblée générale, conseil d'administration, gestion désintéressée.",
    ),
    (
        "Modèle de statuts de SCOP SARL",
        "modele_statuts",
        ["creation", "gouvernance"],
        ["porteur"],
        ["statut/scop"],
        "Union régionale des SCOP",
        "cc_by",
        2024,
        "Les statuts types d'une société coopérative et participative sous forme de SARL, avec les clauses propres aux coopératives.",
    ),
    (
        "Modèle de statuts de SCIC SAS",
        "modele_statuts",
        ["creation", "cooperation"],
        ["porteur", "collectivite"],
        ["statut/scic"],
        "Union régionale des SCOP",
        "cc_by",
        2025,
        "Statuts types d'une société coopérative d'intérêt collectif : collèges de vote, multisociétariat, réserves impartageables.",
    ),
    (
        "Statuts types d'une société commerciale de l'ESS",
        "modele_statuts",
        ["creation", "gouvernance"],
        ["porteur"],
        ["statut/societe_commerciale"],
        CRESS,
        "cc_by_sa",
        2025,
        "Les clauses qu'une SAS ou une SARL inscrit dans ses statuts pour relever de l'ESS au sens de l'article 1 de la loi du 31 juillet 2014.",
    ),
    (
        "Fondation ou fonds de dotation : que choisir ?",
        "guide",
        ["creation", "financement"],
        ["porteur", "structure"],
        ["statut/fondation"],
        CRESS,
        "cc_by",
        2023,
        "Dotation, gouvernance, contrôle, fiscalité des dons : les deux formes comparées, avec leurs démarches.",
    ),
    (
        "Entreprendre en coopérative d'activité et d'emploi",
        "guide",
        ["creation", "emploi"],
        ["porteur"],
        ["statut/cae"],
        "Coopérative d'activité Réunion",
        "cc_by_sa",
        2024,
        "Tester son activité en étant salarié de la coopérative, puis devenir associé : le parcours de l'entrepreneur-salarié.",
    ),
    (
        "Les mutuelles, acteurs de l'ESS",
        "etude",
        ["chiffres"],
        ["grand_public", "collectivite"],
        ["statut/mutuelle"],
        OBSERVATOIRE,
        "licence_ouverte",
        2023,
        "Panorama des mutuelles de santé et de prévoyance à La Réunion : adhérents, emplois, gouvernance.",
    ),
    (
        "L'agrément ESUS expliqué",
        "guide",
        ["creation", "financement"],
        ["structure", "porteur"],
        ["statut/societe_commerciale", "statut/scop", "statut/scic"],
        CRESS,
        "cc_by",
        2025,
        "Qui peut demander l'agrément « entreprise solidaire d'utilité sociale », à quelles conditions, et ce qu'il ouvre.",
    ),
    (
        "Financer son projet associatif",
        "guide",
        ["financement"],
        ["structure", "benevole"],
        ["besoin/financement", "outil/subvention", "formation/financement"],
        CRESS,
        "cc_by_sa",
        2025,
        "Subventions, dons, mécénat, prestations, prêts d'honneur : les ressources d'une association et comment les combiner.",
    ),
    (
        "Le prêt d'honneur pour les créateurs de l'ESS",
        "guide",
        ["financement", "creation"],
        ["porteur"],
        ["outil/pret_honneur"],
        "Initiative Réunion",
        "tous_droits",
        2024,
        "Un prêt sans intérêt ni garantie à la personne, qui fait levier sur le prêt bancaire : conditions et étapes.",
    ),
    (
        "Garanties bancaires : mode d'emploi",
        "guide",
        ["financement"],
        ["structure"],
        ["outil/garantie"],
        "France Active Réunion",
        "tous_droits",
        2023,
        "Comment une garantie facilite l'accès au prêt bancaire d'une structure de l'ESS, et ce qu'elle coûte.",
    ),
    (
        "Les quasi-fonds propres dans l'ESS",
        "etude",
        ["financement"],
        ["structure", "collectivite"],
        ["outil/quasi_fonds_propres", "outil/fonds_propres"],
        CRESS,
        "cc_by",
        2024,
        "Titres associatifs, prêts participatifs, apports avec droit de reprise : état des lieux et retours d'expérience.",
    ),
    (
        "Répondre à un appel à projets",
        "guide",
        ["financement"],
        ["structure", "porteur"],
        ["outil/subvention", "outil/prix"],
        CRESS,
        "cc_by_sa",
        2025,
        "Lire le cahier des charges, construire le budget, rédiger le dossier : les conseils d'un financeur.",
    ),
    (
        "Le DLA, dispositif local d'accompagnement",
        "enregistrement",
        ["financement", "gestion"],
        ["structure"],
        ["outil/accompagnement", "besoin/global"],
        "Réseau DLA Réunion",
        "cc_by",
        2024,
        "Une conférence de 40 minutes sur le DLA : qui peut en bénéficier, comment se déroule un accompagnement.",
    ),
    (
        "Gouvernance démocratique : faire vivre son assemblée générale",
        "guide",
        ["gouvernance"],
        ["benevole", "structure"],
        ["formation/gouvernance"],
        CRESS,
        "cc_by_sa",
        2024,
        "Préparer, animer et suivre une assemblée générale qui associe vraiment les membres.",
    ),
    (
        "Le conseil d'administration, mode d'emploi",
        "enregistrement",
        ["gouvernance"],
        ["benevole"],
        ["formation/gouvernance"],
        CRESS,
        "cc_by",
        2023,
        "Un webinaire sur les rôles du président, du trésorier et du secrétaire, et la responsabilité des dirigeants bénévoles.",
    ),
    (
        "Le guide des bonnes pratiques des entreprises de l'ESS",
        "guide",
        ["gouvernance", "emploi"],
        ["structure"],
        ["besoin/information"],
        "Conseil supérieur de l'ESS",
        "licence_ouverte",
        2024,
        "Les huit thèmes du guide que l'article 3 de la loi de 2014 demande à chaque entreprise de l'ESS de suivre.",
    ),
    (
        "Employeur associatif : les premières obligations",
        "guide",
        ["emploi", "gestion"],
        ["structure", "benevole"],
        ["formation/employeur", "besoin/emploi"],
        CRESS,
        "cc_by_sa",
        2025,
        "Déclaration préalable à l'embauche, contrat, convention collective, médecine du travail : la liste avant la première embauche.",
    ),
    (
        "Les conventions collectives de l'ESS",
        "etude",
        ["emploi"],
        ["structure"],
        ["formation/employeur", "formation/rh"],
        OBSERVATOIRE,
        "licence_ouverte",
        2024,
        "Quelles conventions s'appliquent dans l'ESS réunionnaise, et combien de salariés chacune couvre.",
    ),
    (
        "Recruter dans l'ESS : fiches pratiques",
        "guide",
        ["emploi"],
        ["structure"],
        ["formation/rh", "metier/education-specialisee", "metier/aide-et-soin-a-domicile"],
        CRESS,
        "cc_by",
        2025,
        "Rédiger l'offre, diffuser, mener l'entretien, accueillir : douze fiches pour les petites structures.",
    ),
    (
        "Les métiers de l'aide à domicile",
        "enregistrement",
        ["emploi"],
        ["grand_public", "porteur"],
        ["metier/aide-et-soin-a-domicile", "besoin/emploi"],
        "Cité des Métiers de La Réunion",
        "cc_by",
        2024,
        "Témoignages d'auxiliaires de vie et d'une responsable de secteur d'une association d'aide à domicile.",
    ),
    (
        "Travailler dans l'animation socioculturelle",
        "guide",
        ["emploi"],
        ["grand_public"],
        ["metier/animation-socioculturelle", "besoin/emploi"],
        "Cité des Métiers de La Réunion",
        "cc_by",
        2023,
        "Les métiers de l'animation, les diplômes (BAFA, BPJEPS, DEJEPS) et les employeurs de l'ESS.",
    ),
    (
        "Les métiers de l'insertion par l'activité économique",
        "etude",
        ["emploi", "chiffres"],
        ["collectivite", "grand_public"],
        ["metier/insertion-et-emploi", "metier/encadrement-technique-insertion"],
        OBSERVATOIRE,
        "licence_ouverte",
        2025,
        "Encadrants techniques, conseillers en insertion, chargés d'accompagnement : effectifs et parcours.",
    ),
    (
        "Bénévolat : accueillir et fidéliser ses bénévoles",
        "guide",
        ["gouvernance", "emploi"],
        ["benevole", "structure"],
        ["formation/gouvernance"],
        CRESS,
        "cc_by_sa",
        2024,
        "Définir les missions, accueillir, former, reconnaître : la charte et le livret d'accueil du bénévole.",
    ),
    (
        "Tenir la comptabilité d'une petite association",
        "guide",
        ["gestion"],
        ["benevole"],
        ["formation/gestion"],
        CRESS,
        "cc_by_sa",
        2024,
        "Le plan comptable associatif, le cahier de recettes et dépenses, le compte de résultat et le bilan simplifiés.",
    ),
    (
        "Tableau de suivi budgétaire d'une association",
        "guide",
        ["gestion", "financement"],
        ["benevole", "structure"],
        ["formation/gestion"],
        CRESS,
        "cc_by",
        2025,
        "Un classeur à remplir pour suivre le budget prévisionnel et réel, avec ses explications.",
    ),
    (
        "Les obligations comptables selon la taille de la structure",
        "guide",
        ["gestion"],
        ["structure"],
        ["formation/gestion"],
        CRESS,
        "cc_by",
        2023,
        "Commissaire aux comptes, publication des comptes, seuils de subventions et de dons : ce qui s'applique à qui.",
    ),
    (
        "Panorama de l'ESS à La Réunion 2025",
        "observatoire",
        ["chiffres"],
        ["collectivite", "grand_public"],
        ["besoin/information", "formation/ess"],
        OBSERVATOIRE,
        "licence_ouverte",
        2025,
        "Établissements, emplois et salaires de l'ESS réunionnaise par famille, secteur et territoire.",
    ),
    (
        "Panorama de l'ESS à La Réunion 2024",
        "observatoire",
        ["chiffres"],
        ["collectivite", "grand_public"],
        [],
        OBSERVATOIRE,
        "licence_ouverte",
        2024,
        "L'édition 2024 du panorama : les chiffres clés de l'ESS réunionnaise et leur évolution.",
    ),
    (
        "L'emploi dans l'ESS par intercommunalité",
        "observatoire",
        ["chiffres", "emploi"],
        ["collectivite"],
        [],
        OBSERVATOIRE,
        "licence_ouverte",
        2025,
        "Les effectifs salariés de l'ESS dans les cinq intercommunalités de l'île.",
    ),
    (
        "Les femmes dirigeantes dans l'ESS réunionnaise",
        "observatoire",
        ["chiffres", "gouvernance"],
        ["collectivite", "structure"],
        [],
        OBSERVATOIRE,
        "licence_ouverte",
        2024,
        "La place des femmes dans les conseils d'administration et les directions des structures de l'ESS.",
    ),
    (
        "Comprendre l'économie sociale et solidaire",
        "enregistrement",
        ["creation"],
        ["grand_public", "porteur"],
        ["formation/ess", "besoin/information"],
        CRESS,
        "cc_by",
        2025,
        "Une vidéo de 8 minutes : les familles de l'ESS, ses principes, la loi du 31 juillet 2014.",
    ),
    (
        "Coopérer entre structures : groupements et pôles territoriaux",
        "etude",
        ["cooperation"],
        ["structure", "collectivite"],
        [],
        CRESS,
        "cc_by",
        2024,
        "Groupements d'employeurs, pôles territoriaux de coopération économique, mutualisations : cinq expériences réunionnaises.",
    ),
    (
        "Construire un partenariat avec sa commune",
        "guide",
        ["cooperation", "financement"],
        ["structure", "collectivite"],
        [],
        CRESS,
        "cc_by_sa",
        2023,
        "Conventions d'objectifs, mise à disposition de locaux, commande publique : les formes du partenariat local.",
    ),
    (
        "Achats responsables : clauses sociales et environnementales",
        "guide",
        ["achats"],
        ["collectivite"],
        [],
        CRESS,
        "licence_ouverte",
        2025,
        "Insérer des clauses sociales et environnementales dans un marché public et trouver des fournisseurs de l'ESS.",
    ),
    (
        "Les marchés réservés aux structures de l'ESS",
        "guide",
        ["achats"],
        ["collectivite", "structure"],
        [],
        CRESS,
        "licence_ouverte",
        2024,
        "Les marchés réservés aux structures d'insertion et aux entreprises adaptées : le droit et la pratique.",
    ),
    (
        "Réduire l'empreinte écologique de son association",
        "guide",
        ["transition"],
        ["structure", "benevole"],
        [],
        CRESS,
        "cc_by_sa",
        2025,
        "Énergie, déplacements, achats, numérique : un plan d'action en dix gestes pour les petites structures.",
    ),
    (
        "Économie circulaire : les ressourceries de l'île",
        "enregistrement",
        ["transition", "cooperation"],
        ["grand_public"],
        [],
        "Réseau des ressourceries de La Réunion",
        "cc_by",
        2024,
        "Un reportage audio dans trois ressourceries : collecte, réemploi, emplois en insertion.",
    ),
    (
        "Alimentation durable et circuits courts dans l'ESS",
        "etude",
        ["transition"],
        ["collectivite", "structure"],
        [],
        OBSERVATOIRE,
        "cc_by",
        2025,
        "Épiceries solidaires, AMAP, coopératives agricoles : état des lieux et pistes de développement.",
    ),
    (
        "Mesurer son utilité sociale",
        "guide",
        ["gouvernance", "chiffres"],
        ["structure"],
        ["besoin/ponctuel"],
        CRESS,
        "cc_by_sa",
        2024,
        "Choisir ses indicateurs, recueillir les données, valoriser ses résultats auprès des financeurs.",
    ),
)

EXTERNAL = "https://video.exemple.re/cress/"


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF with the title and a few lines (no active content)."""
    content = ["BT", "/F1 18 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        content += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def seed_resources() -> dict:
    """About forty published resources (two left unpublished); idempotent (by slug)."""
    known = registry.known_topics()
    created = 0
    with transaction.atomic():
        for index, (title, kind, themes, audiences, topics, author, licence, year, summary) in enumerate(RESOURCES):
            slug = slugify(title)[:200]
            if Resource.objects.filter(slug=slug).exists():
                continue
            resource = Resource(
                title=title,
                slug=slug,
                summary=summary,
                body=f"<p>{summary}</p><p>Document de démonstration du portail de la CRESS La Réunion.</p>",
                author=author,
                published_on=date(year, 1 + index % 12, 1 + index % 27),
                licence=Licence(licence),
                format=ResourceFormat(kind),
                is_published=index % 20 != 19,
            )
            upload = None
            if kind == ResourceFormat.RECORDING:
                resource.external_url = f"{EXTERNAL}{slug}"
            else:
                upload = ContentFile(demo_pdf(title, [summary[:90], author, str(year)]), name=f"{slug}.pdf")
                resource.file = upload
            resources.save_resource(
                resource=resource,
                themes=themes,
                audiences=audiences,
                topics=[value for value in topics if value in known],
                upload=upload,
            )
            created += 1
    return {"ressources": created}
