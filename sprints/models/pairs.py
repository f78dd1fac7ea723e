"""Sprint pairs of exactly two, the invitations that form them, and their research problems."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohort.models import Cohort
from cohort.validation import http_url
from sprints.models.ideas import Idea

User = settings.AUTH_USER_MODEL


class Pair(models.Model):
    """A sprint pair: two members (or one, for a declared solo sprint)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairs")
    is_solo = models.BooleanField("solo sprint", default=False)
    ta = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="ta_pairs"
    )
    current_problem = models.OneToOneField(
        "ProblemSubmission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_for",
    )
    writeup_url = models.URLField(
        "write-up link", max_length=500, blank=True, validators=[http_url]
    )
    help_publish = models.BooleanField("help publish", default=False)
    review_note = models.TextField("private review note", max_length=3000, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    formed_at = models.DateTimeField(default=timezone.now)
    dissolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "-formed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="pair_score_one_to_five",
            )
        ]

    def __str__(self):
        names = " & ".join(m.user.display_name for m in self.members.all())
        return f"{names or 'Empty pair'}{' (solo)' if self.is_solo else ''}"

    @property
    def is_active(self) -> bool:
        return self.dissolved_at is None


class PairMember(models.Model):
    """One seat of a pair. Seats are numbered 1 and 2, so a third person can never join, and a
    person holds at most one active seat per cohort."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="members")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pair_seats")
    slot = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pair", "slot"]
        constraints = [
            models.CheckConstraint(condition=Q(slot__in=[1, 2]), name="pairmember_slot_1_or_2"),
            models.UniqueConstraint(fields=["pair", "slot"], name="pairmember_one_per_slot"),
            models.UniqueConstraint(fields=["pair", "user"], name="pairmember_user_once"),
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=Q(active=True),
                name="pairmember_one_active_pair_per_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.user} in pair {self.pair_id}"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class PairInvitation(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_invitations")
    from_user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    to_user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=12, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    suggested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The mentor, when the invitation came from the partner suggestions.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_user=models.F("to_user")), name="pairinvitation_not_self"
            ),
            models.UniqueConstraint(
                fields=["cohort", "from_user", "to_user"],
                condition=Q(state="pending"),
                name="pairinvitation_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.from_user} invites {self.to_user} ({self.get_state_display()})"


class ProblemState(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    APPROVED = "approved", "Approved"
    SENT_BACK = "sent_back", "Sent back"


class ProblemSubmission(models.Model):
    """One round of a pair's research problem: a chosen idea or their own proposal."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="problem_rounds")
    round = models.PositiveSmallIntegerField()
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    title = models.CharField(max_length=200)
    question = models.TextField(max_length=3000, blank=True)
    why = models.TextField("why it matters", max_length=3000, blank=True)
    plan = models.TextField(max_length=3000, blank=True)
    risks = models.TextField(max_length=3000, blank=True)
    state = models.CharField(
        max_length=12, choices=ProblemState.choices, default=ProblemState.PENDING
    )
    mentor_comment = models.TextField(max_length=3000, blank=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pair", "-round"]
        verbose_name = "research problem"
        constraints = [
            models.UniqueConstraint(fields=["pair", "round"], name="problem_round_unique")
        ]

    def __str__(self):
        return f"{self.title} (round {self.round})"

    @property
    def is_proposal(self) -> bool:
        return self.idea_id is None
