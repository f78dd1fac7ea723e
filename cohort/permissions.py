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

from cohort import standing, visitors
from cohort.models import Cohort, Membership
from cohort.roles import CAPABILITIES, EVERYONE, Role, role_can

# The role table lives in cohort.roles (the models read it too); it is re-exported here.
__all__ = [
    "CAPABILITIES",
    "EVERYONE",
    "Role",
    "cohort_count",
    "get_membership",
    "managed_cohort_ids",
    "member_required",
    "role_can",
]


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


SLUG_LENGTH = Cohort._meta.get_field("slug").max_length


def get_membership(request, slug: str) -> Membership:
    """The requesting person's membership in the cohort `slug`, or 404: kept between requests
    until any of its rows change (cohort.visitors)."""
    if not request.user.is_authenticated or len(slug) > SLUG_LENGTH:
        raise Http404
    user = request.user

    def load():
        return (
            Membership.objects.select_related("cohort", "user", *standing.joined_relations())
            .annotate(cohorts_of_user=_cohort_count(OuterRef("user_id")))
            .filter(cohort__slug=slug, user=user)
            .first()
        )

    membership = visitors.kept("membership", user.pk, slug, load)
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
