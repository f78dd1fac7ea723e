"""The cohort core's models, one module per job; every name is importable from cohort.models.

- accounts: the user model and one-time form tokens
- cohorts: the cohort and its retention records
- members: memberships, invitations, personal reminders
- pages: resources, the FAQ and announcements

The Slack domain's models (outbox rows, Slack identities, notification settings, reminders
sent) are defined in cohort/notifications/models.py; they are imported here so that Django
finds them under this app's label. They name their relations as strings, so there is no cycle.
"""

from cohort.models.accounts import (
    DEFAULT_TIMEZONE,
    TIMEZONE_CHOICES,
    SubmittedForm,
    User,
    UserManager,
)
from cohort.models.cohorts import (
    FINANCE_RETENTION_YEARS,
    PERSONAL_DATA_DAYS,
    Cohort,
    RetentionRecord,
    RetentionStage,
)
from cohort.models.members import (
    Invitation,
    Membership,
    PersonalReminder,
    new_invitation_token,
)
from cohort.models.pages import (
    Announcement,
    AnnouncementManager,
    AnnouncementQuerySet,
    Channel,
    FAQEntry,
    Resource,
    ResourceSection,
)
from cohort.notifications.models import (
    POST_STATE_TO_DELIVERY,
    DeliveryState,
    Notification,
    NotificationPreference,
    ReminderSent,
    SlackAccount,
    SlackMessage,
    SlackPostedMixin,
    SlackRateGate,
)
from cohort.roles import STAFF_ROLES, Role

__all__ = [
    "DEFAULT_TIMEZONE",
    "FINANCE_RETENTION_YEARS",
    "PERSONAL_DATA_DAYS",
    "POST_STATE_TO_DELIVERY",
    "STAFF_ROLES",
    "TIMEZONE_CHOICES",
    "Announcement",
    "AnnouncementManager",
    "AnnouncementQuerySet",
    "Channel",
    "Cohort",
    "DeliveryState",
    "FAQEntry",
    "Invitation",
    "Membership",
    "Notification",
    "NotificationPreference",
    "PersonalReminder",
    "ReminderSent",
    "Resource",
    "ResourceSection",
    "RetentionRecord",
    "RetentionStage",
    "Role",
    "SlackAccount",
    "SlackMessage",
    "SlackPostedMixin",
    "SlackRateGate",
    "SubmittedForm",
    "User",
    "UserManager",
    "new_invitation_token",
]
