"""Reads of the participants app used by more than one caller."""

from django.db.models import Count, Prefetch, Q, QuerySet

from cohort.models import Cohort, Membership, Role, User
from participants.models import (
    HelpComment,
    HelpRequest,
    HelpState,
    PairingJoin,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    TAAssignment,
    WithdrawalScope,
)

WITHDRAWN_FROM_PROGRAM = Q(
    withdrawal__scope=WithdrawalScope.PROGRAM, withdrawal__reversed_at__isnull=True
)


def active_memberships(cohort: Cohort) -> QuerySet[Membership]:
    """Members who have not withdrawn from the program, with their slide, goals and withdrawal."""
    return (
        Membership.objects.filter(cohort=cohort)
        .exclude(WITHDRAWN_FROM_PROGRAM)
        .select_related("user", "profile", "goals_answer", "withdrawal")
    )


def withdrawn_user_ids(cohort: Cohort) -> set[int]:
    return set(
        Membership.objects.filter(cohort=cohort)
        .filter(WITHDRAWN_FROM_PROGRAM)
        .values_list("user_id", flat=True)
    )


def gallery(cohort: Cohort, *, interest: str = "", role: str = "", tz: str = ""):
    """The slides shown in the gallery and slideshow: active members who have not hidden theirs."""
    qs = (
        active_memberships(cohort)
        .exclude(profile__hidden_from_gallery=True)
        .order_by("user__name", "user__email")
    )
    if interest:
        qs = qs.filter(profile__interests__contains=f",{interest},")
    if role:
        qs = qs.filter(role=role)
    if tz:
        qs = qs.filter(user__timezone=tz)
    return qs


def gallery_filter_options(cohort: Cohort) -> dict:
    """Interest tags (most used first) and timezones present among visible slides."""
    rows = list(
        active_memberships(cohort)
        .exclude(profile__hidden_from_gallery=True)
        .values_list("profile__interests", "user__timezone")
    )
    counts: dict[str, int] = {}
    for interests, _tz in rows:
        for tag in (interests or "").split(","):
            if tag:
                counts[tag] = counts.get(tag, 0) + 1
    return {
        "interests": sorted(counts, key=lambda t: (-counts[t], t)),
        "timezones": sorted({tz for _i, tz in rows}),
        "roles": [(r.value, r.label) for r in Role],
    }


def introductions(cohort: Cohort):
    return (
        active_memberships(cohort)
        .exclude(profile__introduction="")
        .filter(profile__isnull=False)
        .order_by("-profile__introduced_at")
    )


def partner_entries(cohort: Cohort, *, with_interest: bool = True):
    """The partner board with each entry's owner (and the interest shown in it), newest first."""
    entries = (
        PartnerEntry.objects.filter(cohort=cohort, paired_at__isnull=True)
        .exclude(
            user__in=Membership.objects.filter(cohort=cohort)
            .filter(WITHDRAWN_FROM_PROGRAM)
            .values("user")
        )
        .select_related("user")
    )
    if not with_interest:
        return entries
    return entries.prefetch_related(
        Prefetch("interests_received", queryset=PartnerInterest.objects.select_related("user"))
    )


def interests_of(cohort: Cohort, user: User) -> tuple[dict[int, PartnerInterest], list]:
    """On this cohort's board, in one query: the person's "interested" marks by entry id, and
    the interest shown in their own entry (newest first, with who showed it)."""
    rows = PartnerInterest.objects.filter(
        Q(user=user) | Q(entry__user=user, entry__paired_at__isnull=True), entry__cohort=cohort
    ).select_related("user", "entry")
    sent = {i.entry_id: i for i in rows if i.user_id == user.pk}
    received = [i for i in rows if i.entry.user_id == user.pk]
    return sent, received


def pairing_topics(cohort: Cohort):
    return (
        PairingTopic.objects.filter(cohort=cohort)
        .select_related("owner")
        .prefetch_related(Prefetch("joins", queryset=PairingJoin.objects.select_related("user")))
    )


def help_requests_of(user: User, cohort: Cohort):
    return (
        HelpRequest.objects.filter(cohort=cohort, requester=user)
        .select_related("claimed_by")
        .prefetch_related(
            Prefetch("comments", queryset=HelpComment.objects.select_related("author"))
        )
        .order_by("-created_at")
    )


def assigned_user_ids(cohort: Cohort, ta: User) -> list[int]:
    return list(
        TAAssignment.objects.filter(cohort=cohort, ta=ta).values_list("participant_id", flat=True)
    )


def ta_people(cohort: Cohort, ta: User | None):
    """The participants a TA looks after (all participants for the mentor: ta=None)."""
    qs = Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT).select_related(
        "user", "profile", "goals_answer", "withdrawal"
    )
    if ta is not None:
        qs = qs.filter(user__ta_assignment__cohort=cohort, user__ta_assignment__ta=ta)
    return qs.annotate(
        open_requests=Count(
            "user__help_requests",
            filter=Q(user__help_requests__cohort=cohort)
            & ~Q(user__help_requests__state=HelpState.RESOLVED),
        )
    ).order_by("user__name", "user__email")


def help_queue(cohort: Cohort, ta: User | None, *, include_resolved: bool = False):
    """Requests from a TA's people (everyone's for the mentor), oldest first."""
    qs = (
        HelpRequest.objects.filter(cohort=cohort)
        .select_related("requester", "claimed_by")
        .prefetch_related(
            Prefetch("comments", queryset=HelpComment.objects.select_related("author"))
        )
    )
    if ta is not None:
        qs = qs.filter(requester__ta_assignment__cohort=cohort, requester__ta_assignment__ta=ta)
    if not include_resolved:
        qs = qs.exclude(state=HelpState.RESOLVED)
    return qs.order_by("created_at", "id")


def partner_user_ids(cohort: Cohort) -> set[int]:
    return set(
        PartnerEntry.objects.filter(cohort=cohort, paired_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def ta_of(cohort: Cohort, user_ids) -> dict[int, User]:
    return {
        a.participant_id: a.ta
        for a in TAAssignment.objects.filter(
            cohort=cohort, participant_id__in=user_ids
        ).select_related("ta")
    }
