"""The claims review caches its table and top-up lists (cohort/fragments.py): every change a
reviewer must see shows on the next view, and a cached copy never crosses cohorts or zones."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cohort.models import Role
from compute import services
from compute.models import Claim
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt

D = Decimal


def _review(client, cohort, **query):
    response = client.get(reverse("compute:review", kwargs={"slug": cohort.slug}), query)
    assert response.status_code == 200
    return response.content.decode()


def _submitted(cohort, owner, usd="40.00", **fields):
    claim = ClaimFactory(cohort=cohort, owner=owner, amount=D(usd), amount_usd=D(usd), **fields)
    make_receipt(claim, write=False)
    services.submit_claim(claim=claim, actor=owner)
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def reviewer(client, make_member):
    user = make_member(Role.OPERATIONS, name="Olu Ops")
    client.force_login(user)
    return user


def test_a_decision_through_the_service_shows_on_the_next_view(
    client, cohort, reviewer, participant
):
    claim = _submitted(cohort, participant, vendor="Lambda")
    before = _review(client, cohort)

    services.approve_claim(claim_id=claim.pk, actor=reviewer)
    after = _review(client, cohort)

    approve = reverse("compute:claim_approve", kwargs={"slug": cohort.slug, "pk": claim.pk})
    assert f'formaction="{approve}"' in before
    assert f'name="claims" value="{claim.pk}"' not in before
    assert "formaction=" not in after
    assert f'name="claims" value="{claim.pk}"' in after
    assert "460.00 USD left" in after


def test_a_plain_save_a_new_receipt_and_a_new_name_show_on_the_next_view(
    client, cohort, reviewer, participant
):
    claim = _submitted(cohort, participant, vendor="Lambda")
    _review(client, cohort)

    claim.vendor = "RunPod"
    claim.save()
    renamed = _review(client, cohort)
    receipt = make_receipt(claim, write=False)
    with_receipt = _review(client, cohort)
    participant.name = "Pat Renamed"
    participant.save()
    with_name = _review(client, cohort)

    assert f"#{claim.pk} RunPod" in renamed and "Lambda" not in renamed
    viewer = reverse("compute:receipt_viewer", kwargs={"slug": cohort.slug, "pk": receipt.pk})
    assert f'href="{viewer}"' in with_receipt
    assert "Pat Renamed" in with_name


def test_top_ups_and_the_cohort_budget_show_on_the_next_view(client, cohort, reviewer, participant):
    _submitted(cohort, participant, "40.00")
    top_up = TopUpFactory(cohort=cohort, owner=participant, estimate_usd=D("100.00"))
    first = _review(client, cohort)

    services.decide_top_up(top_up_id=top_up.pk, actor=reviewer, approved_usd=D("60.00"))
    decided = _review(client, cohort)
    cohort.compute_budget_usd = D("700.00")
    cohort.save()
    bigger_budget = _review(client, cohort)

    assert "100.00 USD · More GPU hours" in first and "500.00 USD left" in first
    assert "None waiting for a decision." in decided
    assert "60.00 of 100.00 USD" in decided and "560.00 USD left" in decided
    assert "760.00 USD left" in bigger_budget


def test_another_cohorts_review_never_gets_this_cohorts_table(
    client, cohort, other_cohort, reviewer, participant, make_member
):
    _submitted(cohort, participant, vendor="Ours Ltd")
    theirs = make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Their Person")
    _submitted(other_cohort, theirs, vendor="Theirs Inc")
    _review(client, cohort)
    client.force_login(make_member(Role.OPERATIONS, in_cohort=other_cohort))

    html = _review(client, other_cohort)

    assert "Theirs Inc" in html and "Their Person" in html
    assert "Ours Ltd" not in html and participant.display_name not in html


def test_a_viewer_in_new_york_sees_new_york_times_not_a_londoners_copy(
    client, cohort, make_member, participant
):
    claim = _submitted(cohort, participant)
    moment = datetime(2026, 2, 10, 17, 30, tzinfo=UTC)
    Claim.objects.filter(pk=claim.pk).update(submitted_at=moment)
    london = make_member(Role.OPERATIONS, timezone="Europe/London")
    new_york = make_member(Role.MENTOR, timezone="America/New_York")
    client.force_login(london)
    from_london = _review(client, cohort)
    client.force_login(new_york)

    from_new_york = _review(client, cohort)

    local = moment.astimezone(ZoneInfo("America/New_York"))
    assert '17:30 <span class="tz">GMT</span>' in from_london
    assert f'{local:%H:%M} <span class="tz">EST</span>' in from_new_york
    assert "(Tue 10 Feb, 17:30 GMT)" in from_new_york


@pytest.mark.parametrize("rows", [1, 3])
def test_review_from_the_cache_takes_the_same_queries_at_any_size(
    client, get_in_queries, cohort, reviewer, make_member, rows
):
    for _ in range(rows):
        person = make_member(Role.PARTICIPANT)
        _submitted(cohort, person)
        TopUpFactory(cohort=cohort, owner=person)
    url = reverse("compute:review", kwargs={"slug": cohort.slug})
    client.get(url)

    # the count of the page and the person filter's choices (session, user and membership
    # kept in the cache: cohort/visitors.py)
    get_in_queries(url, 2)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"person": "abc"}, "Select a valid choice. abc is not one of the available choices."),
        ({"state": "draft"}, "Select a valid choice. draft is not one of the available choices."),
        ({"category": "x" * 500}, "is not one of the available choices."),
    ],
)
def test_odd_filters_are_refused_with_a_message_and_the_list_unfiltered(
    client, cohort, reviewer, participant, query, message
):
    claim = _submitted(cohort, participant, vendor="Shown anyway")

    html = _review(client, cohort, **query)

    assert message in html and "The list is not filtered by it." in html
    assert f"#{claim.pk} Shown anyway" in html


def test_the_person_filter_offers_only_this_cohorts_participants(
    client, cohort, other_cohort, reviewer, participant, make_member
):
    stranger = make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Stranger Danger")
    _submitted(other_cohort, stranger, vendor="Elsewhere")
    _submitted(cohort, participant, vendor="Here")

    listed = _review(client, cohort)
    filtered = _review(client, cohort, person=stranger.pk)

    assert f'<option value="{participant.pk}">{participant.display_name}</option>' in listed
    assert "Stranger Danger" not in listed
    assert "is not one of the available choices." in filtered and "Elsewhere" not in filtered
    assert f'<option value="{participant.pk}" selected>' in _review(
        client, cohort, person=participant.pk
    )
