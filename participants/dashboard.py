"""The TA dashboard's body, rendered once and kept until its data, its viewer or the clock
changes it.

The body is personal (a TA's people and requests, what they claimed) and shows times in the
viewer's zone, so it is cached per viewer, zone and cohort, under the generations of the topics
that feed it (`cohort.fragments`): "help" (requests, comments, TA assignments), "people"
(members, slides, goals, withdrawals, names and last logins), "partners" (who is on the board)
and "pairs" (sprint pairs, their problems and interviews). Two things change with the clock
alone: a request turns stale a day after it was asked, and a resolve can be undone for a
minute; the cached body is kept only until the next such moment. It holds no token: its buttons
post through the page's two forms (ta_dashboard.html) by their `form` attribute.
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from cohort import fragments
from cohort.models import Role
from participants import pairs as pair_status
from participants import queries, services
from participants.models import HelpState
from participants.views._common import STALE_AFTER

TOPICS = ("help", "people", "last-seen", "partners", "pairs")
TIMEOUT = timedelta(hours=1)
RESOLVED_HISTORY = 20


def dashboard_ta(request):
    """The TA whose people are shown; None for the mentor, who sees everyone."""
    return None if request.membership.role == Role.MENTOR else request.user


def body(request) -> str:
    cohort, me, now = request.cohort, request.user, timezone.now()
    gens = fragments.generations(cohort.pk, TOPICS)
    key = "ta-dashboard:{}:{}:{}:{}:{}".format(
        cohort.pk,
        me.pk,
        timezone.get_current_timezone_name(),
        cohort.timezone,
        ":".join(str(gens[t]) for t in TOPICS),
    )
    found = cache.get(key)
    if found is not None and now < found[1]:
        return found[0]
    context, valid_until = _context(request, now)
    html = render_to_string("participants/_ta_dashboard_body.html", context, request=request)
    cache.set(key, (html, valid_until), max(1, int((valid_until - now).total_seconds())))
    return html


def _context(request, now: datetime) -> tuple[dict, datetime]:
    cohort, me = request.cohort, request.user
    ta = dashboard_ta(request)
    people_ = list(queries.ta_people(cohort, ta))
    user_ids = [m.user_id for m in people_]
    on_board = queries.partner_user_ids(cohort)
    tas = queries.ta_of(cohort, user_ids) if ta is None else {}
    pairs = pair_status.pair_status_by_user(cohort, user_ids)
    for m in people_:
        m.on_partner_board = m.user_id in on_board
        m.sprint_pair = pairs.get(m.user_id, "")
        m.assigned_ta = tas.get(m.user_id)
    requests_ = list(queries.help_queue(cohort, ta, include_resolved=True))
    valid_until = now + TIMEOUT
    for item in requests_:
        item.is_stale = item.state == HelpState.OPEN and now - item.created_at > STALE_AFTER
        if item.state == HelpState.OPEN and not item.is_stale:
            valid_until = min(valid_until, item.created_at + STALE_AFTER)
        item.requester_pair = pairs.get(item.requester_id, "")
        item.can_undo = (
            item.state == HelpState.RESOLVED
            and item.claimed_by_id == me.pk
            and now - item.resolved_at < services.UNDO_RESOLVE_WITHIN
        )
        if item.can_undo:
            valid_until = min(valid_until, item.resolved_at + services.UNDO_RESOLVE_WITHIN)
    resolved = sorted(
        (r for r in requests_ if r.state == HelpState.RESOLVED),
        key=lambda r: (r.resolved_at, r.pk),
        reverse=True,
    )
    context = {
        "cohort": cohort,
        "people": people_,
        "queue": [r for r in requests_ if r.state == HelpState.OPEN],
        "mine": [r for r in requests_ if r.state == HelpState.CLAIMED and r.claimed_by_id == me.pk],
        "others_claimed": [
            r for r in requests_ if r.state == HelpState.CLAIMED and r.claimed_by_id != me.pk
        ],
        "just_resolved": [r for r in resolved if r.can_undo],
        "resolved": resolved[:RESOLVED_HISTORY],
        "pairs": pair_status.pairs_for_ta(cohort, ta, user_ids),
        "is_mentor": ta is None,
    }
    return context, valid_until
