"""The claims review shows 25 claims a page, keeps its filters across pages, and its query count
does not depend on how many claims there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.models import Role
from compute import services
from compute.models import Claim
from tests.factories.compute import ClaimFactory, make_receipt


def _submitted(cohort, owner, **fields):
    claim = ClaimFactory(cohort=cohort, owner=owner, amount_usd=Decimal("5.00"), **fields)
    make_receipt(claim, write=False)
    services.submit_claim(claim=claim, actor=owner)
    return claim


def _review(client, cohort, **query):
    url = reverse("compute:review", kwargs={"slug": cohort.slug})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    return response, len(queries)


@pytest.mark.parametrize(("rows", "queries"), [(1, 10), (3, 10)])
def test_review_queries_at_1_and_3_claims(
    client, cohort, operations, make_member, other_cohort, rows, queries
):
    stranger = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    for _ in range(3):
        _submitted(other_cohort, stranger)
    person = make_member(Role.PARTICIPANT)
    mine = {_submitted(cohort, person).pk for _ in range(rows)}
    client.force_login(operations)

    response, count = _review(client, cohort)

    assert (response.status_code, count) == (200, queries)
    assert {claim.pk for claim in response.context["claims"]} == mine


def test_review_shows_25_a_page_and_keeps_the_filters(
    client, cohort, operations, make_member, other_cohort
):
    stranger = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    for _ in range(30):
        _submitted(other_cohort, stranger, category="gpu")
    alice, bob = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    gpu = {_submitted(cohort, alice, category="gpu").pk for _ in range(27)}
    for _ in range(2):
        _submitted(cohort, bob, category="api")
    client.force_login(operations)

    first, _ = _review(client, cohort, category="gpu")
    second, _ = _review(client, cohort, category="gpu", page="2")

    html = first.content.decode()
    shown = [{c.pk for c in r.context["claims"]} for r in (first, second)]
    assert [len(s) for s in shown] == [25, 2]
    assert shown[0] | shown[1] == gpu
    assert "27 claims" in html and "1 to 25 shown" in html and "Page 1 of 2" in html
    assert 'href="?category=gpu&amp;page=2"' in html
    assert 'href="?category=gpu&amp;page=1"' in second.content.decode()
    assert "review/claims.csv?category=gpu" in html


def test_review_page_numbers_out_of_range_or_not_numbers_show_a_real_page(
    client, cohort, operations, make_member
):
    person = make_member(Role.PARTICIPANT)
    for _ in range(26):
        _submitted(cohort, person)
    client.force_login(operations)

    pages = {value: _review(client, cohort, page=value)[0] for value in ["abc", "99", "-1", "\x00"]}

    numbers = {value: (r.status_code, r.context["page"].number) for value, r in pages.items()}
    assert numbers == {"abc": (200, 1), "99": (200, 2), "-1": (200, 2), "\x00": (200, 1)}
    assert Claim.objects.filter(cohort=cohort).count() == 26
