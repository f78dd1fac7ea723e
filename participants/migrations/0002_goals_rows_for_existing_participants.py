from django.db import migrations


def create_rows(apps, schema_editor):
    Membership = apps.get_model("cohort", "Membership")
    GoalsAnswer = apps.get_model("participants", "GoalsAnswer")
    have = set(GoalsAnswer.objects.values_list("membership_id", flat=True))
    GoalsAnswer.objects.bulk_create(
        GoalsAnswer(membership_id=pk)
        for pk in Membership.objects.filter(role="participant").values_list("pk", flat=True)
        if pk not in have
    )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
