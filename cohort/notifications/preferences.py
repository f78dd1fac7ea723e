"""Each member's switches: Slack direct messages, deadline reminders, the daily events digest."""

from django.db import transaction

from cohort.models import Cohort, Membership
from cohort.notifications.models import NotificationPreference
from cohort.validation import BoundedModelForm


class NotificationPreferenceForm(BoundedModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["slack_direct_messages", "reminders", "daily_digest"]


def notification_preference(*, cohort: Cohort, user) -> NotificationPreference:
    """A member's notification settings; the defaults (unsaved) when they never changed them."""
    preference = NotificationPreference.objects.filter(
        membership__cohort=cohort, membership__user=user
    ).first()
    return preference or NotificationPreference()


def update_notification_preference(
    *, membership: Membership, slack_direct_messages: bool, reminders: bool, daily_digest: bool
) -> NotificationPreference:
    """Save how a member wants to hear from the portal."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            membership=membership,
            defaults={
                "slack_direct_messages": slack_direct_messages,
                "reminders": reminders,
                "daily_digest": daily_digest,
            },
        )
    return preference
