"""The mentor's overview, computed once and kept in the cache until what it shows changes.

The work list and the figures read most of a cohort (about 2,000 rows at 150 participants), and
are the same for every viewer with `view_overview`: they are kept per cohort, stamped with the
generation of every `cohort.fragments` topic their providers read (each provider names them
when it registers), the cohort's slug and time zone, and the minute. A write to any of those
rows shows at once; the passage of time alone shows within a minute: the lists are computed as
of the start of the minute, so "today", deadlines and late claims move on minute boundaries,
which are also the cohort's day boundaries.

Only the overview's views read this, after their `view_overview` check.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cohort import fragments, overview, reminding, worklist, worklist_html
from cohort.models import Cohort
from cohort.overview import OverviewSection
from cohort.worklist import Column, Row, WorkList

# Today's reminders are marked on the rows.
OWN_TOPICS = frozenset({"reminders"})
# A stamp that differs every minute replaces the entry anyway; this only frees memory.
TIMEOUT_SECONDS = 3600


@dataclass
class OverviewData:
    work_list: WorkList
    # The columns somebody has something in (e.g. "Withdrawn" is empty in most cohorts).
    columns: list[Column]
    sections: list[OverviewSection]
    # Each row's markup by row key, so any filter or order only joins them.
    row_html: dict[str, str]
    # The at-risk counts and the figures, which no filter changes.
    risks_html: SafeString
    figures_html: SafeString

    def rows_html(self, rows: list[Row]) -> SafeString:
        return mark_safe("".join(self.row_html[row.key] for row in rows))  # noqa: S308


def clock(now: datetime) -> datetime:
    """The time the overview is computed as of: the start of the minute."""
    return now.replace(second=0, microsecond=0)


def topics() -> list[str]:
    return sorted(OWN_TOPICS | worklist.topics() | overview.topics())


def overview_data(cohort: Cohort, now: datetime | None = None) -> OverviewData:
    """The cohort's work list and figures as of this minute: from the cache while no row they
    show has changed (one cache round trip), else computed and kept."""
    now = clock(now or timezone.now())
    names = topics()
    gen_keys = [fragments.generation_key(cohort.pk, topic) for topic in names]
    data_key = f"overview:{cohort.pk}"
    found = cache.get_many([*gen_keys, data_key])
    if all(key in found for key in gen_keys):
        generations = tuple(found[key] for key in gen_keys)
    else:
        current = fragments.generations(cohort.pk, names)
        generations = tuple(current[topic] for topic in names)
    stamp = (now.isoformat(), cohort.slug, cohort.timezone, generations)
    stored = found.get(data_key)
    if stored is not None and stored[0] == stamp:
        return stored[1]
    data = compute(cohort, now)
    cache.set(data_key, (stamp, data), timeout=TIMEOUT_SECONDS)
    return data


def compute(cohort: Cohort, now: datetime) -> OverviewData:
    with overview.one_computation():
        work_list = worklist.build_work_list(cohort, now)
        sections = overview.overview_sections(cohort, now)
    reminded = reminding.reminded_today(cohort, now)
    # Most cells are alike ("yes", "missing", "no pair"): one object each, which the cache's
    # pickle then stores once and loads as a reference.
    alike: dict = {}
    for row in work_list.rows:
        row.reminded_today = row.key in reminded
        row.cells = {key: alike.setdefault(cell, cell) for key, cell in row.cells.items()}
    columns = [c for c in work_list.columns if any(c.key in r.cells for r in work_list.rows)]
    for section in sections:
        for figure in section.rows:
            figure.people_html = worklist_html.people_html(figure.people)
    row_html = worklist_html.row_html_maker(columns, work_list.risks, cohort.slug)
    return OverviewData(
        work_list=work_list,
        columns=columns,
        sections=sections,
        row_html={row.key: row_html(row) for row in work_list.rows},
        risks_html=_partial("cohort/_overview_risks.html", risks=work_list.risks),
        figures_html=_partial("cohort/_overview_figures.html", sections=sections),
    )


def _partial(template: str, **context) -> SafeString:
    return mark_safe(render_to_string(template, context).strip())  # noqa: S308 - a template
