"""Partner suggestions: a maximum weight matching over plain data.

`propose_pairs` works on plain data only. `matching_inputs(cohort)` is the one adapter that turns
a cohort into `Person` records; today it knows only each person's timezone, and it is the place
where the partner board's interests, hours and wishes are added.
"""

from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

from participants.models import PartnerEntry, PartnerInterest, Profile
from sprints.queries import invitable_participants

INTEREST_WEIGHT = 3
HOUR_WEIGHT = 1
WISH_WEIGHT = 10
MIN_SHARED_HOURS = 2
# Each person keeps only their best few candidate edges: the matching then stays fast for a
# whole cohort (150 people well under a second) and loses nothing a person would pick.
CANDIDATES_PER_PERSON = 12


@dataclass(frozen=True)
class Person:
    id: int
    name: str = ""
    interests: frozenset[str] = field(default_factory=frozenset)
    hours: frozenset[int] = field(default_factory=frozenset)  # available hours, UTC, 0-23
    wishes: frozenset[int] = field(default_factory=frozenset)  # ids they would like to pair with


@dataclass(frozen=True)
class Proposal:
    a: Person
    b: Person
    weight: int
    reasons: tuple[str, ...]


def score(a: Person, b: Person) -> tuple[int, tuple[str, ...]]:
    """How well two people fit, and why; 0 when they cannot work together."""
    hours = a.hours & b.hours
    if len(hours) < MIN_SHARED_HOURS:
        return 0, ()
    shared = sorted(a.interests & b.interests)
    wishes = (b.id in a.wishes) + (a.id in b.wishes)
    weight = INTEREST_WEIGHT * len(shared) + HOUR_WEIGHT * len(hours) + WISH_WEIGHT * wishes
    reasons = []
    if wishes == 2:
        reasons.append("both asked to work together")
    elif wishes == 1:
        asker = a if b.id in a.wishes else b
        reasons.append(f"{asker.name or asker.id} asked for this partner")
    if shared:
        reasons.append("shared interests: " + ", ".join(shared))
    reasons.append(f"{len(hours)} overlapping hours a day")
    return weight, tuple(reasons)


def propose_pairs(
    people: list[Person], forbidden: frozenset[frozenset[int]] = frozenset()
) -> tuple[list[Proposal], list[Person]]:
    """The pairing that matches as many people as possible with the greatest total weight;
    returns the proposals and the people who cannot be matched. `forbidden` pairs (skipped or
    declined before) are never proposed."""
    by_id = {p.id: p for p in people}
    candidates: dict[tuple[int, int], tuple[int, tuple[str, ...]]] = {}
    best: dict[int, list[tuple[int, int]]] = {p.id: [] for p in people}
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if frozenset((a.id, b.id)) in forbidden:
                continue
            weight, reasons = score(a, b)
            if weight > 0:
                candidates[(a.id, b.id)] = (weight, reasons)
                best[a.id].append((weight, b.id))
                best[b.id].append((weight, a.id))
    graph = nx.Graph()
    graph.add_nodes_from(by_id)
    for pid, options in best.items():
        for weight, other in sorted(options, reverse=True)[:CANDIDATES_PER_PERSON]:
            graph.add_edge(pid, other, weight=weight)
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    proposals = []
    matched = set()
    for u, v in matching:
        key = (u, v) if (u, v) in candidates else (v, u)
        weight, reasons = candidates[key]
        proposals.append(Proposal(by_id[key[0]], by_id[key[1]], weight, reasons))
        matched.update((u, v))
    proposals.sort(key=lambda p: (-p.weight, p.a.name, p.b.name))
    left_out = [p for p in people if p.id not in matched]
    return proposals, left_out


WORKING_HOURS = range(9, 18)


def utc_hours(tz_name: str, local_hours=WORKING_HOURS, on: datetime | None = None) -> frozenset:
    """Local working hours of a timezone expressed as UTC hours, on the given day."""
    import zoneinfo

    tz = zoneinfo.ZoneInfo(tz_name)
    day = (on or datetime.now(tz)).astimezone(tz)
    offset = day.utcoffset()
    shift = int(offset.total_seconds() // 3600) if offset else 0
    return frozenset((h - shift) % 24 for h in local_hours)


def board_hours(available_from: int, available_to: int) -> range | list[int]:
    """A partner-board entry's hours in its owner's day; 'to' before 'from' runs past midnight."""
    span = (available_to - available_from) % 24 or 24
    return [(available_from + i) % 24 for i in range(span)]


def matching_inputs(cohort) -> list[Person]:
    """Everyone who can still be invited, as matching input (three queries in all).

    Interests and hours come from the person's partner-board entry, else from their slide and
    usual working hours in their timezone; wishes are the entries they marked "interested" on.
    """
    users = list(invitable_participants(cohort).only("id", "name", "email", "timezone"))
    ids = [u.pk for u in users]
    entries = {e.user_id: e for e in PartnerEntry.objects.filter(cohort=cohort, user_id__in=ids)}
    slide_interests = dict(
        Profile.objects.filter(membership__cohort=cohort, membership__user_id__in=ids).values_list(
            "membership__user_id", "interests"
        )
    )
    wishes: dict[int, set[int]] = {}
    for wisher, wanted in PartnerInterest.objects.filter(
        entry__cohort=cohort, user_id__in=ids
    ).values_list("user_id", "entry__user_id"):
        wishes.setdefault(wisher, set()).add(wanted)

    people = []
    for user in users:
        entry = entries.get(user.pk)
        if entry is not None:
            interests = entry.interest_list
            hours = utc_hours(
                user.timezone, local_hours=board_hours(entry.available_from, entry.available_to)
            )
        else:
            interests = [t for t in (slide_interests.get(user.pk) or "").split(",") if t]
            hours = utc_hours(user.timezone)
        people.append(
            Person(
                id=user.pk,
                name=user.display_name,
                interests=frozenset(t.strip().lower() for t in interests if t.strip()),
                hours=hours,
                wishes=frozenset(wishes.get(user.pk, ())),
            )
        )
    return people
