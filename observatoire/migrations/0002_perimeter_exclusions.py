from django.db import migrations

# The activities the INSEE and the CRESS network leave out of the ESS perimeter
# (public administration; employers', professional and trade-union organisations;
# political and religious organisations).
EXCLUSIONS = [
    ("84", "Administration publique et défense ; sécurité sociale obligatoire", "Hors champ : secteur public"),
    ("94.11", "Activités des organisations patronales et consulaires", "Hors champ : représentation professionnelle"),
    ("94.12", "Activités des organisations professionnelles", "Hors champ : représentation professionnelle"),
    ("94.20", "Activités des syndicats de salariés", "Hors champ : représentation syndicale"),
    ("94.91", "Activités des organisations religieuses", "Hors champ : culte"),
    ("94.92", "Activités des organisations politiques", "Hors champ : partis politiques"),
]


def add(apps, schema_editor):
    PerimeterExclusion = apps.get_model("observatoire", "PerimeterExclusion")
    for prefix, label, reason in EXCLUSIONS:
        PerimeterExclusion.objects.get_or_create(naf_prefix=prefix, defaults={"label": label, "reason": reason})


def remove(apps, schema_editor):
    apps.get_model("observatoire", "PerimeterExclusion").objects.filter(
        naf_prefix__in=[prefix for prefix, _, _ in EXCLUSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
