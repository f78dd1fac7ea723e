"""Participants: profiles (slides), goals and introductions, the partner and pair-programming
boards, TA assignments and help requests, and withdrawals."""

import zoneinfo

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.timezone import now

from cohort.models import Cohort, Membership, User
from cohort.validation import http_url


def split_tags(text: str) -> list[str]:
    """Comma-separated interests as lower-case tags, in order, without repeats."""
    seen = []
    for raw in (text or "").split(","):
        tag = " ".join(raw.strip().lower().split())[:40]
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def join_tags(tags: list[str]) -> str:
    """Stored with commas around every tag, so that `contains=",tag,"` finds exact tags."""
    return f",{','.join(tags)}," if tags else ""


class TaggedMixin:
    @property
    def interest_list(self) -> list[str]:
        return [tag for tag in self.interests.split(",") if tag]


class Profile(TaggedMixin, models.Model):
    """A member's slide in the names-and-faces gallery. Name and timezone live on the User."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    photo = models.FileField(upload_to="photos/", blank=True, max_length=200)
    # The gallery-size copy of `photo` (participants/thumbnails.py), under a random name that is
    # also its URL's version; `thumbnail_of` names the photo it was made from, so a photo
    # changed anywhere (a form, the admin, a script) is never shown through a stale copy.
    thumbnail = models.FileField(
        upload_to="photos/thumbs/", blank=True, max_length=200, editable=False
    )
    thumbnail_of = models.CharField(max_length=200, blank=True, editable=False)
    pronouns = models.CharField(max_length=40, blank=True)
    bio = models.TextField("short bio", max_length=800, blank=True)
    background = models.TextField(max_length=800, blank=True)
    interests = models.CharField(max_length=500, blank=True)
    website = models.URLField(blank=True, validators=[http_url])
    github = models.URLField("GitHub", blank=True, validators=[http_url])
    scholar = models.URLField("Google Scholar", blank=True, validators=[http_url])
    introduction = models.TextField(max_length=2000, blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    hidden_from_gallery = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["membership__user__name"]

    def __str__(self):
        return f"Profile of {self.membership.user}"

    @property
    def is_complete(self) -> bool:
        return self.complete(self.photo, self.bio, self.interests)

    @staticmethod
    def complete(photo, bio: str, interests: str) -> bool:
        """A slide with a photo, a bio and interests (also for rows read with values())."""
        return bool(photo and bio.strip() and interests)

    @property
    def has_current_thumbnail(self) -> bool:
        return bool(self.photo and self.thumbnail and self.thumbnail_of == self.photo.name)


class Experience(models.TextChoices):
    NEW = "new", "New to interpretability"
    SOME = "some", "Read papers or did tutorials"
    PROJECTS = "projects", "Done a project or two"
    RESEARCH = "research", "Published or led research"


class WantsPartner(models.TextChoices):
    YES = "yes", "Yes, please help me find one"
    HAVE = "have", "I have someone in mind"
    UNSURE = "unsure", "Not sure yet"


class GoalsAnswer(models.Model):
    """A participant's goals form: the submitted answer, and a draft kept apart from it so that
    an unfinished edit never replaces what the mentor already sees."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="goals_answer"
    )
    hopes = models.TextField("what you want from the program", max_length=3000, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    experience = models.CharField(max_length=16, choices=Experience.choices, blank=True)
    topics = models.TextField("topics of interest", max_length=1500, blank=True)
    wants_partner = models.CharField(max_length=16, choices=WantsPartner.choices, blank=True)
    sprint_hopes = models.TextField(
        "what you hope to do in the sprint", max_length=3000, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by the mentor to accept a late submission."
    )
    reopened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["membership__user__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_late=False) | Q(submitted_at__isnull=False),
                name="goals_late_only_when_submitted",
            )
        ]

    def __str__(self):
        return f"Goals of {self.membership.user}"

    @property
    def has_unsubmitted_draft(self) -> bool:
        return bool(self.draft) and (
            self.submitted_at is None
            or (self.draft_saved_at is not None and self.draft_saved_at >= self.submitted_at)
        )


class WithdrawalScope(models.TextChoices):
    PROGRAM = "program", "From the whole program"
    RESEARCH = "research", "Only from research-phase consideration (still doing the sprint)"


