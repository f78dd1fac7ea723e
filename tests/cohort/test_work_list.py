"""The mentor's overview as a work list: each person's stages and who is at risk now, by rule."""

from cohort.worklist import build_work_list
from events.models import Attendance
from participants.images import placeholder_avatar
from participants.models import HelpRequest, Profile, Withdrawal, WithdrawalScope
from sprints.models import Booking, ProblemState, ProblemSubmission
from tests.cohort.work_list_helpers import at, join, risk_people, submit_goals
from tests.factories.events import EventFactory
from tests.factories.sprints import make_pair, make_slot


def test_goals_form_missing_only_after_its_deadline(round_cohort, second_cohort):
    done, missing, also_missing = (join(round_cohort) for _ in range(3))
    submit_goals(round_cohort, done)

    before = risk_people(round_cohort, "goals_missing", at("2027-02-03", "23:59:00+00:00"))
    after = risk_people(round_cohort, "goals_missing", at("2027-02-04", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {missing.pk, also_missing.pk})


def test_withdrawn_people_are_never_at_risk(round_cohort):
    stays, leaves = join(round_cohort), join(round_cohort)
    Withdrawal.objects.create(
        membership=leaves.memberships.get(cohort=round_cohort), scope=WithdrawalScope.PROGRAM
    )

    assert risk_people(round_cohort, "goals_missing", at("2027-02-10")) == (True, {stays.pk})


def test_no_partner_only_after_the_partner_deadline(round_cohort, second_cohort):
    a, b, alone = join(round_cohort), join(round_cohort), join(round_cohort)
    make_pair(round_cohort, a, b)

    before = risk_people(round_cohort, "no_partner", at("2027-02-19", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_partner", at("2027-02-20"))

    assert before == (False, set())
    assert after == (True, {alone.pk})


def test_no_approved_problem_from_a_week_before_the_sprint(round_cohort, second_cohort):
    a, b, c, d, alone = (join(round_cohort) for _ in range(5))
    approved = make_pair(round_cohort, a, b)
    approved.current_problem = ProblemSubmission.objects.create(
        pair=approved, round=1, title="Circuits", state=ProblemState.APPROVED, submitted_by=a
    )
    approved.save()
    make_pair(round_cohort, c, d)

    before = risk_people(round_cohort, "no_problem", at("2027-02-14", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_problem", at("2027-02-15", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {c.pk, d.pk, alone.pk})


def test_no_interview_from_three_days_before_the_interviews(round_cohort, second_cohort):
    a, b, c, d = (join(round_cohort) for _ in range(4))
    booked = make_pair(round_cohort, a, b)
    Booking.objects.create(slot=make_slot(round_cohort), pair=booked, kind="interview", booked_by=a)
    make_pair(round_cohort, c, d)

    before = risk_people(round_cohort, "no_interview", at("2027-03-02", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_interview", at("2027-03-03", "00:00:01+00:00"))
    over = risk_people(round_cohort, "no_interview", at("2027-03-08", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {c.pk, d.pk})
    assert over == (False, set())


def test_attendance_outside_the_guidance_only_after_two_weeks(round_cohort, second_cohort):
    never, always, sometimes = join(round_cohort), join(round_cohort), join(round_cohort)
    events = [
        EventFactory(
            cohort=round_cohort,
            starts_at=at(f"2027-02-0{day}", "15:00:00+00:00"),
            ends_at=at(f"2027-02-0{day}", "16:00:00+00:00"),
        )
        for day in range(2, 7)
    ]
    for event in events:
        Attendance.objects.create(event=event, user=always)
    for event in events[:2]:
        Attendance.objects.create(event=event, user=sometimes)

    before = risk_people(round_cohort, "attendance", at("2027-02-14", "23:00:00+00:00"))
    after = risk_people(round_cohort, "attendance", at("2027-02-15", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {never.pk, always.pk})


def test_help_request_waiting_more_than_a_day(round_cohort, second_cohort):
    waiting, fresh, answered = join(round_cohort), join(round_cohort), join(round_cohort)
    HelpRequest.objects.create(
        cohort=round_cohort, requester=waiting, topic="Old", created_at=at("2027-02-08")
    )
    HelpRequest.objects.create(
        cohort=round_cohort,
        requester=fresh,
        topic="New",
        created_at=at("2027-02-09", "10:00:00+00:00"),
    )
    HelpRequest.objects.create(
        cohort=round_cohort,
        requester=answered,
        topic="Claimed",
        created_at=at("2027-02-01"),
        state="claimed",
        claimed_by=fresh,
        claimed_at=at("2027-02-01"),
    )

    assert risk_people(round_cohort, "help_waiting", at("2027-02-09", "11:59:00+00:00")) == (
        True,
        set(),
    )
    assert risk_people(round_cohort, "help_waiting", at("2027-02-09", "12:00:01+00:00")) == (
        True,
        {waiting.pk},
    )


def test_people_sharing_a_name_are_two_rows_with_their_own_stages(round_cohort):
    """The bug of the old overview: people were matched by display name."""
    finished, unfinished = join(round_cohort, "Sam Lee"), join(round_cohort, "Sam Lee")
    profile = Profile.objects.create(
        membership=finished.memberships.get(), bio="Hi", interests=",circuits,"
    )
    profile.photo.save("a.png", placeholder_avatar(initials="S", seed=1))

    rows = {row.user_id: row for row in build_work_list(round_cohort, at("2027-02-02")).rows}

    assert {uid: rows[uid].cells["slide"].text for uid in rows} == {
        finished.pk: "done",
        unfinished.pk: "unfinished",
    }


def test_figures_list_the_unfinished_one_of_two_people_sharing_a_name(round_cohort):
    """The old overview dropped everyone whose name matched someone who had finished."""
    from cohort.overview import overview_sections

    finished, unfinished = join(round_cohort, "Sam Lee"), join(round_cohort, "Sam Lee")
    profile = Profile.objects.create(
        membership=finished.memberships.get(), bio="Hi", interests=",circuits,"
    )
    profile.photo.save("a.png", placeholder_avatar(initials="S", seed=1))

    section = next(s for s in overview_sections(round_cohort) if s.title == "Participants")
    row = next(r for r in section.rows if r.note == "still to finish theirs")

    assert (row.count, row.people) == (1, ["Sam Lee"])
    assert unfinished.pk != finished.pk
