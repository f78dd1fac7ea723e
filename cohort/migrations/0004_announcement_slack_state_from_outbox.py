"""An announcement's Slack state is read from its latest post in the outbox, no longer mirrored
in five fields on the announcement. The permalink moves to the post; an announcement that
claims a state without any post row (e.g. demo data) gets a post row saying the same, so no
state is lost and the sweeper does not post it again."""

import uuid

from django.db import migrations, models

POST = "post"
TO_MESSAGE_STATE = {"pending": "pending", "delivered": "sent", "failed": "failed"}
TO_ANNOUNCEMENT_STATE = {
    "pending": "pending",
    "sending": "pending",
    "sent": "delivered",
    "failed": "failed",
    "cancelled": "not_sent",
}


def move_state_to_posts(apps, schema_editor):
    Announcement = apps.get_model("cohort", "Announcement")
    SlackMessage = apps.get_model("cohort", "SlackMessage")
    for announcement in Announcement.objects.exclude(slack_state="not_sent").iterator():
        posts = SlackMessage.objects.filter(announcement=announcement, kind=POST)
        latest = posts.order_by("-id").first()
        if latest is None:
            sent = announcement.slack_state == "delivered"
            SlackMessage.objects.create(
                marker=uuid.uuid4(),
                kind=POST,
                purpose="announcement",
                cohort_id=announcement.cohort_id,
                announcement=announcement,
                channel=announcement.slack_channel_id,
                state=TO_MESSAGE_STATE[announcement.slack_state],
                ts=announcement.slack_ts,
                permalink=announcement.slack_permalink,
                last_error=announcement.slack_error,
                sent_at=announcement.updated_at if sent else None,
                created_at=announcement.updated_at,
            )
        elif announcement.slack_permalink:
            posts.filter(ts=announcement.slack_ts).update(permalink=announcement.slack_permalink)


def mirror_posts_on_announcements(apps, schema_editor):
    Announcement = apps.get_model("cohort", "Announcement")
    SlackMessage = apps.get_model("cohort", "SlackMessage")
    for announcement in Announcement.objects.iterator():
        latest = (
            SlackMessage.objects.filter(announcement=announcement, kind=POST)
            .order_by("-id")
            .first()
        )
        if latest is None:
            continue
        sent = latest.state == "sent"
        announcement.slack_state = TO_ANNOUNCEMENT_STATE[latest.state]
        announcement.slack_ts = latest.ts if sent else ""
        announcement.slack_channel_id = latest.channel if sent else ""
        announcement.slack_permalink = latest.permalink if sent else ""
        announcement.slack_error = "" if sent else latest.last_error
        announcement.save(
            update_fields=[
                "slack_state",
                "slack_ts",
                "slack_channel_id",
                "slack_permalink",
                "slack_error",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cohort", "0003_slack"),
    ]

    operations = [
        migrations.AddField(
            model_name="slackmessage",
            name="permalink",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.RunPython(move_state_to_posts, mirror_posts_on_announcements),
        migrations.RemoveField(model_name="announcement", name="slack_channel_id"),
        migrations.RemoveField(model_name="announcement", name="slack_error"),
        migrations.RemoveField(model_name="announcement", name="slack_permalink"),
        migrations.RemoveField(model_name="announcement", name="slack_state"),
        migrations.RemoveField(model_name="announcement", name="slack_ts"),
    ]
