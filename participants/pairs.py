"""What the participants app needs to know about sprint pairs, answered by the sprints app.

Participants sits below sprints (README "Layers") and never imports it: the sprints app
registers its answer here in its ready(). Without it nobody is in a pair.
"""

from collections.abc import Callable, Collection

from cohort.models import Cohort, User

PairStatus = Callable[[Cohort, Collection[int]], dict[int, str]]
_answers: list[PairStatus] = []


def register(pair_status: PairStatus) -> PairStatus:
    """`pair_status(cohort, user_ids)` -> {user id: "with <partner>" or "solo"} for each of
    those people who is in a pair, in a constant number of queries."""
    if pair_status not in _answers:
        _answers.append(pair_status)
    return pair_status


def pair_status_by_user(cohort: Cohort, user_ids: Collection[int]) -> dict[int, str]:
    status: dict[int, str] = {}
    for answer in _answers:
        status.update(answer(cohort, user_ids))
    return status


def in_a_pair(cohort: Cohort, user: User) -> bool:
    return user.pk in pair_status_by_user(cohort, [user.pk])


PairsForTa = Callable[[Cohort, User | None, Collection[int]], list]
_ta_pairs: list[PairsForTa] = []


def register_ta_pairs(pairs_for_ta: PairsForTa) -> PairsForTa:
    """`pairs_for_ta(cohort, ta, user_ids)` -> the active pairs a TA looks after (theirs, or
    with one of their people), all of them for ta=None; for the TA dashboard's "my pairs"."""
    if pairs_for_ta not in _ta_pairs:
        _ta_pairs.append(pairs_for_ta)
    return pairs_for_ta


def pairs_for_ta(cohort: Cohort, ta: User | None, user_ids: Collection[int]) -> list:
    return [pair for answer in _ta_pairs for pair in answer(cohort, ta, user_ids)]
