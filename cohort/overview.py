"""The mentor's overview: each app registers a function that adds a section of figures.

A section is a heading and rows; a row is a label, a count and the people behind it. Providers
must run a constant number of queries, whatever the size of the cohort.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cohort.models import Cohort


@dataclass
class OverviewRow:
    label: str
    people: list = field(default_factory=list)
    count: int | None = None
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.people) if self.count is None else self.count


@dataclass
class OverviewSection:
    title: str
    rows: list[OverviewRow]
    order: int = 100


Provider = Callable[[Cohort], OverviewSection]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def overview_sections(cohort: Cohort) -> list[OverviewSection]:
    return sorted((provider(cohort) for provider in _providers), key=lambda s: s.order)
