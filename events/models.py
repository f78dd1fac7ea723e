"""The cohort's schedule: events, who opted out of being recorded, who attended, and the
five-minute slots of lightning-talk rounds."""

import base64
import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cohort.models import Cohort, Membership, User
from cohort.validation import http_url

LIGHTNING_SLOT_MINUTES = 5


class EventKind(models.TextChoices):
    TALK = "talk", "Talk"
    WORKSHOP = "workshop", "Workshop"
    QA = "qa", "Q&A"
    RESEARCH = "research", "Mentor doing research"
    LIGHTNING = "lightning", "Lightning talks"
    DROP_IN = "drop_in", "Drop-in"
    SOCIAL = "social", "Social"
    OTHER = "other", "Other"


class SyncState(models.TextChoices):
    PENDING = "pending", "Waiting to sync"
    SYNCED = "synced", "In Google Calendar"
    LOGGED = "logged", "Logged only (Google not configured)"
    FAILED = "failed", "Failed"


class EventQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled=False)


class Event(models.Model):
    """Something on the cohort's schedule; mirrored to the cohort's Google Calendar."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=EventKind.choices, default=EventKind.TALK)
    description = models.TextField(max_length=10000, blank=True, help_text="Markdown.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(
        max_length=500, blank=True, help_text="Leave empty for the cohort's meeting link."
    )
    host = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_events"
    )
    optional = models.BooleanField(default=False)
    recorded = models.BooleanField(default=True)
    recording_url = models.URLField(
        "recording link", max_length=500, blank=True, validators=[http_url]
    )
    cancelled = models.BooleanField(default=False)
    meet_link = models.URLField(
        max_length=500, blank=True, help_text="The Google Meet link Google created, if any."
    )

    sync_state = models.CharField(
        max_length=16, choices=SyncState.choices, default=SyncState.PENDING, editable=False
    )
    synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the waiting retry of a failed sync is due; the sweeper leaves the event alone till then.
    sync_retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_error = models.TextField(blank=True, editable=False)
    # iCalendar's SEQUENCE: one more at every change, so calendars that imported the feed
    # replace their copy rather than keep the old one.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["cohort", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Any change must reach Google again; the sync records its outcome with update().
        self.sync_state = SyncState.PENDING
        if not self._state.adding:
            self.sequence += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "sync_state",
                "sequence",
                "updated_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:event", kwargs={"slug": self.cohort.slug, "pk": self.pk})

    @property
    def where(self) -> str:
        return self.location or self.cohort.meeting_link or self.meet_link

    @property
    def google_event_id(self) -> str:
        return google_event_id(self.pk)

    @property
    def is_lightning(self) -> bool:
        return self.kind == EventKind.LIGHTNING

    def is_past(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def is_now(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def slot_times(self) -> list:
        """The start of each five-minute slot of a lightning round."""
        count = self.duration_minutes // LIGHTNING_SLOT_MINUTES
        return [
            self.starts_at + timedelta(minutes=LIGHTNING_SLOT_MINUTES * n) for n in range(count)
        ]


def google_event_id(pk: int) -> str:
    """Google's event id for our event: base32hex (Google's allowed alphabet, a-v and 0-9),
    derived from the primary key so a retried insert can only ever hit the same event."""
    raw = f"cohortportal{pk:012d}".encode()
    return base64.b32hexencode(raw).decode().rstrip("=").lower()


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """The secret in a member's personal calendar feed URL; resetting replaces it."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Feed of {self.membership}"


class RecordingOptOut(models.Model):
    """A person who does not want to be recorded: at one event, or (event empty) at all."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="recording_opt_outs")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recording_opt_outs")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="recording_opt_outs"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=Q(event__isnull=True),
                name="recording_opt_out_all_once",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(event__isnull=False),
                name="recording_opt_out_event_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} opted out of {self.event or 'all recordings'}"


class Attendance(models.Model):
    """A person was at an event: they said so, or the host marked them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attendances")
    marked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="attendance_once_per_event")
        ]

    def __str__(self):
        return f"{self.user} at {self.event}"


class LightningSlot(models.Model):
    """One five-minute slot of a lightning-talk round, taken by a speaker (and a partner)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    speaker = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="lightning_slots"
    )
    partner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    talk_title = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="lightning_slot_number_once"),
            models.UniqueConstraint(
                fields=["event", "speaker"],
                condition=Q(speaker__isnull=False),
                name="lightning_one_slot_per_speaker",
            ),
            models.UniqueConstraint(
                fields=["event", "partner"],
                condition=Q(partner__isnull=False),
                name="lightning_one_slot_per_partner",
            ),
            models.CheckConstraint(
                condition=~Q(speaker=models.F("partner")) | Q(partner__isnull=True),
                name="lightning_partner_is_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(speaker__isnull=True, partner__isnull=True, talk_title="")
                | Q(speaker__isnull=False),
                name="lightning_free_slot_is_empty",
            ),
        ]

    def __str__(self):
        return f"{self.event} slot {self.number}"

    @property
    def is_free(self) -> bool:
        return self.speaker_id is None
