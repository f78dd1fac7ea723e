"""The visitor's own rows, kept in the cache between requests: their user (read by every page's
authentication) and their membership of the cohort in the URL (read by every cohort page).

Both are asked on every page, change rarely, and cost more in the ORM than in the database
(about 1.5 ms and 3 ms a page here). Each is kept under the person's generation, a key that every
change which could alter either one renews:

- a save or deletion of the user (a new name, a new password, a deactivation);
- a save or deletion of any membership of theirs, in any cohort (a role, a removal, a new cohort
  counted by "Switch cohort");
- a save or deletion of a row that the membership query joins for `cohort.standing` (a
  withdrawal: `standing.register(..., models=...)` connects them here), or a service's
  `QuerySet.update()` of one, which calls `renew` itself;
- a change of the cohort itself (`cohort_changed`), which renews every member's generation.

A renewal happens at once and again when the transaction commits, so a page that read the old
rows while the change was still open cannot keep them under the new generation. An entry read
with a generation that is no longer current is never used; a missing generation means nothing is
trusted and the rows are read afresh. Nothing is kept of a person who is not a member: a 404 is
always asked again, so a new membership shows at once.
"""

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare

# Generations outlive the entries kept under them, so an entry never outlives its generation.
GENERATION_SECONDS = 7 * 24 * 3600
ENTRY_SECONDS = 3600


def _generation_key(user_id: int) -> str:
    return f"visitor-gen:{user_id}"


def _set_new_generations(user_ids: list[int]) -> None:
    seed = time.time_ns()
    cache.set_many(
        {_generation_key(user_id): seed for user_id in user_ids}, timeout=GENERATION_SECONDS
    )


def renew(user_ids: Iterable[int | None]) -> None:
    """The rows of these people changed: what was kept of them is not used again."""
    user_ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not user_ids:
        return
    _set_new_generations(user_ids)
    transaction.on_commit(lambda: _set_new_generations(user_ids))


def kept(kind: str, user_id: int, part: str, load: Callable):
    """The row `load()` reads for person `user_id`, from the cache when it is current.

    `kind` and `part` name what is kept (e.g. "membership" of cohort slug "demo"). A `load()`
    that finds nothing (None) is not kept.
    """
    generation_key = _generation_key(user_id)
    entry_key = f"visitor:{kind}:{user_id}:{part}"
    found = cache.get_many([generation_key, entry_key])
    generation = found.get(generation_key)
    entry = found.get(entry_key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        # Start a generation; this read is not kept, as a renewal may be racing with it.
        cache.add(generation_key, time.time_ns(), timeout=GENERATION_SECONDS)
        return load()
    row = load()
    if row is not None:
        cache.set(entry_key, (generation, row), timeout=ENTRY_SECONDS)
    return row


def watch(model, user_of: Callable) -> None:
    """Renew the person `user_of(row)` (a user id, or None) when a `model` row changes."""

    def changed(sender, instance, raw=False, **kwargs):
        renew([user_of(instance)])

    uid = f"visitors:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")


def cohort_changed(cohort_id: int | None) -> None:
    """The cohort itself changed (it is part of every membership kept): renew all its members."""
    if cohort_id is None:
        return
    from cohort.models import Membership

    renew(
        Membership.objects.filter(cohort_id=cohort_id).order_by().values_list("user_id", flat=True)
    )


def session_user(request):
    """The user of the request's session, as `django.contrib.auth.get_user` finds it.

    Django itself reads the row (and checks the session against it) whenever nothing current is
    kept; a kept row is used only when the session names a backend still configured and carries
    the hash of that row's password, exactly what Django would have checked. Anything else
    (no login, an old hash, a fallback secret) goes to Django.
    """
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if (
        user_id is None
        or not session_hash
        or session.get(auth.BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS
    ):
        return auth.get_user(request)
    loaded = []

    def load():
        user = auth.get_user(request)
        loaded.append(user)
        return user if user.is_authenticated else None

    user = kept("user", user_id, "", load)
    if loaded:  # Django read and checked it in this request
        return loaded[0]
    if user is None:
        return AnonymousUser()
    if not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return auth.get_user(request)
    return user
