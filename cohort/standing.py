"""Where a member stands in their cohort beyond their role, e.g. withdrawn from the program.

An app that records such a state registers a function `fn(membership) -> Standing | None`
(participants registers withdrawals). Every cohort page shows the notice; pages and to-do
providers that offer program steps check `stepped_back(membership)` and hide them.

Every page asks, so a provider names the one-to-one rows it reads (`joins`): the membership query
of `member_required` joins them, and the notice costs no query of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cohort import visitors
from cohort.models import Membership


@dataclass(frozen=True)
class Standing:
    title: str
    body: str
    # True when the person no longer takes part: program steps are hidden from them.
    stepped_back: bool = False
    url: str = ""


Provider = Callable[[Membership], "Standing | None"]
_providers: list[Provider] = []
_joins: list[str] = []


def register(provider: Provider, *, joins: tuple[str, ...] = ()) -> Provider:
    """Add a provider; `joins` are the membership's one-to-one relations it reads. A page's
    membership is kept between requests (cohort.visitors) until a joined row changes: each one
    is watched here, and a service that changes one with `QuerySet.update()` calls
    `visitors.renew` itself."""
    if provider not in _providers:
        _providers.append(provider)
    for name in joins:
        if name in _joins:
            continue
        _joins.append(name)
        visitors.watch(Membership._meta.get_field(name).related_model, user_of=_user_of)
    return provider


def _user_of(row) -> int | None:
    """The person a one-to-one row of a membership belongs to."""
    if type(row).membership.is_cached(row):
        return row.membership.user_id
    return Membership.objects.filter(pk=row.membership_id).values_list("user_id", flat=True).first()


def joined_relations() -> list[str]:
    """What the membership query of a cohort page joins for the providers."""
    return list(_joins)


def standings_of(membership: Membership | None) -> list[Standing]:
    if membership is None:
        return []
    cache = getattr(membership, "_standings", None)
    if cache is None:
        cache = [s for p in _providers if (s := p(membership)) is not None]
        membership._standings = cache
    return cache


def stepped_back(membership: Membership | None) -> bool:
    return any(s.stepped_back for s in standings_of(membership))
