"""Where a member stands in their cohort beyond their role, e.g. withdrawn from the program.

An app that records such a state registers a function `fn(membership) -> Standing | None`
(participants registers withdrawals). Every cohort page shows the notice; pages and to-do
providers that offer program steps check `stepped_back(membership)` and hide them.
"""

from collections.abc import Callable
from dataclasses import dataclass

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


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


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
