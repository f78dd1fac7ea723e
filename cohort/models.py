"""The cohort core: people, cohorts, memberships, invitations and the cohort's shared pages.

The Slack domain's models (outbox rows, Slack identities, notification settings, reminders
sent) are defined in cohort/notifications/models.py; they are imported here so that Django
finds them under this app's label. They name their relations as strings, so there is no cycle.
"""

import secrets
import zoneinfo
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import now

from cohort.markdown import render_markdown
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
from cohort.validation import http_url

TIMEZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]
DEFAULT_TIMEZONE = "Europe/London"
PERSONAL_DATA_DAYS = 90
FINANCE_RETENTION_YEARS = 7


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

    # Personal data with an end (issue 16): set when the mentor closes the cohort.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    personal_data_delete_on = models.DateField(
        "delete personal data on",
        null=True,
        blank=True,
        help_text="Once the cohort is closed, photos, goals answers, introductions, board "
        f"entries and Slack ids are deleted on this day. Empty: {PERSONAL_DATA_DAYS} days after "
        "the interviews.",
    )
    finance_retention_years = models.PositiveSmallIntegerField(
        "keep finance records for (years)",
        default=FINANCE_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Claims, receipts and their audit trail are kept this long after the "
        "interviews, then deleted.",
    )
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    finance_data_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

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

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def personal_data_due(self) -> date:
        """The day a closed cohort's personal data is deleted."""
        return self.personal_data_delete_on or (
            self.interview_end + timedelta(days=PERSONAL_DATA_DAYS)
        )

    @property
    def finance_data_due(self) -> date:
        """The day a closed cohort's claims, receipts and audit trail are deleted."""
        end, years = self.interview_end, self.finance_retention_years
        try:
            return end.replace(year=end.year + years)
        except ValueError:  # 29 February, in a year that has none
            return end.replace(year=end.year + years, day=28)


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


class AnnouncementQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class AnnouncementManager(models.Manager.from_queryset(AnnouncementQuerySet)):
    def get_queryset(self):
        # Each announcement's Slack state is its latest post's: one query for a whole list.
        return (
            super()
            .get_queryset()
            .prefetch_related(
                models.Prefetch("slack_messages", queryset=SlackMessage.objects.order_by("-id"))
            )
        )


class Announcement(SlackPostedMixin, models.Model):
    """A note from the mentor to the cohort, shown on the portal and posted to a Slack channel.

    Its Slack state is not stored here: it is that of its latest post in the outbox. Every save
    and delete, wherever it is made, reaches Slack through cohort.notifications.queue (a
    post_save/pre_delete hook connected in CohortConfig.ready())."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, help_text="Markdown.")
    # The body rendered and sanitised, kept by save() so that pages never render it again.
    body_html = models.TextField(editable=False, default="")
    channel = models.CharField(
        "Slack channel", max_length=32, choices=Channel.choices, default=Channel.ANNOUNCEMENTS
    )
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty keeps it a draft; a future time publishes it then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncementManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["cohort", "published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        self.body_html = render_markdown(self.body)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_html"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("cohort:announcement", kwargs={"slug": self.cohort.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()


class RetentionStage(models.TextChoices):
    PERSONAL = "personal", "Personal data"
    FINANCE = "finance", "Finance records"


class RetentionRecord(models.Model):
    """One deletion of a closed cohort's data: what, how many, when."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="retention_records")
    stage = models.CharField(max_length=16, choices=RetentionStage.choices)
    app = models.CharField(max_length=40)
    what = models.CharField(max_length=120)
    count = models.PositiveIntegerField()
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.count} {self.what} deleted {self.at:%Y-%m-%d}"


class PersonalReminder(models.Model):
    """A reminder the mentor sent one person, or an invitation sent again: at most one a day.

    The unique constraints are what makes a double click (or two mentors at once) do one thing.
    """

    class Via(models.TextChoices):
        SLACK = "slack", "Slack direct message"
        EMAIL = "email", "E-mail"
        INVITATION = "invitation", "Invitation e-mail sent again"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="personal_reminders")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="personal_reminders"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="resends"
    )
    day = models.DateField(help_text="The day it was sent, in the cohort's timezone.")
    via = models.CharField(max_length=16, choices=Via.choices)
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user", "day"],
                condition=models.Q(user__isnull=False),
                name="personal_reminder_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["invitation", "day"],
                condition=models.Q(invitation__isnull=False),
                name="invitation_resent_once_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, invitation__isnull=True)
                | models.Q(user__isnull=True, invitation__isnull=False),
                name="personal_reminder_person_or_invitation",
            ),
        ]

    def __str__(self):
        return f"{self.get_via_display()} → {self.user or self.invitation} on {self.day}"


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


__all__ = [
    "POST_STATE_TO_DELIVERY",
    "Announcement",
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
    "SlackRateGate",
    "SubmittedForm",
    "User",
]
