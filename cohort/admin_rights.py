"""What the person making an admin request holds: read in one query, once per request.

Every admin page asks the same questions many times (each ModelAdmin's has_*_permission, the
scoped querysets and choices, the sidebar's set of rights): which roles in which cohorts, and
whether Django permissions or groups were given directly. `rights_of(request)` answers them all
from a single query, kept on the request object itself, so the answer lives exactly as long as
the request and is never shared with another one; it is also tied to the person it was read for,
so a request whose user changes (a login) reads afresh.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cohort.models import User

_ATTRIBUTE = "_admin_rights"


@dataclass(frozen=True)
class Rights:
    # (cohort id, role) of every membership.
    memberships: frozenset[tuple[int, str]]
    # Given Django permissions or groups directly (read by the unscoped allauth and auth admins).
    direct: bool

    def cohorts_with(self, roles) -> set[int]:
        """The cohorts in which the person holds one of `roles` (a new set, the caller's own)."""
        return {cohort_id for cohort_id, role in self.memberships if role in roles}

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _, role in self.memberships)


NOBODY = Rights(memberships=frozenset(), direct=False)


def _read(user) -> Rights:
    direct = Exists(User.user_permissions.through.objects.filter(user_id=OuterRef("pk"))) | Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"))
    )
    rows = list(
        User.objects.filter(pk=user.pk)
        .annotate(direct=direct)
        .order_by()
        .values_list("direct", "memberships__cohort_id", "memberships__role")
    )
    if not rows:
        return NOBODY
    return Rights(
        memberships=frozenset((cohort, role) for _, cohort, role in rows if cohort is not None),
        direct=bool(rows[0][0]),
    )


def rights_of(request) -> Rights:
    """The memberships and direct permissions of `request.user`, read once per request."""
    user = request.user
    if not user.is_authenticated:
        return NOBODY
    kept = request.__dict__.get(_ATTRIBUTE)
    if kept is not None and kept[0] == user.pk:
        return kept[1]
    rights = _read(user)
    request.__dict__[_ATTRIBUTE] = (user.pk, rights)
    return rights
