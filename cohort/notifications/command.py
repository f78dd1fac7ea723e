"""The `/cohort` slash command: a private answer with the person's next deadline, next event
and to-do list, or `help`.

Other apps may add a line to the answer (the events app: "Next event: ...") with
`register_section(fn)`, where `fn(membership, now)` returns mrkdwn text or "" and runs a
constant number of queries. The answer must leave within Slack's 3 seconds, so nothing here
waits on Slack except one `users.info` for a person seen for the first time (short timeout).
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from cohort import queries, timeline
from cohort.integrations.base import PermanentError, TransientError
from cohort.integrations.slack import get_slack
from cohort.models import Membership, User
from cohort.notifications.messages import absolute_url, cut
from cohort.notifications.models import SlackAccount
from cohort.todo import todo_items

logger = logging.getLogger("cohort.slack")

Section = Callable[[Membership, datetime], str]
_sections: list[Section] = []
REPLAY_WINDOW_SECONDS = 6 * 60  # a little longer than the verifier's 5-minute window
LOOKUP_TIMEOUT_SECONDS = 1.5
MAX_TODO = 8


def register_section(section: Section) -> Section:
    if section not in _sections:
        _sections.append(section)
    return section


def first_use_of_signature(signature: str) -> bool:
    """False when this exact signed request was seen before (a replay)."""
    return cache.add(f"slack-command-seen:{signature}", 1, timeout=REPLAY_WINDOW_SECONDS)


def person_for(slack_user_id: str) -> User | None:
    account = SlackAccount.objects.select_related("user").filter(slack_user_id=slack_user_id)
    if found := account.first():
        return found.user
    try:
        email = get_slack(timeout=LOOKUP_TIMEOUT_SECONDS).email_of(user_id=slack_user_id)
    except (PermanentError, TransientError) as exc:
        logger.info("Could not look up Slack user %s: %s", slack_user_id, exc)
        return None
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        SlackAccount.objects.update_or_create(user=user, defaults={"slack_user_id": slack_user_id})
    return user


def answer(*, slack_user_id: str, text: str, now: datetime | None = None) -> str:
    """The text of the private answer to `/cohort <text>`."""
    now = now or timezone.now()
    if text.strip().lower() in ("help", "?"):
        return render_to_string("slack/command_help.txt").strip()
    user = person_for(slack_user_id)
    if user is None:
        return render_to_string("slack/command_unknown.txt").strip()
    cohorts = []
    for membership in queries.memberships_of(user):
        cohort = membership.cohort
        items = [item for item in todo_items(membership, now) if not item.done]
        cohorts.append(
            {
                "cohort": cohort,
                "url": absolute_url(cohort.get_absolute_url()),
                "next": timeline.next_milestone(cohort, now),
                "todo": [
                    {"label": i.label, "url": absolute_url(i.url), "due": i.due}
                    for i in items[:MAX_TODO]
                ],
                "more": max(len(items) - MAX_TODO, 0),
                "sections": [s for s in (fn(membership, now) for fn in _sections) if s],
            }
        )
    reply = render_to_string("slack/command_reply.txt", {"user": user, "cohorts": cohorts})
    return cut(reply.strip(), 3000)
