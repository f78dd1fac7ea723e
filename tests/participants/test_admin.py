import csv
import io

from django.urls import reverse

from cohort.models import Notification, Role
from participants import services
from participants.models import GoalsAnswer, TAAssignment, Withdrawal
from tests.participants.test_goals import ANSWERS


def test_admin_goals_reopen_action(client, cohort, mentor, participant):
    answer = GoalsAnswer.objects.get(membership__user=participant)
    client.force_login(mentor)

    client.post(
        reverse("admin:participants_goalsanswer_changelist"),
        {"action": "reopen", "_selected_action": [answer.pk]},
    )

    answer.refresh_from_db()
    assert (answer.reopened_by, answer.reopened_at is not None) == (mentor, True)


def test_admin_goals_filter_not_submitted(client, cohort, mentor, make_member):
    done = make_member(Role.PARTICIPANT, name="Done Dan")
    make_member(Role.PARTICIPANT, name="Missing Mo")
    services.submit_goals(membership=done.memberships.get(), answers=ANSWERS)
    client.force_login(mentor)

    response = client.get(
        reverse("admin:participants_goalsanswer_changelist"), {"state": "missing"}
    )

    names = [a.membership.user.name for a in response.context["cl"].result_list]
    assert names == ["Missing Mo"]


def test_admin_goals_csv_export_escapes_formulas(client, cohort, mentor, participant):
    services.submit_goals(
        membership=participant.memberships.get(), answers={**ANSWERS, "hopes": "=HYPERLINK(1)"}
    )
    answer = GoalsAnswer.objects.get(membership__user=participant)
    client.force_login(mentor)

    response = client.post(
        reverse("admin:participants_goalsanswer_changelist"),
        {"action": "export_csv", "_selected_action": [answer.pk]},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["name"], r["state"], r["hopes"]) for r in rows] == [
        ("Pat Participant", "on time", "'=HYPERLINK(1)")
    ]


def test_admin_goals_mentor_of_other_cohort_sees_none(client, cohort, other_cohort, make_member):
    make_member(Role.PARTICIPANT)
    outsider = make_member(Role.MENTOR, in_cohort=other_cohort)
    client.force_login(outsider)

    response = client.get(reverse("admin:participants_goalsanswer_changelist"))

    assert list(response.context["cl"].result_list) == []


def test_admin_withdrawal_reverse_action(client, cohort, mentor, participant):
    withdrawal = services.withdraw(membership=participant.memberships.get(), scope="program")
    client.force_login(mentor)

    client.post(
        reverse("admin:participants_withdrawal_changelist"),
        {"action": "reverse", "_selected_action": [withdrawal.pk]},
    )

    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.is_active, withdrawal.reversed_by) == (False, mentor)


def test_admin_spread_evenly_page(
    client, cohort, mentor, make_member, django_capture_on_commit_callbacks
):
    tas = [make_member(Role.TA) for _ in range(2)]
    for _ in range(5):
        make_member(Role.PARTICIPANT)
    client.force_login(mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:participants_taassignment_spread"), {"cohort": cohort.pk}
        )

    loads = sorted(TAAssignment.objects.filter(ta=t).count() for t in tas)
    assert response.status_code == 302
    assert loads == [2, 3]
    assert Notification.objects.filter(kind="participants.ta_assigned").count() == 2


def test_admin_ta_assignment_refuses_non_ta(client, cohort, mentor, make_member):
    person = make_member(Role.PARTICIPANT)
    not_a_ta = make_member(Role.PARTICIPANT)
    client.force_login(mentor)

    response = client.post(
        reverse("admin:participants_taassignment_add"),
        {"cohort": cohort.pk, "participant": person.pk, "ta": not_a_ta.pk},
    )

    # Only the cohort's TAs are offered (and accepted) for the TA field.
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ta"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert TAAssignment.objects.count() == 0
