"""The cohort core: people, cohorts, memberships, invitations and the cohort's shared pages."""

import secrets
import uuid
import zoneinfo
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import now

from cohort.validation import http_url

TIMEZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]
DEFAULT_TIMEZONE = "Europe/London"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; the e-mail address is the login."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(
        max_length=64,
        choices=TIMEZONE_CHOICES,
        default=DEFAULT_TIMEZONE,
        help_text="Times on the portal are shown in this timezone.",
    )
    is_staff = models.BooleanField(
        default=False,
        help_text="Can open the admin. Kept in step with mentor and operations roles.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0]


class Cohort(models.Model):
    """One round of the program: its phases, budget, places and where it talks to the world."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default=DEFAULT_TIMEZONE)

    preparation_start = models.DateField()
    preparation_end = models.DateField()
    goals_form_due = models.DateField(help_text="The goals form closes at the end of this day.")
    partner_deadline = models.DateField(help_text="Find a partner by the end of this day.")
    sprint_start = models.DateField()
    sprint_end = models.DateField()
    interview_start = models.DateField(help_text="First day of final interviews.")
    interview_end = models.DateField(help_text="Last day of final interviews.")

    compute_budget_usd = models.DecimalField(
        "compute budget per participant (USD)",
        max_digits=10,
        decimal_places=2,
        default=Decimal("500.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    research_places = models.PositiveSmallIntegerField(
        "research-phase places", default=8, help_text="How many participants can be selected."
    )
    meeting_link = models.URLField("default meeting link", blank=True, validators=[http_url])

    slack_channel_announcements = models.CharField(max_length=32, blank=True)
    slack_channel_random = models.CharField(max_length=32, blank=True)
    slack_channel_questions = models.CharField(max_length=32, blank=True)
    slack_channel_research_updates = models.CharField(max_length=32, blank=True)
    google_calendar_id = models.CharField(max_length=255, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-preparation_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preparation_start__lte=models.F("preparation_end")),
                name="cohort_preparation_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(preparation_end__lte=models.F("sprint_start")),
                name="cohort_sprint_after_preparation",
            ),
            models.CheckConstraint(
                condition=models.Q(sprint_start__lte=models.F("sprint_end")),
                name="cohort_sprint_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(sprint_end__lte=models.F("interview_start")),
                name="cohort_interviews_after_sprint",
            ),
            models.CheckConstraint(
                condition=models.Q(interview_start__lte=models.F("interview_end")),
                name="cohort_interviews_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohort:home", kwargs={"slug": self.slug})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def start_of(self, day: date):
        """The first moment of a day in the cohort's timezone."""
        return timezone.make_aware(
            timezone.datetime.combine(day, timezone.datetime.min.time()), self.tzinfo
        )

    def end_of(self, day: date):
        """The last moment of a day in the cohort's timezone: deadlines close then."""
        return self.start_of(day + timedelta(days=1)) - timedelta(microseconds=1)


class Role(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    TA = "ta", "TA"
    MENTOR = "mentor", "Mentor"
    OPERATIONS = "operations", "Operations"


STAFF_ROLES = frozenset({Role.MENTOR, Role.OPERATIONS})


class Membership(models.Model):
    """A person's one role in one cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["cohort", "role", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="membership_one_per_cohort")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.cohort})"

    def can(self, capability: str) -> bool:
        from cohort.permissions import role_can

        return role_can(self.role, capability)


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mail address the mentor has invited to a cohort with a role."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_invitations"
    )

    class Meta:
        ordering = ["cohort", "email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="invitation_one_per_address")
        ]

    def __str__(self):
        return f"{self.email} → {self.cohort} as {self.get_role_display()}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class ResourceSection(models.Model):
    """A group of links on the resources page, such as "Key links" or "Tooling"."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="resource_sections")
    title = models.CharField(max_length=120)
    intro = models.TextField(
        max_length=5000, blank=True, help_text="Markdown, shown under the heading."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "id"]

    def __str__(self):
        return self.title


class Resource(models.Model):
    section = models.ForeignKey(ResourceSection, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, validators=[http_url])
    description = models.TextField(
        max_length=2000, blank=True, help_text="Markdown, one or two sentences."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.title


class FAQEntry(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField(max_length=10000, help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class Channel(models.TextChoices):
    ANNOUNCEMENTS = "announcements", "Announcements"
    RANDOM = "random", "Random"
    QUESTIONS = "questions", "Questions"
    RESEARCH_UPDATES = "research_updates", "Research updates"


class DeliveryState(models.TextChoices):
    NOT_SENT = "not_sent", "Not sent"
    PENDING = "pending", "Waiting to be posted"
    DELIVERED = "delivered", "Posted"
    FAILED = "failed", "Failed"


class AnnouncementQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class Announcement(models.Model):
    """A note from the mentor to the cohort, shown on the portal and posted to a Slack channel."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, help_text="Markdown.")
    channel = models.CharField(
        "Slack channel", max_length=32, choices=Channel.choices, default=Channel.ANNOUNCEMENTS
    )
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty keeps it a draft; a future time publishes it then.",
    )
    slack_state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.NOT_SENT
    )
    slack_channel_id = models.CharField(max_length=32, blank=True, editable=False)
    slack_ts = models.CharField("Slack message ts", max_length=32, blank=True, editable=False)
    slack_permalink = models.URLField(max_length=500, blank=True, editable=False)
    slack_error = models.TextField("last Slack error", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["cohort", "published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cohort:announcement", kwargs={"slug": self.cohort.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()


class Notification(models.Model):
    """Something that happened to a person, shown on their home page until dismissed.

    Apps record these through one function per event (e.g. "claim decided"); the Slack
    integration also delivers them as direct messages.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
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


# --- Slack: per-person preferences, Slack identities, the outbox and reminders sent -----------


class NotificationPreference(models.Model):
    """How a member of a cohort wants to hear from the portal; no row means the defaults."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="notification_preference"
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

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="slack_account")
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
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="slack_messages"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    purpose = models.CharField(max_length=80, help_text="What it is for, e.g. announcement.")
    channel = models.CharField(max_length=32, blank=True)
    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="slack_messages"
    )
    announcement = models.ForeignKey(
        Announcement,
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
    sent_at = models.DateTimeField(null=True, blank=True)
    ts = models.CharField(max_length=32, blank=True)
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

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="reminders_sent")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders_sent")
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


class SubmittedForm(models.Model):
    """A create form's one-time token, stored with what its first submission led to.

    The unique token is what makes a double click do one thing: the second request's insert
    waits for the first one's transaction and then fails, and the second is sent where the
    first went (cohort/once.py).
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="submitted_forms")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Form {self.token} by {self.user_id}"
