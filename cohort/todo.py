"""The home page's to-do list: each app registers a function that lists a member's open items.

A provider takes `(membership, now)` and returns a list of `TodoItem`s. Providers must run a
constant number of queries, whatever the size of the cohort, and name the `cohort.fragments`
topics of every row they read: the home page keeps each person's list until one of them (or
the cohort itself) changes. A provider's items depend on rows only, never on the clock alone
(a due date is shown, not counted down).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone

from cohort import fragments
from cohort.models import Membership
from cohort.standing import stepped_back


@dataclass(frozen=True)
class TodoItem:
    label: str
    url: str = ""
    due: datetime | None = None
    done: bool = False
    detail: str = ""


Provider = Callable[[Membership, datetime], list[TodoItem]]
_providers: list[Provider] = []
_topics: set[str] = set()
KEEP_SECONDS = 3600


def register(provider: Provider, *, topics: tuple[str, ...]) -> Provider:
    """Add a provider, with the topics of the rows it reads."""
    if provider not in _providers:
        _providers.append(provider)
    _topics.update(topics)
    return provider


def todo_items(membership: Membership, now: datetime | None = None) -> list[TodoItem]:
    now = now or timezone.now()
    items = [item for provider in _providers for item in provider(membership, now)]
    far_future = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda item: (item.done, item.due or far_future))


def kept_todo_items(membership: Membership) -> list[TodoItem]:
    """`todo_items`, kept per person, role and standing under the generations of every topic the
    providers read (read before the items, so a change while they are built is not kept)."""
    topics = sorted(_topics)
    generations = fragments.generations(membership.cohort_id, topics)
    key = "todo:{}:{}:{}:{}:{}".format(
        membership.cohort_id,
        membership.user_id,
        membership.role,
        int(stepped_back(membership)),
        ":".join(str(generations[topic]) for topic in topics),
    )
    items = cache.get(key)
    if items is None:
        items = todo_items(membership)
        cache.set(key, items, timeout=KEEP_SECONDS)
    return items
