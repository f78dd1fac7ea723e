"""The staff's page about one participant: each app adds the sections it owns.

A section provider takes `(viewer, person, now)` (two memberships of the same cohort) and
returns a `PersonSection` or None; it decides from the viewer's capabilities what it shows, so
a TA never sees what only the mentor may. Who may open a person at all: the mentor always, and
anyone an access hook lets in (the participants app lets TAs open the people assigned to them).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cohort.models import Membership


@dataclass
class PersonSection:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    anchor: str = ""


SectionProvider = Callable[[Membership, Membership, datetime], PersonSection | None]
AccessHook = Callable[[Membership, int], bool]
_sections: list[SectionProvider] = []
_access: list[AccessHook] = []


def register_section(provider: SectionProvider) -> SectionProvider:
    if provider not in _sections:
        _sections.append(provider)
    return provider


def register_access(hook: AccessHook) -> AccessHook:
    if hook not in _access:
        _access.append(hook)
    return hook


def may_view_person(viewer: Membership, user_id: int) -> bool:
    return viewer.can("view_overview") or any(hook(viewer, user_id) for hook in _access)


def person_sections(viewer: Membership, person: Membership, now: datetime) -> list[PersonSection]:
    sections = [provider(viewer, person, now) for provider in _sections]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
