from django.db import migrations

DEFAULT_CATEGORIES = [
    "Looking for learned features",
    "Interpreting algorithmic problems",
    "Analysing toy language models",
    "Circuits in the wild",
    "Techniques",
    "Tooling and automation",
    "Superposition and polysemanticity",
    "Other",
]


def seed_categories(apps, schema_editor):
    Cohort = apps.get_model("cohort", "Cohort")
    IdeaCategory = apps.get_model("sprints", "IdeaCategory")
    for cohort in Cohort.objects.all():
        for order, name in enumerate(DEFAULT_CATEGORIES):
            IdeaCategory.objects.get_or_create(cohort=cohort, name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("sprints", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
