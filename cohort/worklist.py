"""The mentor's work list: one row per participant, a column per stage, and who is at risk now.

The core knows nothing of goals forms, pairs or attendance: each app registers a provider that,
for the cohort's participants, fills its columns and names the people its at-risk rules catch.
A provider takes `(cohort, user_ids, now)` and must run a constant number of queries, whatever
the number of people. People are matched by user id only (two people may share a name). It names
the `cohort.fragments` topics of every row it reads: the overview is kept in the cache until one
of them changes (cohort/overview_page.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from cohort.models import Cohort, Invitation, Membership, Role
from cohort.models.accounts import display_name_of

# The state of one cell: done, in progress, not yet due, missing (late), or not applicable.
DONE, PENDING, MISSING, NONE = "done", "pending", "missing", "none"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class Cell:
    text: str
    state: str = NONE
    sort: object = None

    @property
    def sort_key(self):
        return (self.sort is None, self.sort if self.sort is not None else self.text)


EMPTY = Cell("—")


@dataclass(frozen=True)
class RiskRule:
    """An at-risk rule and the people it catches now (empty when its date has not come yet)."""

    key: str
    label: str
    user_ids: frozenset[int]
    applies: bool = True
    help_url: str = ""
    help_label: str = ""
    order: int = 100
    short: str = ""


@dataclass
class Contribution:
    columns: list[Column] = field(default_factory=list)
    cells: dict[int, dict[str, Cell]] = field(default_factory=dict)
    risks: list[RiskRule] = field(default_factory=list)
    # People no rule should list (e.g. withdrawn from the program).
    inactive: set[int] = field(default_factory=set)


Provider = Callable[[Cohort, list[int], datetime], Contribution]
_providers: list[Provider] = []
# The rows the list itself reads: participants and their names, and open invitations.
_topics: set[str] = {"people", "invitations"}


def register(provider: Provider, *, topics: tuple[str, ...]) -> Provider:
    """Add a provider that reads the rows of `topics` (cohort.fragments)."""
    if provider not in _providers:
        _providers.append(provider)
    _topics.update(topics)
    return provider


def topics() -> set[str]:
    """Every topic the work list reads."""
    return set(_topics)


@dataclass
class Row:
    """A participant who signed up (user set), or an invitation still open (user None)."""

    key: str
    name: str
    email: str
    user_id: int | None = None
    invitation_id: int | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    risks: list[str] = field(default_factory=list)
    inactive: bool = False
    reminded_today: bool = False

    @property
    def signed_up(self) -> bool:
        return self.user_id is not None


@dataclass
class WorkList:
    columns: list[Column]
    rows: list[Row]
    risks: list[RiskRule]
    now: datetime

    def risk(self, key: str) -> RiskRule | None:
        return next((r for r in self.risks if r.key == key), None)


SIGNED_UP = Column("signed_up", "Signed up", order=0)


def build_work_list(cohort: Cohort, now: datetime | None = None) -> WorkList:
    """Every participant and open participant invitation, with each app's columns and risks."""
    now = now or timezone.now()
    members = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .order_by("user__name", "user__email", "user_id")
        .values_list("user_id", "user__name", "user__email")
    )
    waiting = list(
        Invitation.objects.filter(
            cohort=cohort, role=Role.PARTICIPANT, accepted_at__isnull=True
        ).order_by("email")
    )
    user_ids = [user_id for user_id, _name, _email in members]
    signed_up = Cell("yes", DONE, sort=1)
    rows = [
        Row(
            key=f"u{user_id}",
            name=display_name_of(name, email),
            email=email,
            user_id=user_id,
            cells={SIGNED_UP.key: signed_up},
        )
        for user_id, name, email in members
    ]
    rows += [
        Row(
            key=f"i{i.pk}",
            name=i.email,
            email=i.email,
            invitation_id=i.pk,
            cells={
                SIGNED_UP.key: Cell(
                    "invited, not yet" + (" (e-mail sent)" if i.sent_at else ""), PENDING, sort=0
                )
            },
        )
        for i in waiting
    ]
    by_user = {row.user_id: row for row in rows if row.user_id is not None}
    columns, risks, inactive = [SIGNED_UP], [], set()
    for provider in _providers:
        contribution = provider(cohort, user_ids, now)
        columns += contribution.columns
        inactive |= contribution.inactive
        for user_id, cells in contribution.cells.items():
            if user_id in by_user:
                by_user[user_id].cells.update(cells)
        risks += contribution.risks
    risks = [
        RiskRule(
            key=r.key,
            label=r.label,
            user_ids=frozenset(uid for uid in r.user_ids if uid in by_user and uid not in inactive),
            applies=r.applies,
            help_url=r.help_url,
            help_label=r.help_label,
            order=r.order,
            short=r.short or r.label,
        )
        for r in sorted(risks, key=lambda r: r.order)
    ]
    for row in rows:
        row.inactive = row.user_id in inactive
        row.risks = [r.key for r in risks if row.user_id in r.user_ids]
    columns.sort(key=lambda c: c.order)
    return WorkList(columns=columns, rows=rows, risks=risks, now=now)


def filter_rows(work_list: WorkList, *, risk="", missing="", query="") -> list[Row]:
    """The rows a filter asks for: caught by a risk rule, missing a stage, or matching a name."""
    rows = work_list.rows
    if risk:
        rows = [r for r in rows if risk in r.risks]
    if missing:
        rows = [r for r in rows if r.cells.get(missing, EMPTY).state in (PENDING, MISSING)]
    if query:
        needle = query.casefold()
        rows = [r for r in rows if needle in r.name.casefold() or needle in r.email.casefold()]
    return rows


def sort_rows(rows: list[Row], column_key: str, descending: bool = False) -> list[Row]:
    if column_key == "name":
        return sorted(rows, key=lambda r: (r.name.casefold(), r.key), reverse=descending)
    return sorted(
        rows, key=lambda r: (r.cells.get(column_key, EMPTY).sort_key, r.key), reverse=descending
    )


# Spreadsheets run cells that start with these as formulas; names typed by people are defused.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


def write_csv(out, work_list: WorkList, rows: list[Row]) -> None:
    """The work list as CSV: name, e-mail, each column, and the at-risk rules that catch them."""
    import csv

    labels = {r.key: r.label for r in work_list.risks}
    writer = csv.writer(out)
    writer.writerow(["name", "e-mail", *[c.label for c in work_list.columns], "at risk now"])
    for row in rows:
        writer.writerow(
            [
                _text(row.name),
                _text(row.email),
                *[_text(row.cells.get(c.key, EMPTY).text) for c in work_list.columns],
                "; ".join(labels[key] for key in row.risks),
            ]
        )