class Withdrawal(models.Model):
    """A participant's withdrawal; the mentor reverses it by setting `reversed_at`."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="withdrawal"
    )
    scope = models.CharField(max_length=16, choices=WithdrawalScope.choices)
    reason = models.TextField(max_length=2000, blank=True)
    withdrawn_at = models.DateTimeField(default=now)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-withdrawn_at"]

    def __str__(self):
        return f"{self.membership.user}: {self.get_scope_display()}"

    @property
    def is_active(self) -> bool:
        return self.reversed_at is None


class PartnerEntry(TaggedMixin, models.Model):
    """A participant looking for a sprint partner. Hours are in the person's own timezone."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="partner_entries")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partner_entries")
    want_to_work_on = models.TextField("what you want to work on", max_length=1500)
    interests = models.CharField(max_length=500)
    available_from = models.PositiveSmallIntegerField(
        "available from (hour)", help_text="In your own timezone, 0 to 23."
    )
    available_to = models.PositiveSmallIntegerField(
        "available until (hour)",
        help_text="In your own timezone; before 'from' means past midnight.",
    )
    skills_offered = models.TextField("skills you bring", max_length=1000, blank=True)
    skills_wanted = models.TextField("skills you'd like in a partner", max_length=1000, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)
    paired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while the person is in a sprint pair: the entry is off the board, and "
        "comes back if the pair is dissolved.",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "partner entries"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="partner_entry_one_per_person"),
            models.CheckConstraint(
                condition=Q(available_from__lte=23) & Q(available_to__lte=24),
                name="partner_entry_hours_in_day",
            ),
            models.CheckConstraint(
                condition=~Q(available_from=F("available_to")),
                name="partner_entry_hours_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.user} on the partner board"

    def utc_slots(self, at=None) -> set[int]:
        return local_hours_to_utc_slots(
            self.available_from, self.available_to, self.user.timezone, at or timezone.now()
        )


SLOTS_PER_HOUR = 4  # quarter hours, so that offsets like +05:30 and +05:45 line up exactly


def local_hours_to_utc_slots(start: int, end: int, tz_name: str, at) -> set[int]:
    """The quarter hours of a UTC day covered by [start, end) local time on the day of `at`."""
    try:
        offset = at.astimezone(zoneinfo.ZoneInfo(tz_name)).utcoffset()
    except zoneinfo.ZoneInfoNotFoundError:
        offset = None
    shift = int(offset.total_seconds() // 900) if offset else 0
    length = (end - start) % 24 or 24
    first = start * SLOTS_PER_HOUR - shift
    day = 24 * SLOTS_PER_HOUR
    return {(first + n) % day for n in range(length * SLOTS_PER_HOUR)}


class PartnerInterest(models.Model):
    """ "I'm interested" on someone's partner entry, with a note its owner reads."""

    entry = models.ForeignKey(
        PartnerEntry, on_delete=models.CASCADE, related_name="interests_received"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partner_interests")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="partner_interest_once")
        ]

    def __str__(self):
        return f"{self.user} → {self.entry.user}"


class PairingKind(models.TextChoices):
    TUTORIAL = "tutorial", "A tutorial"
    EXERCISE = "exercise", "An exercise"
    PAPER = "paper", "A paper replication"
    OTHER = "other", "Something else"


class PairingTopic(models.Model):
    """Something a person would like to pair-program on for a short session."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairing_topics")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pairing_topics")
    title = models.CharField(max_length=160)
    kind = models.CharField(
        max_length=16, choices=PairingKind.choices, default=PairingKind.TUTORIAL
    )
    details = models.TextField(max_length=1500, blank=True)
    when = models.CharField(
        max_length=160, blank=True, help_text="e.g. weekday evenings, or Saturday morning"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class PairingJoin(models.Model):
    topic = models.ForeignKey(PairingTopic, on_delete=models.CASCADE, related_name="joins")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pairing_joins")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="pairing_join_once")]

    def __str__(self):
        return f"{self.user} in {self.topic}"


class TAAssignment(models.Model):
    """The one TA who looks after a participant in a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="ta_assignments")
    participant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ta_assignment")
    ta = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ta_people")
    assigned_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["cohort", "ta__name", "participant__name"]
        verbose_name = "TA assignment"
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"], name="ta_assignment_one_per_participant"
            ),
            models.CheckConstraint(
                condition=~Q(ta=F("participant")), name="ta_assignment_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.participant} → {self.ta}"


class Urgency(models.TextChoices):
    LOW = "low", "Whenever someone has time"
    NORMAL = "normal", "Within a day"
    URGENT = "urgent", "I'm blocked"


class HelpState(models.TextChoices):
    OPEN = "open", "Waiting for a TA"
    CLAIMED = "claimed", "A TA is on it"
    RESOLVED = "resolved", "Resolved"


class HelpRequest(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="help_requests")
    requester = models.ForeignKey(User, on_delete=models.CASCADE, related_name="help_requests")
    topic = models.CharField(max_length=200)
    tried = models.TextField("what you tried", max_length=3000, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(max_length=16, choices=HelpState.choices, default=HelpState.OPEN)
    created_at = models.DateTimeField(default=now)
    claimed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_requests"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The person who asked closed it themselves (perhaps before any TA had claimed it).
    closed_by_requester = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["cohort", "state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open")
                | Q(claimed_by__isnull=False)
                | Q(state="resolved", closed_by_requester=True),
                name="help_request_claimed_has_ta",
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved") | Q(resolved_at__isnull=False),
                name="help_request_resolved_has_time",
            ),
        ]

    def __str__(self):
        return self.topic


class HelpComment(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author} on {self.request}"
