"""The pair and claim lists draw their rows once per generation of what they show
(CachedRowsMixin, cohort/admin/lists.py): never stale after a write, never another cohort's or
another time zone's rows."""

import zoneinfo
from decimal import Decimal

from django.urls import reverse
from django.utils import formats, timezone, translation

from cohort.models import Role
from compute import services as compute_services
from sprints import services as sprint_services
from tests.factories.compute import ClaimFactory, make_receipt
from tests.factories.sprints import make_pair

PAIRS = reverse("admin:sprints_pair_changelist")
CLAIMS = reverse("admin:compute_claim_changelist")


def _rows(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<table id="result_list">')
    return html[start : html.index("</table>", start)]


def _submitted(cohort, owner, vendor="Lambda"):
    claim = ClaimFactory(cohort=cohort, owner=owner, vendor=vendor, amount_usd=Decimal("40.00"))
    make_receipt(claim, write=False)
    compute_services.submit_claim(claim=claim, actor=owner)
    return claim


def test_pair_rows_show_a_new_name_problem_and_state_at_once(client, cohort, mentor, make_member):
    ada = make_member(Role.PARTICIPANT, name="Ada Early")
    pair = make_pair(cohort, ada, make_member(Role.PARTICIPANT, name="Bo Early"))
    client.force_login(mentor)
    before = _rows(client, PAIRS)

    ada.name = "Ada Renamed"
    ada.save()
    renamed = _rows(client, PAIRS)
    sprint_services.submit_problem(pair=pair, user=ada, title="Counting heads")
    submitted = _rows(client, PAIRS)
    sprint_services.dissolve_pair(pair=pair, by=mentor, as_mentor=True)
    dissolved = _rows(client, PAIRS)

    assert "Ada Early &amp; Bo Early" in before and "Not chosen" in before
    assert "Ada Renamed &amp; Bo Early" in renamed
    assert "Counting heads" in submitted and "Waiting for the mentor" in submitted
    assert "Dissolved" in dissolved and "Dissolved" not in submitted


def test_pair_rows_follow_the_filter_and_ordering_asked_for(client, cohort, mentor, make_member):
    solo = make_pair(cohort, make_member(Role.PARTICIPANT, name="Solo Sam"))
    make_pair(
        cohort,
        make_member(Role.PARTICIPANT, name="Duo One"),
        make_member(Role.PARTICIPANT, name="Duo Two"),
    )
    client.force_login(mentor)

    every = _rows(client, PAIRS)
    solos = _rows(client, PAIRS, state="solo")
    solos_again = client.get(PAIRS, {"state": "solo"})  # drawn from the cache

    assert "Solo Sam" in every and "Duo One" in every
    assert "Solo Sam" in solos and "Duo One" not in solos
    assert f'value="{solo.pk}"' in solos
    assert solos in solos_again.content.decode()
    assert b'data-actions-icnt="1">0 of 1 selected' in solos_again.content


def test_another_cohorts_mentor_never_gets_the_kept_rows(
    client, cohort, other_cohort, mentor, make_member
):
    make_pair(cohort, make_member(Role.PARTICIPANT, name="Ours Only"))
    theirs = make_member(Role.MENTOR, in_cohort=other_cohort)
    make_pair(
        other_cohort, make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Theirs Only")
    )
    client.force_login(mentor)
    ours = _rows(client, PAIRS)

    client.force_login(theirs)
    seen_by_them = _rows(client, PAIRS)

    assert "Ours Only" in ours and "Theirs Only" not in ours
    assert "Theirs Only" in seen_by_them and "Ours Only" not in seen_by_them


def test_claim_rows_show_a_decision_and_a_new_owner_name_at_once(client, cohort, make_member):
    reviewer = make_member(Role.OPERATIONS)
    owner = make_member(Role.PARTICIPANT, name="Olga Owner")
    claim = _submitted(cohort, owner)
    client.force_login(reviewer)
    before = _rows(client, CLAIMS)

    compute_services.approve_claim(claim_id=claim.pk, actor=reviewer)
    approved = _rows(client, CLAIMS)
    owner.name = "Olga Renamed"
    owner.save()
    renamed = _rows(client, CLAIMS)

    assert 'class="field-state">Submitted<' in before and "Olga Owner" in before
    assert 'class="field-state">Approved<' in approved
    assert 'class="field-state">Submitted<' not in approved
    assert "Olga Renamed" in renamed


def test_claim_rows_are_drawn_in_each_viewers_time_zone(client, cohort, make_member):
    claim = _submitted(cohort, make_member(Role.PARTICIPANT))
    in_tokyo = make_member(Role.OPERATIONS, timezone="Asia/Tokyo")
    in_lima = make_member(Role.OPERATIONS, timezone="America/Lima")

    client.force_login(in_tokyo)
    tokyo_rows = _rows(client, CLAIMS)
    client.force_login(in_lima)
    lima_rows = _rows(client, CLAIMS)

    def shown_in(zone):
        with translation.override("en-gb"):
            moment = timezone.localtime(claim.submitted_at, zoneinfo.ZoneInfo(zone))
            return f'class="field-submitted_at nowrap">{formats.localize(moment)}<'

    assert shown_in("Asia/Tokyo") in tokyo_rows and shown_in("America/Lima") not in tokyo_rows
    assert shown_in("America/Lima") in lima_rows and shown_in("Asia/Tokyo") not in lima_rows


def test_a_search_is_answered_from_the_rows_themselves(client, cohort, make_member):
    reviewer = make_member(Role.OPERATIONS)
    _submitted(cohort, make_member(Role.PARTICIPANT), vendor="Vastvendor")
    _submitted(cohort, make_member(Role.PARTICIPANT), vendor="Otherco")
    client.force_login(reviewer)

    found = _rows(client, CLAIMS, q="Vastvendor")

    assert "Vastvendor" in found and "Otherco" not in found


def test_pair_filters_show_a_new_category_and_ta_at_once(client, cohort, mentor, make_member):
    from sprints.models import IdeaCategory

    pair = make_pair(cohort, make_member(Role.PARTICIPANT))
    client.force_login(mentor)
    before = client.get(PAIRS).content.decode()

    IdeaCategory.objects.create(cohort=cohort, name="Brand new category", order=99)
    with_category = client.get(PAIRS).content.decode()
    pair.ta = make_member(Role.TA, name="Tess Newta")
    pair.save()
    with_ta = client.get(PAIRS).content.decode()

    assert "Brand new category" not in before and "Brand new category" in with_category
    assert "Tess Newta" not in with_category and "Tess Newta" in with_ta


def test_a_mentor_and_operations_of_one_cohort_each_get_rows_drawn_for_them(
    client, cohort, mentor, make_member
):
    reviewer = make_member(Role.OPERATIONS)
    _submitted(cohort, make_member(Role.PARTICIPANT, name="Shared Claimant"))

    client.force_login(reviewer)
    for_operations = client.get(CLAIMS)
    client.force_login(mentor)
    for_mentor = client.get(CLAIMS)

    assert for_operations.context["list_cache_key"] != for_mentor.context["list_cache_key"]
    assert "Shared Claimant" in _rows(client, CLAIMS)
