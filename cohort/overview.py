"""The mentor's overview: each app registers a function that adds a section of figures.

A section is a heading and rows; a row is a label, a count and the people behind it. Providers
take `(cohort, now)`, must run a constant number of queries, whatever the size of the cohort, and
name the `cohort.fragments` topics of every row they read (cohort/overview_page.py caches them).
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

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


Provider = Callable[[Cohort, datetime], OverviewSection]
_providers: list[Provider] = []
_topics: set[str] = set()


def register(provider: Provider, *, topics: tuple[str, ...]) -> Provider:
    """Add a section provider that reads the rows of `topics` (cohort.fragments)."""
    if provider not in _providers:
        _providers.append(provider)
    _topics.update(topics)
    return provider


def topics() -> set[str]:
    """Every topic the sections read."""
    return set(_topics)


def overview_sections(cohort: Cohort, now: datetime | None = None) -> list[OverviewSection]:
    now = now or timezone.now()
    return sorted((provider(cohort, now) for provider in _providers), key=lambda s: s.order)


# Reads that several providers make alike (the work list's and the figures' attendance), done
# once while the overview is computed; outside of that, every call reads afresh.
_shared: ContextVar[dict | None] = ContextVar("overview_shared_reads", default=None)


@contextmanager
def one_computation():
    """Share reads between the providers for the duration of one computation of the overview."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: tuple, read: Callable):
    """`read()`, done once per `key` within `one_computation()` (always afresh outside it)."""
    memo = _shared.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
