"""Generations of what a cohort's pages show, for cached template fragments.

A page part that costs time and is the same for many viewers (the partner board, the schedule's
event list, the gallery) is cached with Django's `{% cache %}` tag, keyed by the generation of
every topic it shows:

    {% cache 3600 "board" cohort.pk gen.partners viewer_zone %} ... {% endcache %}

A topic's generation changes whenever a row feeding it is saved or deleted: each app names, in
its ready(), which of its models feed which topics (`watch`), and a service that writes with
`QuerySet.update()` or `bulk_create()` (which send no signals) calls `bump` itself. A bump happens
at once (a later read in the same transaction, or the same test, sees it) and again when the
transaction commits, so a page rendered from the old rows while the transaction was open cannot
stay cached under the new generation.

What a fragment must never hold: a CSRF token, or anything that differs by viewer unless the
viewer (or their role, or their time zone) is part of its key.
"""

import secrets
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

PREFIX = "fragment-gen"
# Generations outlive any fragment cached under them; a lost one only costs a re-render.
TIMEOUT_SECONDS = 7 * 24 * 3600


# Every topic this process has heard of: a change of the cohort itself renews them all.
_topics: set[str] = set()


def _seed() -> int:
    """A fresh generation: never a value an older fragment could have been cached under, even
    when a generation key was lost while fragments survived, nor under a frozen or stepped-back
    clock (60 random bits on top; the sum stays a 64-bit integer for Redis' INCR)."""
    return time.time_ns() + secrets.randbits(60)


def _key(cohort_id: int, topic: str) -> str:
    return f"{PREFIX}:{cohort_id}:{topic}"


def generation_key(cohort_id: int, topic: str) -> str:
    """The cache key of a topic's generation, for a caller that reads it with its own keys in
    one round trip (and falls back on `generations` when it is missing)."""
    return _key(cohort_id, topic)


def generations(cohort_id: int, topics: Iterable[str]) -> dict[str, int]:
    """The current generation of each topic, in one cache round trip."""
    topics = list(topics)
    _topics.update(topics)
    keys = {_key(cohort_id, topic): topic for topic in topics}
    found = cache.get_many(list(keys))
    missing = {key: _seed() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=TIMEOUT_SECONDS)
        found.update(missing)
    return {keys[key]: value for key, value in found.items()}


def _increment(cohort_id: int, topics: Iterable[str]) -> None:
    for topic in topics:
        key = _key(cohort_id, topic)
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted): a fresh seed differs from any cached one
            cache.set(key, _seed(), timeout=TIMEOUT_SECONDS)


def bump(cohort_id: int | None, *topics: str) -> None:
    """Mark `topics` of a cohort changed: now, and again when the transaction commits."""
    if cohort_id is None or not topics:
        return
    _topics.update(topics)
    _increment(cohort_id, topics)
    transaction.on_commit(lambda: _increment(cohort_id, topics))


def watch(model, *topics: str, cohort_of: Callable = lambda row: row.cohort_id) -> None:
    """Bump `topics` of the row's cohort whenever a `model` row is saved or deleted."""

    def changed(sender, instance, **kwargs):
        bump(cohort_of(instance), *topics)

    _topics.update(topics)
    uid = f"fragments:{model._meta.label}:{','.join(topics)}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")


# topic -> (fields whose save renews it, or None for any field; fields whose save alone does not)
_user_topics: dict[str, tuple[frozenset[str] | None, frozenset[str]]] = {}


def watch_users(*topics: str, only=None, ignoring=()) -> None:
    """Bump `topics` in every cohort of a person whose user row is saved: for a save of any
    field, or of one in `only`, unless the save wrote nothing but fields in `ignoring` (every
    login writes last_login). One query per save finds the cohorts, whatever the topics."""
    for topic in topics:
        _user_topics[topic] = (frozenset(only) if only else None, frozenset(ignoring))
    _topics.update(topics)
    from cohort.models import User

    post_save.connect(_user_saved, sender=User, weak=False, dispatch_uid="fragments:user")


def _user_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    written = None if update_fields is None else frozenset(update_fields)
    topics = [
        topic
        for topic, (only, ignoring) in _user_topics.items()
        if written is None or (written & only if only else written - ignoring)
    ]
    if not topics:
        return
    from cohort.models import Membership

    cohorts = (
        Membership.objects.filter(user=instance).order_by().values_list("cohort_id", flat=True)
    )
    for cohort_id in cohorts:
        bump(cohort_id, *topics)


def bump_all(cohort_id: int | None) -> None:
    """The cohort itself changed (its slug, name, time zone, budget...): renew every topic."""
    bump(cohort_id, *sorted(_topics))


def cohort_saved(sender, instance, **kwargs):
    bump_all(instance.pk)
