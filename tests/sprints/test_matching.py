import random
import time
from itertools import permutations

from sprints.matching import Person, propose_pairs, score


def _hours(start, length=8):
    return frozenset((start + h) % 24 for h in range(length))


def test_matching_finds_the_optimum_where_greedy_does_not():
    # Greedy takes the single best edge, Ada-Bea (17), and leaves Cy-Dee (2): 19 in all. The
    # optimum pairs Ada-Cy (14) and Bea-Dee (15): 29.
    day = _hours(9)
    ada = Person(1, "Ada", frozenset({"sae", "circuits", "probes"}), day)
    bea = Person(2, "Bea", frozenset({"sae", "circuits", "probes"}), day)
    cy = Person(3, "Cy", frozenset({"sae", "circuits"}), day)
    dee = Person(4, "Dee", frozenset({"probes"}), _hours(15), frozenset({2}))
    people = [ada, bea, cy, dee]

    proposals, left_out = propose_pairs(people)

    chosen = {frozenset((p.a.id, p.b.id)) for p in proposals}
    best_total = max(
        score(people[i], people[j])[0] + score(people[k], people[m])[0]
        for i, j, k, m in permutations(range(4))
        if i < j and k < m and i < k
    )
    assert score(ada, bea)[0] == 17
    assert sum(p.weight for p in proposals) == best_total == 29
    assert chosen == {frozenset({1, 3}), frozenset({2, 4})}
    assert left_out == []


def test_matching_explains_each_pair_and_leaves_out_who_cannot_match():
    london = Person(1, "Lon", frozenset({"sae"}), _hours(9), frozenset({2}))
    berlin = Person(2, "Ber", frozenset({"sae", "toy"}), _hours(8), frozenset({1}))
    night = Person(3, "Owl", frozenset({"sae"}), _hours(21, 4))

    proposals, left_out = propose_pairs([london, berlin, night])

    assert [(p.a.name, p.b.name) for p in proposals] == [("Lon", "Ber")]
    assert proposals[0].reasons == (
        "both asked to work together",
        "shared interests: sae",
        "7 overlapping hours a day",
    )
    assert left_out == [night]


def test_matching_odd_one_out_is_left_out():
    people = [Person(n, f"P{n}", hours=_hours(9)) for n in range(5)]

    proposals, left_out = propose_pairs(people)

    assert (len(proposals), len(left_out)) == (2, 1)


def test_matching_150_people_benchmark(capsys):
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
    topics = [f"topic {n}" for n in range(15)]
    people = [
        Person(
            n,
            f"P{n}",
            frozenset(rng.sample(topics, 3)),
            _hours(rng.randrange(24)),
            frozenset(rng.sample(range(150), 1)),
        )
        for n in range(150)
    ]

    started = time.perf_counter()
    proposals, left_out = propose_pairs(people)
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(
            f"\n[benchmark] partner matching of 150 people: {elapsed * 1000:.0f} ms, "
            f"{len(proposals)} pairs, {len(left_out)} left out"
        )
    assert 2 * len(proposals) + len(left_out) == 150
