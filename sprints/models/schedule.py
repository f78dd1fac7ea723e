"""A cohort's sprint rules, a pair's alternative dates, and drop-in and interview bookings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohort.models import Cohort
from sprints.models.pairs import Pair

User = settings.AUTH_USER_MODEL


class SprintSettings(models.Model):
    """A cohort's sprint rules; created with defaults the first time they are needed."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="sprint_settings")
    min_person_days = models.PositiveSmallIntegerField(
        default=24, help_text="Shifted dates must still give the pair this many person-days."
    )
    max_days_late = models.PositiveSmallIntegerField(
        default=3, help_text="Shifted dates may end at most this many days after the sprint end."
    )
    max_future_dropins = models.PositiveSmallIntegerField(
        default=1, help_text="How many future drop-in slots a pair may hold at once."
    )
    cancel_hours_before = models.PositiveSmallIntegerField(
        default=1, help_text="A booking can be cancelled up to this many hours before it starts."
    )

    class Meta:
        verbose_name = "sprint settings"
        verbose_name_plural = "sprint settings"

    def __str__(self):
        return f"Sprint settings of {self.cohort}"


class RequestState(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class DateShiftRequest(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="date_shifts")
    state = models.CharField(
        max_length=12, choices=RequestState.choices, default=RequestState.PENDING
    )
    reason = models.TextField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "alternative dates request"

    def __str__(self):
        return f"Alternative dates for {self.pair} ({self.get_state_display()})"


class DateShiftEntry(models.Model):
    request = models.ForeignKey(DateShiftRequest, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["request", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="dateshift_one_per_member"),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="dateshift_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.start_date} to {self.end_date}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class SlotKind(models.TextChoices):
    DROPIN = "dropin", "Drop-in"
    INTERVIEW = "interview", "Final interview"


class Slot(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sprint_slots")
    kind = models.CharField(max_length=12, choices=SlotKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    host = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="slot_in_order"
            ),
            models.UniqueConstraint(
                fields=["cohort", "kind", "starts_at"], name="slot_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A pair's booking of a slot. A slot has at most one live booking and a pair at most one
    live interview: both are database constraints."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="bookings")
    kind = models.CharField(max_length=12, choices=SlotKind.choices)
    booked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True),
                name="booking_one_live_per_slot",
            ),
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(cancelled_at__isnull=True, kind="interview"),
                name="booking_one_interview_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.slot} for {self.pair}"
