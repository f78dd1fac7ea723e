from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohort.models import Role
from cohort.overview import overview_sections
from cohort.todo import todo_items
from sprints import services
from sprints.models import IdeaCategory, MiniProject, PairInvitation, SlotKind
from tests.factories.sprints import make_idea, make_pair, make_slot


def _url(cohort, name):
    return reverse(f"sprints:{name}", kwargs={"slug": cohort.slug})


def test_new_cohort_gets_the_default_categories(cohort):
    assert list(IdeaCategory.objects.filter(cohort=cohort).values_list("name", flat=True)[:3]) == [
        "Looking for learned features",
        "Interpreting algorithmic problems",
        "Analysing toy language models",
    ]


def test_ideas_filter_by_category_difficulty_and_kind(client, cohort, participant):
    features, tooling = IdeaCategory.objects.filter(cohort=cohort)[:2]
    make_idea(cohort, "Dates features", "A", "mini", features)
    make_idea(cohort, "Sorting circuit", "C", "sprint", tooling)
    make_idea(cohort, "Either way", "A", "both", features)
    client.force_login(participant)

    def titles(**params):
        html = client.get(_url(cohort, "ideas"), params).content.decode()
        return [t for t in ("Dates features", "Sorting circuit", "Either way") if t in html]

    assert titles() == ["Dates features", "Sorting circuit", "Either way"]
    assert titles(category=features.pk) == ["Dates features", "Either way"]
    assert titles(difficulty="C") == ["Sorting circuit"]
    assert titles(kind="mini") == ["Dates features", "Either way"]


def test_mini_project_logged_with_collaborators_shown_on_their_logs(
    client, cohort, participant, make_member
):
    friend = make_member(Role.PARTICIPANT, name="Fran Friend")
    client.force_login(participant)

    response = client.post(
        _url(cohort, "mini_project_new"),
        {
            "title": "Bracket heads",
            "collaborators": [friend.pk],
            "start_date": cohort.preparation_start,
            "days": 3,
            "takeaway": "Two heads do it all.",
        },
    )

    assert response.status_code == 302
    log = MiniProject.objects.get()
    assert (log.author, list(log.collaborators.all()), log.end_date) == (
        participant,
        [friend],
        cohort.preparation_start + timedelta(days=2),
    )
    friends_logs = client.get(_url(cohort, "mini_projects"), {"person": friend.pk})
    assert "Bracket heads" in friends_logs.content.decode()


def test_mini_project_of_six_days_is_refused_by_form_and_database(client, cohort, participant):
    client.force_login(participant)

    response = client.post(
        _url(cohort, "mini_project_new"),
        {"title": "Too long", "start_date": cohort.preparation_start, "days": 6},
    )

    assert response.status_code == 200
    assert MiniProject.objects.count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        MiniProject.objects.create(
            cohort=cohort, author=participant, title="x", start_date=cohort.sprint_start, days=6
        )


def test_collaborators_must_be_from_the_cohort(client, cohort, participant, other_cohort):
    from tests.factories.cohort import MembershipFactory, UserFactory

    stranger = UserFactory()
    MembershipFactory(cohort=other_cohort, user=stranger)
    client.force_login(participant)

    client.post(
        _url(cohort, "mini_project_new"),
        {
            "title": "X",
            "collaborators": [stranger.pk],
            "start_date": cohort.sprint_start,
            "days": 1,
        },
    )

    assert MiniProject.objects.count() == 0


def test_partner_suggestions_send_invitations_in_one_click(client, cohort, mentor, make_member):
    people = [make_member(Role.PARTICIPANT, name=f"P{n}") for n in range(4)]
    make_pair(cohort, *[make_member(Role.PARTICIPANT) for _ in range(2)])
    client.force_login(mentor)

    page = client.get(_url(cohort, "partner_suggestions")).content.decode()
    assert page.count('name="pair"') == 2
    client.post(
        _url(cohort, "partner_suggestions"),
        {"pair": [f"{people[0].pk}-{people[1].pk}", f"{people[2].pk}-{people[3].pk}"]},
    )

    sent = PairInvitation.objects.values_list("from_user_id", "to_user_id", "suggested_by_id")
    assert sorted(sent) == [
        (people[0].pk, people[1].pk, mentor.pk),
        (people[2].pk, people[3].pk, mentor.pk),
    ]


