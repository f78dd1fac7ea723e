"""The mentor's selection for the research phase and the partner suggestions skipped."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohort.models import Cohort

User = settings.AUTH_USER_MODEL


class Decision(models.TextChoices):
    UNDECIDED = "undecided", "Undecided"
    SELECTED = "selected", "Selected"
    REFERRED = "referred", "Referred to another mentor"
    NOT_SELECTED = "not_selected", "Not selected"


class Selection(models.Model):
    """The mentor's research-phase decision for one participant."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="selections")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="selections")
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.UNDECIDED)
    referred_to = models.CharField(
        "referred to", max_length=150, blank=True, help_text="The other mentor's name."
    )
    note = models.TextField(max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="selection_one_per_person"),
            models.CheckConstraint(
                condition=~Q(decision="referred") | ~Q(referred_to=""),
                name="selection_referral_names_mentor",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_decision_display()}"


class SuggestionSkip(models.Model):
    """A partner suggestion the mentor skipped: that pairing is not proposed again."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="suggestion_skips")
    first = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    skipped_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "first", "second"], name="suggestion_skip_once"
            ),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="suggestion_skip_ordered"
            ),
        ]

    def __str__(self):
        return f"Skipped: {self.first} & {self.second}"
