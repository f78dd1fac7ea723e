from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort import timeline
from cohort.markdown import render_markdown
from cohort.models import Role
from tests.factories.cohort import (
    AnnouncementFactory,
    CohortFactory,
    FAQEntryFactory,
    InvitationFactory,
    MembershipFactory,
    ResourceFactory,
    ResourceSectionFactory,
)


def test_home_shows_phase_countdown_and_latest_announcements(client, participant, cohort):
    for n in range(5):
        AnnouncementFactory(
            cohort=cohort, title=f"News {n}", published_at=timezone.now() - timedelta(hours=n + 1)
        )
    AnnouncementFactory(cohort=cohort, title="Draft", published_at=None)
    AnnouncementFactory(
        cohort=cohort, title="Tomorrow", published_at=timezone.now() + timedelta(days=1)
    )
    AnnouncementFactory(cohort=CohortFactory(slug="elsewhere"), title="Other cohort's news")
    client.force_login(participant)

    response = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug}))

    html = response.content.decode()
    assert response.context["phase"].name == "Preparation phase"
    assert response.context["next_milestone"].label == "Goals form due"
    assert "Goals form due in" in html
    assert [a.title for a in response.context["announcements"]] == ["News 0", "News 1", "News 2"]
    assert "Draft" not in html and "Tomorrow" not in html and "Other cohort" not in html


def test_draft_and_scheduled_announcements_are_not_readable_by_url(client, participant, cohort):
    draft = AnnouncementFactory(cohort=cohort, published_at=None)
    client.force_login(participant)

    response = client.get(
        reverse("cohort:announcement", kwargs={"slug": cohort.slug, "pk": draft.pk})
    )

    assert response.status_code == 404


def test_another_cohorts_announcement_is_not_readable_through_this_cohort(
    client, participant, cohort
):
    theirs = AnnouncementFactory(cohort=CohortFactory(slug="elsewhere"))
    client.force_login(participant)

    response = client.get(
        reverse("cohort:announcement", kwargs={"slug": cohort.slug, "pk": theirs.pk})
    )

    assert response.status_code == 404


def test_navigation_shows_overview_to_the_mentor_only(client, cohort, participant, mentor):
    url = reverse("cohort:home", kwargs={"slug": cohort.slug})
    client.force_login(participant)
    participant_nav = [i["label"] for i in client.get(url).context["nav_items"]]
    client.force_login(mentor)
    mentor_nav = [i["label"] for i in client.get(url).context["nav_items"]]

    assert "Overview" not in participant_nav
    assert mentor_nav[-1] == "Overview"


def test_resources_are_grouped_in_order_with_safe_markdown(client, participant, cohort):
    later = ResourceSectionFactory(cohort=cohort, title="Tooling", order=2)
    first = ResourceSectionFactory(cohort=cohort, title="Start here", order=1)
    ResourceFactory(
        section=first, title="Guide", description="Read *this* <script>alert(1)</script>"
    )
    ResourceFactory(section=later, title="GPU rental")
    client.force_login(participant)

    response = client.get(reverse("cohort:resources", kwargs={"slug": cohort.slug}))

    html = response.content.decode()
    assert [s.title for s in response.context["sections"]] == ["Start here", "Tooling"]
    assert "<em>this</em>" in html
    assert "<script>alert(1)</script>" not in html


def test_faq_lists_entries_in_order(client, participant, cohort):
    FAQEntryFactory(cohort=cohort, question="Second?", order=2)
    FAQEntryFactory(cohort=cohort, question="First?", order=1)
    client.force_login(participant)

    response = client.get(reverse("cohort:faq", kwargs={"slug": cohort.slug}))

    assert [e.question for e in response.context["entries"]] == ["First?", "Second?"]


def test_overview_counts_invited_and_signed_up_and_names_who_has_not(client, cohort, mentor):
    MembershipFactory(cohort=cohort, role=Role.PARTICIPANT)
    InvitationFactory(cohort=cohort, email="waiting@example.org", role=Role.PARTICIPANT)
    InvitationFactory(
        cohort=cohort, email="joined@example.org", role=Role.PARTICIPANT, accepted_at=timezone.now()
    )
    client.force_login(mentor)

    response = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug}))

    invitations = response.context["sections"][0]
    participants_row = invitations.rows[0]
    assert invitations.title == "Invitations"
    assert (participants_row.total, participants_row.label) == (
        1,
        "participants signed up, of 2 invited",
    )
    assert participants_row.people == ["waiting@example.org"]


def test_mentor_home_todo_names_people_who_have_not_signed_up(client, cohort, mentor):
    InvitationFactory(cohort=cohort, email="waiting@example.org")
    client.force_login(mentor)

    response = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug}))

    assert [item.label for item in response.context["todo"]] == [
        "1 invited person has not signed up yet"
    ]


