import pytest
from django.urls import reverse

from cohort.models import Notification, Role
from sprints import services
from sprints.models import Decision, ProblemState, Selection, Slot
from sprints.services import SelectionFull
from tests.factories.sprints import make_idea, make_pair


@pytest.fixture
def pairs(cohort, make_member):
    made = []
    for n in range(3):
        a = make_member(Role.PARTICIPANT, name=f"Alpha{n} Person")
        b = make_member(Role.PARTICIPANT, name=f"Beta{n} Person")
        made.append(make_pair(cohort, a, b))
    return made


def _members(pair):
    return [m.user for m in pair.members.order_by("slot")]


def test_pair_changelist_filters_and_search(client, cohort, mentor, pairs):
    services.submit_problem(pair=pairs[0], user=_members(pairs[0])[0], title="Own problem")
    services.submit_problem(
        pair=pairs[1], user=_members(pairs[1])[0], idea=make_idea(cohort, "From the list")
    )
    pairs[2].score = 5
    pairs[2].save()
    client.force_login(mentor)
    url = reverse("admin:sprints_pair_changelist")

    def shown(**params):
        html = client.get(url, params).content.decode()
        return [n for n in range(3) if f"Alpha{n} Person" in html]

    assert shown() == [0, 1, 2]
    assert shown(problem="pending") == [0]
    assert shown(problem="approved") == [1]
    assert shown(category="own") == [0]
    assert shown(score__exact=5) == [2]
    assert shown(q="Beta1") == [1]
    assert shown(state="active") == [0, 1, 2]


def test_pair_changelist_is_scoped_to_the_mentors_cohorts(client, other_cohort, pairs, make_member):
    outsider = make_member(Role.MENTOR, in_cohort=other_cohort)
    client.force_login(outsider)

    html = client.get(reverse("admin:sprints_pair_changelist")).content.decode()

    assert "Alpha0 Person" not in html


def test_bulk_approve_and_send_back_with_a_comment(client, cohort, mentor, pairs):
    subs = [
        services.submit_problem(pair=p, user=_members(p)[0], title=f"Problem {n}")
        for n, p in enumerate(pairs[:2])
    ]
    client.force_login(mentor)
    url = reverse("admin:sprints_pair_changelist")

    client.post(url, {"action": "approve_problems", "_selected_action": [pairs[0].pk]})
    ask = client.post(url, {"action": "send_back_problems", "_selected_action": [pairs[1].pk]})
    assert "Send proposals back" in ask.content.decode()
    client.post(
        url,
        {
            "action": "send_back_problems",
            "_selected_action": [pairs[1].pk],
            "apply": "1",
            "comment": "Too wide; narrow it.",
        },
    )

    for s in subs:
        s.refresh_from_db()
    assert [(s.state, s.mentor_comment) for s in subs] == [
        (ProblemState.APPROVED, ""),
        (ProblemState.SENT_BACK, "Too wide; narrow it."),
    ]


def test_csv_export_lists_the_selected_pairs(client, cohort, mentor, pairs, make_member):
    ta = make_member(Role.TA, name="Tia Assistant")
    pairs[0].ta = ta
    pairs[0].save()
    client.force_login(mentor)

    response = client.post(
        reverse("admin:sprints_pair_changelist"),
        {"action": "export_csv", "_selected_action": [pairs[0].pk]},
    )

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0].startswith("members,solo,state,TA,problem")
    assert lines[1] == "Alpha0 Person & Beta0 Person,no,Active,Tia Assistant,,,,,no,"


def test_proposal_sent_back_from_its_admin_page_notifies_the_pair(client, cohort, mentor, pairs):
    a, b = _members(pairs[0])
    submission = services.submit_problem(pair=pairs[0], user=a, title="Broad")
    client.force_login(mentor)
    url = reverse("admin:sprints_problemsubmission_change", args=[submission.pk])

    client.post(url, {"decision": "send_back", "comment": "One behaviour, please."})

    submission.refresh_from_db()
    assert (submission.state, submission.mentor_comment) == ("sent_back", "One behaviour, please.")
    assert set(
        Notification.objects.filter(kind="sprints.problem_decided").values_list("user", flat=True)
    ) == {a.pk, b.pk}


def test_publish_slots_from_the_admin(client, cohort, mentor):
    client.force_login(mentor)

    client.post(
        reverse("admin:sprints_slot_publish"),
        {
            "cohort": cohort.pk,
            "kind": "interview",
            "day": cohort.interview_start,
            "start": "09:00",
            "end": "13:00",
            "minutes": 90,
        },
    )

    assert Slot.objects.filter(cohort=cohort, kind="interview").count() == 2


def _participants(make_member, n):
    return [make_member(Role.PARTICIPANT, name=f"Candidate {i}") for i in range(n)]


def test_selection_cap_refuses_a_ninth(cohort, make_member):
    people = _participants(make_member, 9)
    for person in people[:8]:
        services.decide_selection(cohort=cohort, user=person, decision=Decision.SELECTED)

    with pytest.raises(SelectionFull, match="All 8 research-phase places are taken"):
        services.decide_selection(cohort=cohort, user=people[8], decision=Decision.SELECTED)

    assert Selection.objects.filter(decision=Decision.SELECTED).count() == 8