def test_overview_section_counts(cohort, make_member, people):
    pair = make_pair(cohort, people[0], people[1])
    services.declare_solo(cohort=cohort, user=people[2])
    services.submit_problem(pair=pair, user=people[0], title="Pending one")
    make_pair(cohort, people[3], people[4])
    services.book_slot(slot_id=make_slot(cohort).pk, pair=pair, user=people[0])

    section = next(s for s in overview_sections(cohort) if s.title == "Research sprint")

    figures = {row.label: row.total for row in section.rows}
    assert figures == {
        "sprint pairs formed": 2,
        "solo sprints (flagged)": 1,
        "without a partner yet": 1,
        "research problems waiting for approval": 1,
        "research problems approved": 0,
        "research problems sent back": 0,
        "drop-ins booked": 0,
        "final interviews booked": 1,
    }


def test_todo_items_follow_the_pairs_progress(cohort, people):
    membership = people[0].memberships.get()

    def state():
        return {i.label: i.done for i in todo_items(membership) if "sprint" in i.url}

    # A newcomer is asked for a partner first; the pair's own steps come with the pair.
    assert state() == {"Find a sprint partner": False}
    pair = make_pair(cohort, people[0], people[1])
    assert state() == {
        "Find a sprint partner": True,
        "Choose a research problem": False,
        "Book your final interview": False,
        "Add the link to your write-up": False,
    }
    services.submit_problem(pair=pair, user=people[0], idea=make_idea(cohort))
    services.book_slot(slot_id=make_slot(cohort).pk, pair=pair, user=people[1])
    services.set_writeup(pair=pair, user=people[1], url="https://example.org/our-write-up")
    assert state() == {
        "Find a sprint partner": True,
        "Choose a research problem": True,
        "Book your final interview": True,
        "Add the link to your write-up": True,
    }


def test_sprint_page_and_home_list_the_same_open_items(client, cohort, people):
    """One definition of a pair's to-do items: the sprint page shows the home list's open ones."""
    pair = make_pair(cohort, people[0], people[1])
    services.submit_problem(pair=pair, user=people[0], title="Own idea", question="Why?")
    membership = people[0].memberships.get()
    client.force_login(people[0])

    page = client.get(reverse("sprints:sprint", kwargs={"slug": cohort.slug}))

    home = [i.label for i in todo_items(membership) if "sprint" in i.url and not i.done]
    expected = [
        "Wait for the mentor to approve your proposal",
        "Book your final interview",
        "Add the link to your write-up",
    ]
    assert (page.context["todo"], home) == (expected, expected)


def _rows(cohort, n, make_member, viewer_pair):
    """n of everything each list page shows."""
    category = IdeaCategory.objects.filter(cohort=cohort).first()
    for _ in range(n):
        a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
        pair = make_pair(cohort, a, b)
        idea = make_idea(cohort, title=f"Idea {a.pk}", category=category)
        services.submit_problem(pair=pair, user=a, idea=idea)
        log = MiniProject.objects.create(
            cohort=cohort, author=a, title=f"Log {a.pk}", start_date=cohort.sprint_start, days=2
        )
        log.collaborators.set([b])
        slot = make_slot(cohort, SlotKind.DROPIN)
        services.book_slot(slot_id=slot.pk, pair=pair, user=a)
        make_slot(cohort)
        make_member(Role.PARTICIPANT)  # unpaired: shows on the partner suggestions
        services.submit_problem(pair=viewer_pair, user=viewer_pair.members.first().user, title="t")


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(
    ("name", "viewer", "queries"),
    [
        ("ideas", "participant", 6),
        ("mini_projects", "participant", 4),
        ("sprint", "participant", 12),
        ("slots", "participant", 7),
        ("partner_suggestions", "mentor", 8),
    ],
)
def test_list_page_queries_do_not_grow_with_rows(
    client, get_in_queries, cohort, make_member, mentor, name, viewer, queries, rows
):
    me, partner = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    pair = make_pair(cohort, me, partner)
    client.force_login(me if viewer == "participant" else mentor)
    _rows(cohort, rows, make_member, pair)

    get_in_queries(_url(cohort, name), queries)


@pytest.mark.parametrize("rows", [1, 3])
def test_overview_and_home_queries_do_not_grow_with_pairs(
    client, get_in_queries, cohort, make_member, mentor, rows
):
    me = make_member(Role.PARTICIPANT)
    pair = make_pair(cohort, me, make_member(Role.PARTICIPANT))
    _rows(cohort, rows, make_member, pair)

    client.force_login(mentor)
    get_in_queries(reverse("cohort:overview", kwargs={"slug": cohort.slug}), 27)
    client.force_login(me)
    get_in_queries(reverse("cohort:home", kwargs={"slug": cohort.slug}), 8)
