"""The events app's entries in the feed, the overview and the navigation."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cohort.notifications.reminders import DueReminder, digest_subscribers
from cohort.overview import OverviewRow, OverviewSection, shared
from cohort.worklist import DONE, MISSING, NONE, Cell, Column, Contribution, RiskRule
from events import queries
from events.feed import FeedItem, uid_domain
from events.models import RecordingOptOut


def cohort_events_feed(membership) -> list[FeedItem]:
    """Every event of the cohort that is on (and those recently cancelled, marked so), with a
    note when the person opted out of recording."""
    cohort = membership.cohort
    opt_outs = queries.opt_outs_of(cohort, membership.user)
    items = []
    for event in queries.feed_events(cohort, timezone.now()):
        url = settings.SITE_URL + event.get_absolute_url()
        lines = [event.description] if event.description else []
        if event.recorded:
            lines.append(
                "Recorded; you opted out of being recorded."
                if opt_outs.covers(event)
                else "This event is recorded."
            )
        lines.append(f"Details: {url}")
        items.append(
            FeedItem(
                uid=f"event-{event.pk}@{uid_domain()}",
                title=event.title,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                description="\n\n".join(lines),
                location=event.where,
                url=url,
                cancelled=event.cancelled,
                sequence=event.sequence,
                last_modified=event.updated_at,
            )
        )
    return items


def _attendance(cohort, now):
    """The work list and the figures show the same shares: read once per overview."""
    return shared(
        ("attendance", cohort.pk, now), lambda: queries.attendance_by_participant(cohort, now)
    )


def attendance_overview(cohort, now) -> OverviewSection:
    rows = _attendance(cohort, now)
    total = rows[0].share.total if rows else 0
    groups = {"below": [], "within": [], "above": []}
    for row in rows:
        share = row.share
        if share.total:
            groups[share.verdict].append(
                f"{row.name}: {share.attended} of {share.total} ({share.percent}%)"
            )
    optouts = RecordingOptOut.objects.filter(cohort=cohort, event__isnull=True).count()
    return OverviewSection(
        title="Event attendance",
        rows=[
            OverviewRow(label="past events so far", count=total),
            OverviewRow(label="attended fewer than 10%", people=groups["below"]),
            OverviewRow(label="attended 10% to 80% (the guidance)", people=groups["within"]),
            OverviewRow(label="attended more than 80%", people=groups["above"]),
            OverviewRow(label="opted out of every recording", count=optouts),
        ],
        order=40,
    )


def daily_digest(cohort, now) -> list:
    """Each morning (from 7 am cohort time), today's events to those who opted in; one a day."""
    local_now = timezone.localtime(now, cohort.tzinfo)
    if local_now.hour < 7:
        return []
    day = local_now.date()
    todays = list(
        queries.schedule_events(cohort).filter(
            starts_at__gte=cohort.start_of(day), starts_at__lte=cohort.end_of(day)
        )
    )
    if not todays:
        return []
    lines = [f"{timezone.localtime(e.starts_at, cohort.tzinfo):%H:%M} {e.title}" for e in todays]
    url = settings.SITE_URL + reverse("events:schedule", kwargs={"slug": cohort.slug})
    return [
        DueReminder(
            user_id=user_id,
            key=f"events-digest:{day.isoformat()}",
            title=f"Today in {cohort.name}: {len(todays)} event{'s' if len(todays) != 1 else ''}",
            body="\n".join(lines) + f"\n(times in {cohort.timezone})",
            url=url,
        )
        for user_id in sorted(digest_subscribers(cohort))
    ]


def next_event_line(membership, now) -> str:
    """The `/cohort` slash command's line about the next event."""
    upcoming = [
        e for e in queries.upcoming_events(membership.cohort, now, limit=3) if e.starts_at > now
    ]
    if not upcoming:
        return "Next event: nothing scheduled."
    event = upcoming[0]
    local = timezone.localtime(event.starts_at, membership.cohort.tzinfo)
    return f"Next event: {event.title}, {local:%a %-d %b %H:%M} {local.tzname()}"


ATTENDANCE_JUDGED_AFTER = timedelta(weeks=2)


def attendance_work_list(cohort, user_ids, now) -> Contribution:
    """Each participant's share of past events; outside 10%-80% is a risk after two weeks."""
    judged = now >= cohort.start_of(cohort.preparation_start) + ATTENDANCE_JUDGED_AFTER
    cells, outside = {}, set()
    for row in _attendance(cohort, now):
        share = row.share
        if not share.total:
            cells[row.user_id] = {"attendance": Cell("no events yet", NONE, sort=-1)}
            continue
        off = share.verdict != "within"
        cells[row.user_id] = {
            "attendance": Cell(
                f"{share.percent}% ({share.attended} of {share.total})",
                MISSING if off and judged else DONE,
                sort=share.percent,
            )
        }
        if off:
            outside.add(row.user_id)
    return Contribution(
        columns=[Column("attendance", "Attendance", order=70)],
        cells=cells,
        risks=[
            RiskRule(
                key="attendance",
                short="attendance",
                label="attendance under 10% or over 80% after the first two weeks",
                user_ids=frozenset(outside) if judged else frozenset(),
                applies=judged,
                order=50,
            )
        ],
    )


def person_attendance(viewer, person, now):
    from cohort.people import PersonSection

    share = queries.attendance_share(person.cohort, person.user, now)
    return PersonSection(
        title="Attendance",
        template="events/_person_attendance.html",
        context={"share": share},
        order=60,
        anchor="attendance",
    )
