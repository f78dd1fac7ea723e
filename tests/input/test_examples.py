"""The examples of issue 11, each as a person would meet it: a clear refusal or the default view,
never a server error, and nothing stored (run on PostgreSQL in CI, where NUL bytes fail)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohort.validation import CONTROL_MESSAGE
from compute.models import Claim, TopUpRequest
from participants.models import GoalsAnswer
from sprints.models import DateShiftRequest, Idea, MiniProject, ProblemSubmission
from tests.factories.sprints import make_idea, make_pair

MEGABYTE = "x" * 1_000_000


@pytest.fixture
def browser(participant):
    client = Client(raise_request_exception=False)
    client.force_login(participant)
    return client


def _url(cohort, name, **kwargs):
    return reverse(name, kwargs={"slug": cohort.slug, **kwargs})


def test_mini_project_in_year_9999_is_refused_and_the_list_still_shows(browser, cohort):
    response = browser.post(
        _url(cohort, "sprints:mini_project_new"),
        {"title": "Far future", "start_date": "9999-12-31", "days": "2", "takeaway": "x"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        f"A mini-project starts during the program, between "
        f"{cohort.preparation_start:%-d %b} and {cohort.interview_end:%-d %b %Y}."
    ]
    assert MiniProject.objects.count() == 0
    assert browser.get(_url(cohort, "sprints:mini_projects")).status_code == 200


def test_nul_in_the_goals_form_is_refused_and_kept_as_a_draft_without_it(browser, cohort):
    data = {
        "hopes": "Learn\x00 more",
        "hours_per_week": "20",
        "experience": "some",
        "topics": "SAEs",
        "wants_partner": "yes",
        "sprint_hopes": "Ship",
    }
    response = browser.post(_url(cohort, "participants:goals"), data)

    assert response.status_code == 200
    assert "hopes" in response.context["form"].errors
    assert GoalsAnswer.objects.get().draft["hopes"] == "Learn more"


def test_nul_in_the_goals_autosave_is_saved_without_it(browser, cohort):
    response = browser.post(_url(cohort, "participants:goals_draft"), {"hopes": "a\x00b"})

    assert response.status_code == 200
    assert GoalsAnswer.objects.get().draft["hopes"] == "ab"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("participants:people", "tz=%00"),
        ("participants:people", "interest=%00"),
        ("participants:slideshow", "tz=%00&interest=%00"),
        ("participants:partners", "interest=%00&sort=%00"),
        ("events:schedule", "view=week&week=9999-12-31"),
        ("events:schedule", "view=week&week=0001-01-01"),
        ("events:schedule", "view=week&week=%00"),
        ("sprints:mini_projects", "person=99999999999999999999"),
        ("sprints:ideas", "category=%00&difficulty=%00"),
    ],
)
def test_query_string_that_does_not_parse_shows_the_default_view(browser, cohort, name, query):
    response = browser.get(f"{_url(cohort, name)}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/invite/%00/", "/invite/a%00b/"])
def test_nul_in_an_invitation_link_is_not_found(path):
    assert Client(raise_request_exception=False).get(path).status_code == 404


def test_nul_in_a_feed_token_is_not_found(cohort):
    client = Client(raise_request_exception=False)
    assert client.get(f"/c/{cohort.slug}/schedule/feed/%00.ics").status_code == 404


def test_megabyte_texts_are_refused_with_the_limit_named(browser, cohort, participant):
    today = timezone.localdate().isoformat()
    claim = browser.post(
        _url(cohort, "compute:claim_new"),
        {
            "spent_on": today,
            "vendor": "RunPod",
            "category": "gpu",
            "description": MEGABYTE,
            "amount": "1.00",
            "currency": "USD",
            "amount_usd": "1.00",
        },
    )
    top_up = browser.post(
        _url(cohort, "compute:top_up_new"), {"description": MEGABYTE, "estimate_usd": "10"}
    )

    assert claim.context["form"].errors["description"] == [
        "Ensure this value has at most 2000 characters (it has 1000000)."
    ]
    assert top_up.context["form"].errors["description"] == [
        "Ensure this value has at most 3000 characters (it has 1000000)."
    ]
    assert (Claim.objects.count(), TopUpRequest.objects.count()) == (0, 0)
    assert "At most 2,000 characters." in claim.content.decode()


def test_megabyte_problem_and_date_reason_are_refused(browser, cohort, participant, make_member):
    pair = make_pair(cohort, participant, make_member())
    problem = browser.post(
        _url(cohort, "sprints:problem"),
        {"title": "T", "question": MEGABYTE, "why": "w", "plan": "p"},
    )
    dates = {"reason": MEGABYTE}
    for member in pair.members.all():
        dates[f"start_{member.user_id}"] = cohort.sprint_start.isoformat()
        dates[f"end_{member.user_id}"] = cohort.sprint_end.isoformat()
    shift = browser.post(_url(cohort, "sprints:alternative_dates"), dates)

    # Refused on the sprint page itself, the form keeping what was typed (issue 12).
    assert (problem.status_code, shift.status_code) == (400, 400)
    assert "3,000 characters" in problem.content.decode()
    assert "3,000 characters" in shift.content.decode()
    assert (ProblemSubmission.objects.count(), DateShiftRequest.objects.count()) == (0, 0)


def test_claim_dated_9999_is_refused(browser, cohort):
    response = browser.post(
        _url(cohort, "compute:claim_new"),
        {
            "spent_on": "9999-12-31",
            "vendor": "RunPod",
            "category": "gpu",
            "description": "GPU",
            "amount": "1.00",
            "currency": "USD",
            "amount_usd": "1.00",
        },
    )

    assert response.context["form"].errors["spent_on"] == [
        "The purchase date must lie within the last year, and not in the future."
    ]
    assert Claim.objects.count() == 0


def test_control_characters_are_refused_with_a_clear_message(browser, cohort):
    response = browser.post(
        _url(cohort, "participants:help"), {"topic": "Stuck\x1b[2J", "urgency": "normal"}
    )

    assert response.context["form"].errors["topic"] == [CONTROL_MESSAGE]
    assert "Stuck\x1b[2J" in response.content.decode()  # the form keeps what was typed


def test_javascript_link_of_an_idea_is_refused_and_never_rendered(browser, cohort):
    idea = make_idea(cohort)
    idea.links = "javascript:alert(1)\nhttps://example.org/paper"

    with pytest.raises(ValidationError):
        idea.full_clean()
    Idea.objects.filter(pk=idea.pk).update(links=idea.links)  # as an older row might hold
    html = browser.get(_url(cohort, "sprints:ideas")).content.decode()

    assert 'href="javascript:' not in html
    assert 'href="https://example.org/paper" rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    "back", ["9999-12-31", "a\x00b", "//evil.example/", "https://evil.example/"]
)
def test_invite_with_a_bad_next_goes_back_to_the_sprint_page(
    browser, cohort, participant, make_member, back
):
    partner = make_member(name="Free Person")

    response = browser.post(_url(cohort, "sprints:invite"), {"partner": partner.pk, "next": back})

    assert (response.status_code, response["Location"]) == (302, _url(cohort, "sprints:sprint"))


def test_collaborator_id_too_large_for_the_database_is_an_invalid_choice(browser, cohort):
    response = browser.post(
        _url(cohort, "sprints:mini_project_new"),
        {"title": "T", "collaborators": "99999999999999999999999999", "days": "1"},
    )
    assert response.status_code in (200, 400, 422)
    assert "99999999999999999999" in response.content.decode()
