"""The Slack domain: outbox, delivery, sweeper, message templates, reminders, `/cohort`.

Split by job: `queue` writes outbox rows (announcements, direct messages), `deliver` sends one
row, `sweep` recovers lost work, `messages` renders templates/slack/, `reminders` decides who is
due a reminder, `command` answers `/cohort`, `tasks` are the Celery entry points, `models`
holds the rows (under the `cohort` app label). Slack itself is reached only through
cohort/integrations/slack.py.

The outbox: messages are rows first, then delivered exactly once by Celery tasks.

How "exactly once" is kept, step by step:

1. A cause (an announcement published, a notification recorded, a reminder due) writes a
   `SlackMessage` row in its own transaction; the delivery task is enqueued only after commit.
2. The task claims the row with a conditional UPDATE (pending → sending, only when its
   `next_attempt_at` has come). Only the winner of the claim calls Slack, so a duplicated or
   retried task never posts twice, and only the winner schedules the next attempt, so the
   number of live tasks per row never grows.
3. After Slack answers, `ts` is stored and the row is `sent`. A 429 puts the row back with
   `next_attempt_at` = now + Retry-After and re-enqueues with that countdown (no sleeping in the
   worker); timeouts, connection errors and 5xx back off exponentially (bounded, at most
   SLACK_MAX_ATTEMPTS tries); permanent errors mark the row failed with Slack's reason.
4. The sweeper (Celery beat) re-enqueues pending rows whose time is well past (the task was
   lost: worker killed, Redis restarted) and rows stuck in `sending` for longer than
   SLACK_STALE_SENDING_SECONDS (the worker died between calling Slack and storing `ts`).
5. The window between "Slack accepted the post" and "we stored ts" cannot be closed with a
   database alone. Every post carries the row's `marker` as message metadata; whenever an
   attempt may have reached Slack (timeout, 5xx, connection lost, worker died mid-call) the
   row gets `needs_check`, and the next attempt first reads the channel's history
   (conversations.history with include_all_metadata) for that marker: found means sent, with
   that ts, and nothing is posted again. What remains: if the history read itself is refused
   (missing `channels:history`/`im:history` scope) the row is posted again (at least once
   wins over at most once, and the log says so); and a post still invisible in history when
   the check runs (Slack is eventually consistent) could be repeated. Stale rows are only
   checked after SLACK_STALE_SENDING_SECONDS, well beyond the client timeout, to keep that small.
"""
