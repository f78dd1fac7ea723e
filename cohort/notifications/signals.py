"""Every change to an announcement, wherever it is made (admin, services, the shell, demo data),
reaches Slack through the one service that queues it, in the transaction of the change."""

from cohort.notifications.queue import sync_announcement, unpost_announcement


def announcement_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the rows are restored as they were, nothing is sent
        return
    sync_announcement(announcement=instance, changed=instance.changed_slack_fields())
    instance.remember_slack_fields()


def announcement_deleting(sender, instance, **kwargs):
    unpost_announcement(announcement=instance)
