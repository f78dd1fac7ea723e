"""The home page's to-do list: each app registers a function that lists a member's open items.

A provider takes `(membership, now)` and returns a list of `TodoItem`s. Providers must run a
constant number of queries, whatever the size of the cohort.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from cohort.models import Membership


@dataclass(frozen=True)
class TodoItem:
    label: str
    url: str = ""
    due: datetime | None = None
    done: bool = False
    detail: str = ""


Provider = Callable[[Membership, datetime], list[TodoItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todo_items(membership: Membership, now: datetime | None = None) -> list[TodoItem]:
    now = now or timezone.now()
    items = [item for provider in _providers for item in provider(membership, now)]
    far_future = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda item: (item.done, item.due or far_future))
