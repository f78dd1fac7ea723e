"""Who belongs to a cohort: memberships, invitations and the reminders sent to one person."""

import secrets

from django.db import models
from django.utils.timezone import now

from cohort.models.accounts import User
from cohort.models.cohorts import Cohort
from cohort.roles import Role, role_can


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
