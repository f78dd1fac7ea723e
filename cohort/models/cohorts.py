"""A cohort (one round of the program) and the record of its data deleted by retention."""

import zoneinfo
from datetime import date, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import now

from cohort.models.accounts import DEFAULT_TIMEZONE, TIMEZONE_CHOICES
from cohort.validation import http_url

PERSONAL_DATA_DAYS = 90
FINANCE_RETENTION_YEARS = 7


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