def test_reselecting_a_selected_person_does_not_count_twice(cohort, make_member):
    people = _participants(make_member, 8)
    for person in people:
        services.decide_selection(cohort=cohort, user=person, decision=Decision.SELECTED)

    services.decide_selection(
        cohort=cohort, user=people[0], decision=Decision.SELECTED, note="Strong write-up."
    )

    assert Selection.objects.filter(decision=Decision.SELECTED).count() == 8


def test_admin_refuses_a_ninth_selection_with_a_clear_message(client, cohort, mentor, make_member):
    people = _participants(make_member, 9)
    for person in people[:8]:
        services.decide_selection(cohort=cohort, user=person, decision=Decision.SELECTED)
    client.force_login(mentor)

    response = client.post(
        reverse("admin:sprints_selection_add"),
        {"cohort": cohort.pk, "user": people[8].pk, "decision": "selected", "referred_to": ""},
    )

    assert response.status_code == 200
    assert "All 8 research-phase places are taken" in response.content.decode()
    assert Selection.objects.filter(user=people[8]).count() == 0


def test_admin_referral_names_the_other_mentor(client, cohort, mentor, make_member):
    person = _participants(make_member, 1)[0]
    client.force_login(mentor)
    url = reverse("admin:sprints_selection_add")

    missing = client.post(
        url, {"cohort": cohort.pk, "user": person.pk, "decision": "referred", "referred_to": ""}
    )
    client.post(
        url,
        {"cohort": cohort.pk, "user": person.pk, "decision": "referred", "referred_to": "Dr Lee"},
    )

    assert "Name the mentor" in missing.content.decode()
    assert list(Selection.objects.values_list("decision", "referred_to")) == [
        ("referred", "Dr Lee")
    ]


def test_admin_pages_open_for_the_mentor(client, cohort, mentor, pairs):
    client.force_login(mentor)
    names = [
        "admin:sprints_pair_changelist",
        "admin:sprints_problemsubmission_changelist",
        "admin:sprints_selection_changelist",
        "admin:sprints_slot_changelist",
        "admin:sprints_idea_changelist",
        "admin:sprints_dateshiftrequest_changelist",
        "admin:sprints_sprintsettings_changelist",
    ]

    statuses = [client.get(reverse(n)).status_code for n in names]
    pair_page = client.get(reverse("admin:sprints_pair_change", args=[pairs[0].pk]))

    assert statuses == [200] * len(names)
    assert pair_page.status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(
    ("name", "first", "later"),
    [
        # The pair list's rows and filters are drawn on the first visit only (CachedRowsMixin):
        # later ones read the rows' pks, without the members' prefetch, and no score choices.
        ("admin:sprints_pair_changelist", 10, 5),
        ("admin:sprints_problemsubmission_changelist", 10, 7),
        ("admin:sprints_booking_changelist", 10, 7),
        ("admin:sprints_slot_changelist", 10, 7),
    ],
)
def test_admin_list_queries_do_not_grow_with_rows(
    client, get_in_queries, cohort, mentor, make_member, name, first, later, rows
):
    from tests.factories.sprints import make_slot

    def add(n):
        for _ in range(n):
            a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
            pair = make_pair(cohort, a, b, ta=make_member(Role.TA))
            services.submit_problem(pair=pair, user=a, title=f"Problem {a.pk}")
            services.book_slot(slot_id=make_slot(cohort).pk, pair=pair, user=a)

    client.force_login(mentor)
    add(rows)

    # The first admin page of a set of rights builds the sidebar's list of apps (2 queries
    # more: the unscoped admins read Django permissions); later pages reuse it, after reading
    # the rights it is kept by with the person's memberships (cohort/admin_rights.py). It also
    # reads the user's row, which later pages keep (cohort/visitors.py): 1 more.
    get_in_queries(reverse(name), first)
    get_in_queries(reverse(name), later)


def test_mentor_dissolves_a_pair_after_the_start_from_the_admin(
    client, cohort, mentor, pairs, after_sprint_start
):
    a, b = _members(pairs[0])
    client.force_login(mentor)

    client.post(
        reverse("admin:sprints_pair_changelist"),
        {"action": "dissolve_pairs", "_selected_action": [pairs[0].pk]},
    )

    pairs[0].refresh_from_db()
    assert pairs[0].dissolved_at is not None
    assert set(
        Notification.objects.filter(kind="sprints.pair_dissolved").values_list("user", flat=True)
    ) == {a.pk, b.pk}


def test_mentor_approves_alternative_dates_from_the_admin(client, cohort, mentor, pairs):
    from datetime import timedelta

    from sprints import queries

    a, b = _members(pairs[0])
    start, end = cohort.sprint_start + timedelta(days=1), cohort.sprint_end + timedelta(days=1)
    request = services.request_alternative_dates(
        pair=pairs[0], user=a, dates={a.pk: (start, end), b.pk: (start, end)}
    )
    client.force_login(mentor)

    client.post(
        reverse("admin:sprints_dateshiftrequest_changelist"),
        {"action": "approve", "_selected_action": [request.pk]},
    )

    assert [(d.start, d.shifted) for d in queries.sprint_dates(pairs[0])] == [(start, True)] * 2
