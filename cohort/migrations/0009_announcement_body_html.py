from django.db import migrations, models

from cohort.markdown import render_markdown


def fill_body_html(apps, schema_editor):
    """Render every existing announcement once, as Announcement.save() does from now on."""
    Announcement = apps.get_model("cohort", "Announcement")
    rows = list(Announcement.objects.all())
    for row in rows:
        row.body_html = render_markdown(row.body)
    Announcement.objects.bulk_update(rows, ["body_html"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("cohort", "0008_bounded_input_and_form_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="announcement",
            name="body_html",
            field=models.TextField(default="", editable=False),
        ),
        # Reversing drops the column, so nothing needs undoing here.
        migrations.RunPython(fill_body_html, migrations.RunPython.noop),
    ]
