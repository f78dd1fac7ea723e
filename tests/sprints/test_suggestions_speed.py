"""Partner suggestions keep their matching until its inputs change, in a constant query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.models import Role
from participants.models import PartnerEntry, join_tags
from sprints import matching

PROPOSAL = re.compile(r'name="pair" value="(\d+)-(\d+)"')


@pytest.fixture(autouse=True)
def _fresh_matching_cache():
    matching._propose_pairs_cached.cache_clear()
    yield
    matching._propose_pairs_cached.cache_clear()


def _page(client, cohort):
    url = reverse("sprints:partner_suggestions", kwargs={"slug": cohort.slug})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    html = response.content.decode()
    pairs = {frozenset(map(int, found)) for found in PROPOSAL.findall(html)}
    return response.status_code, len(queries), pairs, html


def _board(cohort, user, interests):
    PartnerEntry.objects.create(
        cohort=cohort,
        user=user,
        want_to_work_on="Something small and careful.",
        interests=join_tags(interests),
        available_from=9,
        available_to=17,
    )


@pytest.mark.parametrize(("rows", "queries"), [(1, 8), (3, 8)])
def test_partner_suggestions_queries_at_1_and_3_rows(
    client, cohort, mentor, make_member, other_cohort, rows, queries
):
    for _ in range(4):  # free people of another cohort, who must not be proposed here
        make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    people = [make_member(Role.PARTICIPANT) for _ in range(2 * rows)]
    client.force_login(mentor)

    status, count, pairs, _ = _page(client, cohort)

    assert (status, count, len(pairs)) == (200, queries, rows)
    assert set().union(*pairs) == {p.pk for p in people}


def test_partner_suggestions_reuse_the_matching_until_an_input_changes(
    client, cohort, mentor, make_member
):
    ana, ben, cai, dee = (
        make_member(Role.PARTICIPANT, name=n) for n in ["Ana", "Ben", "Cai", "Dee"]
    )
    for person, interests in ((ana, ["probing"]), (ben, ["circuits"]), (cai, ["probing"])):
        _board(cohort, person, interests)
    _board(cohort, dee, ["circuits"])
    client.force_login(mentor)

    first = _page(client, cohort)
    again = _page(client, cohort)
    reused = matching._propose_pairs_cached.cache_info()
    # Saved as the board's form does (a plain save), which also renews the cached page.
    for person, interests in ((dee, ["probing", "steering"]), (cai, ["circuits"])):
        entry = PartnerEntry.objects.get(user=person)
        entry.interests = join_tags(interests)
        entry.save()
    changed = _page(client, cohort)

    both = {frozenset({ana.pk, cai.pk}), frozenset({ben.pk, dee.pk})}
    assert (first[2], again[2]) == (both, both)
    # The second view is the cached page: the matching is not even asked again.
    # (Nor the user and membership rows, kept since the first: cohort/visitors.py.)
    assert (reused.misses, reused.hits, again[1]) == (1, 0, 0)
    assert changed[2] == {frozenset({ana.pk, dee.pk}), frozenset({ben.pk, cai.pk})}
    assert "shared interests: probing" in changed[3]
    assert matching._propose_pairs_cached.cache_info().misses == 2
