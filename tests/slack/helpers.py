"""Publishing an announcement the way the delivery tests need it: its post queued by the save."""

from tests.factories.cohort import AnnouncementFactory


def publish(cohort, capture, **fields):
    with capture(execute=True):  # saving it queues the post (the model's hook)
        announcement = AnnouncementFactory(cohort=cohort, **fields)
    announcement.refresh_from_db()
    return announcement