@pytest.mark.parametrize(
    ("moment", "phase", "next_label"),
    [
        ("2026-02-01 23:59", "Before the program", "Preparation phase starts"),
        ("2026-02-02 00:00", "Preparation phase", "Goals form due"),
        ("2026-02-04 23:59", "Preparation phase", "Goals form due"),
        ("2026-02-05 00:00", "Preparation phase", "Partner deadline"),
        ("2026-02-23 00:00", "Research sprint", "Research sprint ends"),
        ("2026-03-06 23:59", "Research sprint", "Research sprint ends"),
        ("2026-03-07 09:00", "Final interviews", "Final interviews end"),
        ("2026-03-09 00:00", "After the sprint", None),
    ],
)
def test_phase_and_next_date_at_the_edges_of_a_real_round(db, moment, phase, next_label):
    cohort = CohortFactory(
        preparation_start="2026-02-02",
        preparation_end="2026-02-20",
        goals_form_due="2026-02-04",
        partner_deadline="2026-02-20",
        sprint_start="2026-02-23",
        sprint_end="2026-03-06",
        interview_start="2026-03-07",
        interview_end="2026-03-08",
    )
    cohort.refresh_from_db()
    now = datetime.fromisoformat(moment).replace(tzinfo=cohort.tzinfo)

    with time_machine.travel(now, tick=False):
        found_phase = timeline.current_phase(cohort).name
        found_next = timeline.next_milestone(cohort)

    assert found_phase == phase
    assert (found_next.label if found_next else None) == next_label


def test_times_show_in_the_viewers_timezone_with_the_cohorts_beside(client, cohort, make_member):
    viewer = make_member(Role.PARTICIPANT, timezone="America/New_York")
    client.force_login(viewer)

    html = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug})).content.decode()

    due = cohort.end_of(cohort.goals_form_due)
    new_york = timezone.localtime(due, timezone=ZoneInfo("America/New_York"))
    london = timezone.localtime(due, timezone=cohort.tzinfo)
    assert f'{new_york:%H:%M} <span class="tz">{new_york.tzname()}</span>' in html
    assert f"({london:%a %-d %b, %H:%M} {london.tzname()})" in html


def test_markdown_keeps_formatting_and_drops_scripts_and_javascript_links():
    html = render_markdown("**bold** [x](javascript:alert(1)) <img src=x onerror=alert(1)>")

    assert "<strong>bold</strong>" in html
    assert "javascript:" not in html
    assert "onerror" not in html and "<img" not in html


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(
    ("page", "queries"),
    [("home", 8), ("announcements", 4), ("resources", 4), ("faq", 3), ("overview", 27)],
)
def test_page_queries_do_not_grow_with_rows(
    client, get_in_queries, cohort, mentor, page, queries, rows
):
    client.force_login(mentor)

    def add_rows(n, offset):
        for i in range(offset, offset + n):
            AnnouncementFactory(cohort=cohort)
            section = ResourceSectionFactory(cohort=cohort)
            ResourceFactory(section=section)
            FAQEntryFactory(cohort=cohort)
            MembershipFactory(cohort=cohort)
            InvitationFactory(cohort=cohort, email=f"open{i}@example.org")

    add_rows(rows, 0)

    get_in_queries(reverse(f"cohort:{page}", kwargs={"slug": cohort.slug}), queries)


def test_notification_shows_on_home_until_dismissed(client, cohort, participant):
    from cohort.services import notify

    note = notify(cohort=cohort, user=participant, kind="test", title="Your claim was approved")
    client.force_login(participant)
    home = reverse("cohort:home", kwargs={"slug": cohort.slug})

    before = client.get(home).content.decode()
    dismiss = reverse("cohort:dismiss_notification", kwargs={"slug": cohort.slug, "pk": note.pk})
    response = client.post(dismiss)
    after = client.get(home).content.decode()

    assert "Your claim was approved" in before
    assert response.status_code == 302
    assert "Your claim was approved" not in after


def test_nobody_can_dismiss_someone_elses_notification(client, cohort, participant, make_member):
    from cohort.services import notify

    note = notify(cohort=cohort, user=participant, kind="test", title="Private")
    client.force_login(make_member(Role.PARTICIPANT))

    response = client.post(
        reverse("cohort:dismiss_notification", kwargs={"slug": cohort.slug, "pk": note.pk})
    )

    note.refresh_from_db()
    assert response.status_code == 404
    assert note.read_at is None


def test_navigation_is_grouped_and_names_the_current_page(client, cohort, participant):
    client.force_login(participant)

    response = client.get(reverse("participants:goals", kwargs={"slug": cohort.slug}))

    groups = {g["label"]: [i["label"] for i in g["items"]] for g in response.context["nav_groups"]}
    assert groups == {
        "The program": ["Home", "Announcements", "People", "Schedule", "Resources", "FAQ"],
        "The sprint": ["Partners", "Ideas", "Pairing", "Mini-projects", "My sprint"],
        "Me": ["My slide", "My forms", "Ask for help", "Compute", "Notifications"],
    }
    # The goals form lives under "My forms"; the phone menu's button names it.
    assert response.context["nav_current"]["label"] == "My forms"
    assert '<span class="nav-current">My forms</span>' in response.content.decode()


def test_staff_see_a_staff_group_and_claim_pages_count_as_claims(client, cohort, participant):
    from cohort.models import Role
    from tests.factories.cohort import MembershipFactory, UserFactory
    from tests.factories.compute import ClaimFactory

    operations = UserFactory()
    MembershipFactory(cohort=cohort, user=operations, role=Role.OPERATIONS)
    claim = ClaimFactory(cohort=cohort, owner=participant)
    client.force_login(operations)

    response = client.get(reverse("compute:claim", kwargs={"slug": cohort.slug, "pk": claim.pk}))

    groups = [g["label"] for g in response.context["nav_groups"]]
    assert groups == ["The program", "The sprint", "Me", "Staff"]
    assert response.context["nav_current"]["label"] == "Claims"
