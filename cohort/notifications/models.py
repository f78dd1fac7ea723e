"""The Slack domain's models, registered under the `cohort` app label (cohort/models/__init__.py
imports them): the notifications on each person's home page, per-person notification
settings, Slack identities, the outbox and the reminders sent. Relations name their models
as strings, so this module imports no other.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class Notification(models.Model):
    """Something that happened to a person, shown on their home page until dismissed.

    Apps record these through one function per event (e.g. "claim decided"); the Slack
    integration also delivers them as direct messages.
    """

    cohort = models.ForeignKey(
        "cohort.Cohort", on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64, help_text="What happened, e.g. compute.claim_decided.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "cohort", "read_at"])]

    def __str__(self):
        return f"{self.title} → {self.user}"


class NotificationPreference(models.Model):
    """How a member of a cohort wants to hear from the portal; no row means the defaults."""

    membership = models.OneToOneField(
        "cohort.Membership", on_delete=models.CASCADE, related_name="notification_preference"
    )
    slack_direct_messages = models.BooleanField(
        "direct messages on Slack",
        default=True,
        help_text="What shows under “New for you” on the home page, also sent to you on Slack.",
    )
    reminders = models.BooleanField(
        "deadline reminders",
        default=True,
        help_text="A Slack message before deadlines you have not met yet.",
    )
    daily_digest = models.BooleanField(
        "daily events digest",
        default=False,
        help_text="Each morning, the day's events in one Slack message.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Notification settings of {self.membership}"


class SlackAccount(models.Model):
    """The Slack user behind a person, found once by e-mail and remembered."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slack_account"
    )
    slack_user_id = models.CharField(max_length=32, db_index=True)
    dm_channel_id = models.CharField("direct-message channel", max_length=32, blank=True)
    looked_up_at = models.DateTimeField(default=now)

    def __str__(self):
        return f"{self.user} = {self.slack_user_id}"


class SlackMessage(models.Model):
    """One message to Slack, written in the same transaction as its cause (an outbox row).

    A Celery task claims the row (pending → sending) with a conditional UPDATE before calling
    Slack and stores the `ts` after, so a task that runs twice never posts twice. `marker` goes
    with every post as message metadata, so a post whose answer was lost can be found again.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post to a channel"
        UPDATE = "update", "Update a posted message"
        DELETE = "delete", "Delete a posted message"
        DIRECT = "direct", "Direct message"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not needed any more"

    marker = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dedupe_key = models.CharField(
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        help_text="Set when the cause must produce at most one message (e.g. one notification).",
    )
    cohort = models.ForeignKey(
        "cohort.Cohort",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slack_messages",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    purpose = models.CharField(max_length=80, help_text="What it is for, e.g. announcement.")
    channel = models.CharField(max_length=32, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slack_messages",
    )
    announcement = models.ForeignKey(
        "cohort.Announcement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slack_messages",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        help_text="The posted message an update or a delete applies to.",
    )
    text = models.TextField(blank=True)
    blocks = models.JSONField(default=list, blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    needs_check = models.BooleanField(
        default=False,
        help_text="An earlier attempt may have reached Slack: look for it before posting again.",
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    slot_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The turn it holds in its channel's pace (see notifications/ratelimit.py).",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    ts = models.CharField(max_length=32, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="slackmessage_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sending") | models.Q(claimed_at__isnull=False),
                name="slackmessage_sending_is_claimed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.purpose}) #{self.pk}"


class ReminderSent(models.Model):
    """A reminder a person got (or is getting): at most one per (cohort, person, key)."""

    cohort = models.ForeignKey(
        "cohort.Cohort", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    key = models.CharField(max_length=120, help_text="e.g. goals_form:48h")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user", "key"], name="reminder_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.key} → {self.user}"


class DeliveryState(models.TextChoices):
    """An announcement's Slack state, read from its latest post in the outbox."""

    NOT_SENT = "not_sent", "Not sent"
    PENDING = "pending", "Waiting to be posted"
    DELIVERED = "delivered", "Posted"
    FAILED = "failed", "Failed"


POST_STATE_TO_DELIVERY = {
    SlackMessage.State.PENDING: DeliveryState.PENDING,
    SlackMessage.State.SENDING: DeliveryState.PENDING,
    SlackMessage.State.SENT: DeliveryState.DELIVERED,
    SlackMessage.State.FAILED: DeliveryState.FAILED,
    SlackMessage.State.CANCELLED: DeliveryState.NOT_SENT,
}


class SlackPostedMixin:
    """For the announcement: its Slack state is that of its latest post in the outbox (related
    name `slack_messages`), and it remembers what Slack was told, to know what changed."""

    # What Slack shows of an announcement; a change to one of these is sent to Slack.
    SLACK_FIELDS = ("title", "body", "channel", "published_at")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_slack_fields()
        return instance

    def remember_slack_fields(self) -> None:
        """Note what Slack has been told, to know later which of SLACK_FIELDS changed."""
        self._slack_fields = {name: getattr(self, name) for name in self.SLACK_FIELDS}

    def changed_slack_fields(self) -> set[str]:
        saved = getattr(self, "_slack_fields", None)
        if saved is None:
            return set(self.SLACK_FIELDS)
        return {name for name in self.SLACK_FIELDS if getattr(self, name) != saved[name]}

    @property
    def slack_post(self) -> SlackMessage | None:
        """The latest post of this announcement to Slack (None before the first)."""
        if self.pk is None:
            return None
        if "slack_messages" in getattr(self, "_prefetched_objects_cache", {}):
            posts = (m for m in self.slack_messages.all() if m.kind == SlackMessage.Kind.POST)
            return next(posts, None)
        return self.slack_messages.filter(kind=SlackMessage.Kind.POST).order_by("-id").first()

    @property
    def slack_state(self) -> str:
        post = self.slack_post
        return DeliveryState.NOT_SENT if post is None else POST_STATE_TO_DELIVERY[post.state]

    @property
    def slack_error(self) -> str:
        post = self.slack_post
        return post.last_error if post is not None and post.state != post.State.SENT else ""

    @property
    def slack_ts(self) -> str:
        post = self.slack_post
        return post.ts if post is not None and post.state == post.State.SENT else ""

    @property
    def slack_channel_id(self) -> str:
        post = self.slack_post
        return post.channel if post is not None and post.state == post.State.SENT else ""

    @property
    def slack_permalink(self) -> str:
        post = self.slack_post
        return post.permalink if post is not None and post.state == post.State.SENT else ""


class SlackRateGate(models.Model):
    """When Slack may next be called for one channel or one Web API method, shared by every
    worker. In the database, not the cache, so the limits hold when the cache is away."""

    key = models.CharField(
        max_length=200, unique=True, help_text="channel:C123 or method:chat.update"
    )
    open_at = models.DateTimeField(default=now)

    def __str__(self):
        return f"{self.key} opens at {self.open_at:%Y-%m-%d %H:%M:%S}"
