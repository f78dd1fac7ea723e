"""Sprints: project ideas, mini-project logs, sprint pairs of exactly two, research problems,
alternative dates, drop-in and interview bookings, and the mentor's selection."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohort.models import Cohort
from cohort.validation import http_url, http_url_lines, is_http_url

User = settings.AUTH_USER_MODEL

DEFAULT_CATEGORIES = [
    "Looking for learned features",
    "Interpreting algorithmic problems",
    "Analysing toy language models",
    "Circuits in the wild",
    "Techniques",
    "Tooling and automation",
    "Superposition and polysemanticity",
    "Other",
]


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


class IdeaCategory(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="idea_categories")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "name"]
        verbose_name_plural = "idea categories"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="ideacategory_unique_name")
        ]

    def __str__(self):
        return self.name


class Difficulty(models.TextChoices):
    A = "A", "A: approachable"
    B = "B", "B: moderate"
    C = "C", "C: hard"


class IdeaKind(models.TextChoices):
    MINI = "mini", "Mini-project"
    SPRINT = "sprint", "Sprint"
    BOTH = "both", "Mini-project or sprint"


class Idea(models.Model):
    """A project idea written by the mentor."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=10000, help_text="Markdown.")
    category = models.ForeignKey(IdeaCategory, on_delete=models.PROTECT, related_name="ideas")
    difficulty = models.CharField(max_length=1, choices=Difficulty.choices)
    kind = models.CharField(
        "suited to", max_length=8, choices=IdeaKind.choices, default=IdeaKind.BOTH
    )
    links = models.TextField(
        max_length=2000,
        blank=True,
        validators=[http_url_lines],
        help_text="One address per line, each starting with http:// or https://.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "category__order", "difficulty", "title"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "title"], name="idea_unique_title"),
            models.CheckConstraint(
                condition=Q(difficulty__in=["A", "B", "C"]), name="idea_difficulty_abc"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def link_list(self) -> list[str]:
        # Only web addresses are ever links, whatever an older row holds.
        return [line for line in (s.strip() for s in self.links.splitlines()) if is_http_url(line)]


class MiniProject(models.Model):
    """A light log of a short project, by one person with optional collaborators."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mini_projects")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mini_projects")
    title = models.CharField(max_length=200)
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="mini_projects"
    )
    collaborators = models.ManyToManyField(
        User, blank=True, related_name="mini_project_collaborations"
    )
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="From 1 to 5 days."
    )
    result_url = models.URLField(
        "link to the result", max_length=500, blank=True, validators=[http_url]
    )
    takeaway = models.CharField("one-line takeaway", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=5), name="miniproject_one_to_five_days"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def end_date(self):
        return self.start_date + timedelta(days=self.days - 1)


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
