"""Reference lists of the directory: thematic categories and labels.

Loaded after every `migrate` (and `flush`) by `annuaire.apps`, matched on their slug.
"""

from django.utils.text import slugify

CATEGORIES = [
    "Insertion par l'activité économique",
    "Environnement et transition écologique",
    "Économie circulaire et réemploi",
    "Agriculture et alimentation durable",
    "Culture et patrimoine",
    "Sport et loisirs",
    "Éducation populaire et jeunesse",
    "Formation et emploi",
    "Action sociale et solidarité",
    "Santé et médico-social",
    "Habitat et logement",
    "Mobilité",
    "Finance solidaire",
    "Services à la personne",
    "Tourisme solidaire",
    "Numérique et inclusion numérique",
    "Commerce équitable",
    "Handicap",
]

LABELS = [
    ("Entreprise d'insertion (EI)", "Structure d'insertion par l'activité économique conventionnée par l'État."),
    ("Atelier et chantier d'insertion (ACI)", "Structure d'insertion par l'activité économique."),
    ("Association intermédiaire (AI)", "Structure d'insertion par l'activité économique."),
    ("Entreprise de travail temporaire d'insertion (ETTI)", "Structure d'insertion par l'activité économique."),
    ("Entreprise adaptée (EA)", "Emploie majoritairement des travailleurs handicapés."),
    ("ESAT", "Établissement et service d'accompagnement par le travail."),
    ("Reconnue d'utilité publique", "Association ou fondation reconnue d'utilité publique."),
    ("Agrément jeunesse et éducation populaire", "Agrément délivré par l'État."),
    ("Label Finansol", "Produit d'épargne solidaire labellisé."),
    ("Commerce équitable", "Produits ou filières labellisés commerce équitable."),
]


def load_directory_lists(apps) -> None:
    Category = apps.get_model("annuaire", "Category")
    Label = apps.get_model("annuaire", "Label")
    for name in CATEGORIES:
        Category.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for name, description in LABELS:
        Label.objects.update_or_create(slug=slugify(name), defaults={"name": name, "description": description})
