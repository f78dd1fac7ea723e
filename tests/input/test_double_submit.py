"""A form submitted twice does one thing: two identical POSTs (same one-time token, as a double
click sends them) store one row, and the second lands where the first went."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from compute.models import Claim, TopUpRequest
from participants.models import HelpComment, HelpRequest, PairingTopic, PartnerEntry
from sprints.models import DateShiftRequest, MiniProject, ProblemSubmission
from tests.factories.sprints import make_pair


def _twice(client, url, data):
    data = {**data, "once_token": str(uuid.uuid4())}
    first = client.post(url, data)
    second = client.post(url, data)
    return first, second


def _url(cohort, name, **kwargs):
    return reverse(name, kwargs={"slug": cohort.slug, **kwargs})


@pytest.fixture
def paired(cohort, make_member, participant):
    partner = make_member(Role.PARTICIPANT, name="Pia Partner")
    return make_pair(cohort, participant, partner)


CREATE_FORMS = {
    "help request": (
        "participants:help",
        {"topic": "Stuck on hooks", "tried": "Reading docs", "urgency": "normal"},
        lambda: HelpRequest.objects.count(),
    ),
    "pairing topic": (
        "participants:pairing",
        {"title": "TransformerLens", "kind": "tutorial", "details": "", "when": "evenings"},
        lambda: PairingTopic.objects.count(),
    ),
    "partner entry": (
        "participants:partner_entry",
        {
            "want_to_work_on": "Probing",
            "interests": "probing, circuits",
            "available_from": "9",
            "available_to": "17",
        },
        lambda: PartnerEntry.objects.count(),
    ),
    "top-up": (
        "compute:top_up_new",
        {"description": "More GPU hours", "estimate_usd": "120.00"},
        lambda: TopUpRequest.objects.count(),
    ),
    "claim": (
        "compute:claim_new",
        {
            "spent_on": None,
            "vendor": "RunPod",
            "category": "gpu",
            "description": "A100 hours",
            "amount": "12.50",
            "currency": "USD",
            "amount_usd": "12.50",
        },
        lambda: Claim.objects.count(),
    ),
    "mini-project": (
        "sprints:mini_project_new",
        {"title": "Probing colours", "start_date": None, "days": "2", "takeaway": "Works"},
        lambda: MiniProject.objects.count(),
    ),
}


@pytest.mark.parametrize("form", sorted(CREATE_FORMS))
def test_create_form_submitted_twice_stores_one_row(client, cohort, participant, form):
    name, data, count = CREATE_FORMS[form]
    today = timezone.localdate().isoformat()
    if "spent_on" in data:
        data = {**data, "spent_on": today}
    if "start_date" in data:
        data = {**data, "start_date": cohort.preparation_start.isoformat()}
    client.force_login(participant)

    first, second = _twice(client, _url(cohort, name), data)

    assert (count(), first.status_code, second.status_code) == (1, 302, 302)
    assert second["Location"] == first["Location"]


def test_problem_proposal_submitted_twice_stores_one_round(client, cohort, participant, paired):
    client.force_login(participant)
    data = {"title": "Colour probes", "question": "Q?", "why": "W", "plan": "P", "risks": ""}

    first, second = _twice(client, _url(cohort, "sprints:problem"), data)

    assert ProblemSubmission.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_date_request_submitted_twice_stores_one(client, cohort, participant, paired):
    client.force_login(participant)
    members = list(paired.members.select_related("user"))
    data = {"reason": "A conference"}
    for member in members:
        data[f"start_{member.user_id}"] = cohort.sprint_start.isoformat()
        data[f"end_{member.user_id}"] = cohort.sprint_end.isoformat()

    first, second = _twice(client, _url(cohort, "sprints:alternative_dates"), data)

    assert DateShiftRequest.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_help_comment_submitted_twice_stores_one(client, cohort, participant, mentor):
    request = HelpRequest.objects.create(cohort=cohort, requester=participant, topic="Stuck")
    client.force_login(mentor)

    first, second = _twice(
        client, _url(cohort, "participants:help_comment", pk=request.pk), {"body": "Try this"}
    )

    assert HelpComment.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_help_answer_submitted_twice_stores_one(client, cohort, participant):
    request = HelpRequest.objects.create(cohort=cohort, requester=participant, topic="Stuck")
    client.force_login(participant)

    first, second = _twice(
        client, _url(cohort, "participants:help_answer", pk=request.pk), {"body": "Tried X"}
    )

    assert HelpComment.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_refused_form_keeps_its_token_usable(client, cohort, participant):
    """A refused submission stores nothing, so correcting it and sending again works."""
    client.force_login(participant)
    url = _url(cohort, "participants:help")
    token = str(uuid.uuid4())

    refused = client.post(url, {"topic": "a\x00b", "urgency": "normal", "once_token": token})
    accepted = client.post(url, {"topic": "Hooks", "urgency": "normal", "once_token": token})

    assert (refused.status_code, accepted.status_code, HelpRequest.objects.count()) == (
        200,
        302,
        1,
    )


def test_tokens_of_another_person_do_nothing_for_them(client, cohort, participant, make_member):
    other = make_member(Role.PARTICIPANT)
    url = _url(cohort, "participants:help")
    token = str(uuid.uuid4())
    client.force_login(participant)
    client.post(url, {"topic": "Mine", "urgency": "normal", "once_token": token})
    client.force_login(other)

    client.post(url, {"topic": "Theirs", "urgency": "normal", "once_token": token})

    assert sorted(HelpRequest.objects.values_list("topic", flat=True)) == ["Mine", "Theirs"]


def test_partner_interest_submitted_twice_stores_one(client, cohort, participant, make_member):
    from participants.models import PartnerInterest

    other = make_member(Role.PARTICIPANT)
    entry = PartnerEntry.objects.create(
        cohort=cohort,
        user=other,
        want_to_work_on="x",
        interests=",x,",
        available_from=9,
        available_to=17,
    )
    client.force_login(participant)

    first, second = _twice(
        client, _url(cohort, "participants:partner_interest", pk=entry.pk), {"note": "Hello"}
    )

    assert PartnerInterest.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_sprint_invitation_submitted_twice_stores_one(client, cohort, participant, make_member):
    from sprints.models import PairInvitation

    partner = make_member(Role.PARTICIPANT, name="Free Person")
    client.force_login(participant)

    first, second = _twice(client, _url(cohort, "sprints:invite"), {"partner": partner.pk})

    assert PairInvitation.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_withdrawal_submitted_twice_is_recorded_once(client, cohort, participant):
    from participants.models import Withdrawal

    client.force_login(participant)
    data = {"scope": Withdrawal._meta.get_field("scope").choices[0][0], "confirm": "on"}

    first, second = _twice(client, _url(cohort, "participants:withdraw"), data)

    assert Withdrawal.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_confirmation_page_reposts_the_token_and_the_confirmed_post_acts_once(
    client, cohort, participant, paired
):
    """Choosing an idea asks to confirm first (issue 12): the confirmation page re-posts the
    same fields, the once token among them; the first POST did nothing, so its token is still
    free, the confirmed POST acts, and a double click on "Yes" stores one round."""
    from tests.factories.sprints import make_idea

    client.force_login(participant)
    idea = make_idea(cohort, title="Colour probes")
    url = _url(cohort, "sprints:problem")
    token = str(uuid.uuid4())
    data = {"idea": str(idea.pk), "title": "", "question": "Q?", "why": "W", "plan": "P"}

    asked = client.post(url, {**data, "once_token": token})
    assert asked.status_code == 200
    assert f'name="once_token" value="{token}"' in asked.content.decode()
    assert ProblemSubmission.objects.count() == 0

    confirmed = {**data, "once_token": token, "confirmed": "yes"}
    first = client.post(url, confirmed)
    second = client.post(url, confirmed)

    assert first.status_code == 302
    assert ProblemSubmission.objects.count() == 1
    assert second["Location"] == first["Location"]
