"""The one place that decides what a member of a given role may see and do in a cohort.

Every cohort page is wrapped in `member_required(capability)`: the person must be logged in,
must belong to the cohort in the URL (otherwise 404, so a cohort's existence is not revealed),
and their role must hold the capability (otherwise 403). Later apps add their capabilities to
CAPABILITIES rather than checking roles in views.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404

from cohort import standing
from cohort.models import Membership, Role

EVERYONE = frozenset(Role)

CAPABILITIES: dict[str, frozenset[str]] = {
    # Reading what the whole cohort shares: home, resources, FAQ, announcements.
    "view_cohort": EVERYONE,
    # The mentor's overview of the cohort's funnel and who has not signed up yet.
    "view_overview": frozenset({Role.MENTOR}),
    # Closing the cohort, which sets the day its personal data is deleted.
    "close_cohort": frozenset({Role.MENTOR}),
    # Participants: the goals form, help requests, withdrawing, joining the partner board.
    "participate": frozenset({Role.PARTICIPANT}),
    # Browsing the partner board: participants, and the TAs and mentor who help them pair up.
    "view_partner_board": frozenset({Role.PARTICIPANT, Role.TA, Role.MENTOR}),
    # The TA dashboard: assigned people and their help requests (the mentor sees everyone's).
    "help_participants": frozenset({Role.TA, Role.MENTOR}),
    # sprints: log one's own mini-projects.
    "log_mini_project": frozenset({Role.PARTICIPANT}),
    # sprints: the sprint page (invitations, pair, problem, dates, bookings, write-up).
    "sprint_pair": frozenset({Role.PARTICIPANT}),
    # sprints: the mentor's partner suggestions and sending them as invitations.
    "suggest_partners": frozenset({Role.MENTOR}),
    # events: anyone may ask not to be recorded, at one event or at all.
    "opt_out_of_recording": EVERYONE,
    # events: participants say which past events they attended (their share vs the guidance).
    "mark_own_attendance": frozenset({Role.PARTICIPANT}),
    # events: participants take a five-minute lightning-talk slot.
    "take_lightning_slot": frozenset({Role.PARTICIPANT}),
    # events: hosts keep the register; the view also checks they host that event (or mentor).
    "host_events": frozenset({Role.MENTOR, Role.TA}),
    # Compute: one's own budget, claims and top-up requests.
    "use_compute": frozenset({Role.PARTICIPANT}),
    # Compute: opening a claim, receipt or top-up (participants only their own).
    "view_claims": frozenset({Role.PARTICIPANT, Role.MENTOR, Role.OPERATIONS}),
    # Compute: reviewing, deciding and paying claims and top-ups; the finance export.
    "review_compute": frozenset({Role.MENTOR, Role.OPERATIONS}),
    # The Django admin, per area (cohort.admin_scoping reads these; inlines follow their page):
    # the cohort's settings, invitations, members, resources, FAQ, announcements and Slack.
    "manage_cohort": frozenset({Role.MENTOR}),
    # participants: slides, goals answers, withdrawals, boards, TA assignments, help requests.
    "manage_participants": frozenset({Role.MENTOR}),
    # sprints: ideas, pairs and their review, problems, dates, slots, selection.
    "manage_sprints": frozenset({Role.MENTOR}),
    # events: the schedule, recording opt-outs, attendance.
    "manage_events": frozenset({Role.MENTOR}),
    # Choosing people in the admin's forms (the scoped people list behind autocomplete fields).
    "choose_people": frozenset({Role.MENTOR, Role.OPERATIONS}),
}


def role_can(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}") from None


def _cohort_count(user_id) -> Subquery:
    """How many cohorts the person belongs to, counted inside the membership's own query."""
    return Subquery(
        Membership.objects.filter(user_id=user_id)
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
        .values("count")
    )


def cohort_count(request) -> int:
    """How many cohorts the visitor belongs to, for "Switch cohort" in base.html: read from the
    page's membership query when there is one, otherwise counted once for this request."""
    membership = getattr(request, "membership", None)
    count = getattr(membership, "cohorts_of_user", None)
    if count is None:
        if not request.user.is_authenticated:
            return 0
        count = Membership.objects.filter(user=request.user).count()
    return count


def get_membership(request, slug: str) -> Membership:
    """The requesting person's membership in the cohort `slug`, or 404."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("cohort", "user", *standing.joined_relations())
        .annotate(cohorts_of_user=_cohort_count(OuterRef("user_id")))
        .filter(cohort__slug=slug, user=request.user)
        .first()
    )
    if membership is None:
        raise Http404("No such cohort.")
    return membership


def member_required(capability: str = "view_cohort"):
    """Decorate a view that takes `slug`; it receives `request.cohort` and `request.membership`."""
    if capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, slug, *args, **kwargs):
            membership = get_membership(request, slug)
            if not membership.can(capability):
                raise PermissionDenied("Your role in this cohort does not include this page.")
            request.membership = membership
            request.cohort = membership.cohort
            return view(request, *args, **kwargs)

        wrapped.capability = capability
        return wrapped

    return decorator


def managed_cohort_ids(user, roles=CAPABILITIES["choose_people"]) -> set[int]:
    """Cohorts whose records `user` may manage in the admin with one of `roles`."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=roles).values_list("cohort_id", flat=True)
    )
