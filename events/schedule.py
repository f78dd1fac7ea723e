"""The schedule's event lists for one viewer: their rows in the viewer's timezone, with the marks
that are theirs (opted out, attended) and the moment's (now, next).

The page caches the rendered lists under `state`, which names everything they show; the rows
themselves are only built when that fragment is missing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property

from django.utils.safestring import SafeString

from cohort.when import when_html
from events.queries import EventRow, EventRows, OptOuts

SHORT = "%H:%M"


@dataclass(frozen=True)
class Item:
    row: EventRow
    when: SafeString
    badge: str  # "now", "next" or ""
    opted_out: bool
    attended: bool


class ScheduleLists:
    def __init__(
        self,
        events: EventRows,
        *,
        now: datetime,
        viewer_tz: tzinfo,
        cohort_tz: str,
        opt_outs: OptOuts,
        attended_ids: set[int],
    ):
        self.events, self.rows, self.now = events, events.rows, now
        self.viewer_tz, self.cohort_tz = viewer_tz, cohort_tz
        self.opt_outs, self.attended_ids = opt_outs, attended_ids
        self.now_ids = {row.pk for row in self.rows if row.is_now(now)}
        following = next((row for row in self.rows if row.starts_at > now), None)
        self.next_id = following.pk if following else None

    def state(self, *, view: str, monday: date | None, role: str, slug: str) -> str:
        """Everything the lists show, for the cached fragment's key."""
        past = sum(1 for row in self.rows if row.ends_at <= self.now)
        return "|".join(
            str(part)
            for part in (
                self.events.generation,
                slug,
                self.cohort_tz,
                self.viewer_tz,
                role,
                view,
                monday,
                self.opt_outs.everything,
                sorted(self.opt_outs.event_ids),
                sorted(self.attended_ids),
                sorted(self.now_ids),
                self.next_id,
                past,
            )
        )

    def _item(self, row: EventRow, fmt: str | None = None) -> Item:
        if fmt is None:
            when = when_html(row.starts_at, self.viewer_tz, self.cohort_tz, SHORT)
        else:
            when = when_html(row.starts_at, self.viewer_tz, self.cohort_tz)
        badge = "now" if row.pk in self.now_ids else "next" if row.pk == self.next_id else ""
        return Item(
            row=row,
            when=when,
            badge=badge,
            opted_out=row.recorded
            and (self.opt_outs.everything or row.pk in self.opt_outs.event_ids),
            attended=row.pk in self.attended_ids,
        )

    def _by_day(self, rows) -> list[tuple[date, list[Item]]]:
        days: dict[date, list[Item]] = {}
        for row in rows:
            day = row.starts_at.astimezone(self.viewer_tz).date()
            days.setdefault(day, []).append(self._item(row))
        return list(days.items())

    @cached_property
    def upcoming_days(self):
        return self._by_day(row for row in self.rows if row.ends_at > self.now)

    @cached_property
    def past(self) -> list[Item]:
        rows = sorted(
            (row for row in self.rows if row.ends_at <= self.now),
            key=lambda row: row.starts_at,
            reverse=True,
        )
        return [self._item(row, fmt="long") for row in rows]

    def week_days(self, monday: date) -> list[tuple[date, list[Item]]]:
        start = datetime.combine(monday, time.min, tzinfo=self.viewer_tz)
        end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=self.viewer_tz)
        grouped = dict(self._by_day(row for row in self.rows if start <= row.starts_at < end))
        return [
            (monday + timedelta(days=n), grouped.get(monday + timedelta(days=n), []))
            for n in range(7)
        ]
