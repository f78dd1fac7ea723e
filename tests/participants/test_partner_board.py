from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from cohort.models import Notification, Role
from participants import services
from participants.models import PartnerEntry, PartnerInterest, local_hours_to_utc_slots
from tests.factories.participants import PartnerEntryFactory

ENTRY = {
    "want_to_work_on": "Why features split as SAEs grow.",
    "interests": "Circuits, sparse autoencoders,  probing",
    "available_from": "9",
    "available_to": "17",
    "skills_offered": "PyTorch",
    "skills_wanted": "Maths",
}


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_partner_board_join_stores_tags_and_hours(client, cohort, participant):
    client.force_login(participant)

    response = client.post(_url(cohort, "partner_entry"), ENTRY)

    entry = PartnerEntry.objects.get(user=participant)
    assert response.status_code == 302
    assert entry.interest_list == ["circuits", "sparse autoencoders", "probing"]
    assert (entry.available_from, entry.available_to) == (9, 17)


def test_partner_board_shows_overlap_against_own_entry(client, cohort, make_member):
    me = make_member(Role.PARTICIPANT, timezone="Europe/London")
    other = make_member(Role.PARTICIPANT, name="Nina Other", timezone="Europe/Berlin")
    PartnerEntryFactory(
        cohort=cohort, user=me, interests=",circuits,probing,", available_from=9, available_to=17
    )
    PartnerEntryFactory(
        cohort=cohort,
        user=other,
        interests=",probing,steering,",
        available_from=15,
        available_to=22,
    )
    client.force_login(me)

    with time_machine.travel(datetime(2026, 1, 15, 12, tzinfo=UTC), tick=False):
        response = client.get(_url(cohort, "partners"))

    (entry,) = response.context["entries"]
    # Berlin 15-22 is London 14-21; London 9-17 shares 14, 15, 16.
    assert (entry.shared_interests, entry.shared_hours) == (["probing"], 3)
    assert "1 shared interest, 3 hours a day in common." in response.content.decode()


def test_local_hours_wrap_past_midnight_with_half_hour_offset():
    at = datetime(2026, 1, 15, 12, tzinfo=UTC)

    slots = local_hours_to_utc_slots(22, 2, "Asia/Kolkata", at)

    # 22:00 to 02:00 in India is 16:30 to 20:30 UTC.
    assert (min(slots) / 4, (max(slots) + 1) / 4, len(slots)) == (16.5, 20.5, 16)


def test_local_hours_whole_day_when_until_is_24():
    at = datetime(2026, 1, 15, 12, tzinfo=UTC)

    assert len(local_hours_to_utc_slots(0, 24, "Europe/London", at)) == 96


def test_partner_interest_note_is_seen_by_owner_only(
    client, cohort, make_member, django_capture_on_commit_callbacks
):
    owner = make_member(Role.PARTICIPANT, name="Olga Owner")
    fan = make_member(Role.PARTICIPANT, name="Finn Fan")
    bystander = make_member(Role.PARTICIPANT, name="Bea Bystander")
    entry = PartnerEntryFactory(cohort=cohort, user=owner)
    PartnerEntryFactory(cohort=cohort, user=bystander)
    client.force_login(fan)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(cohort, "partner_interest", pk=entry.pk), {"note": "Loved your plan!"})
        client.post(_url(cohort, "partner_interest", pk=entry.pk), {"note": "Loved your plan!"})
    client.force_login(owner)
    owner_page = client.get(_url(cohort, "partners")).content.decode()
    client.force_login(bystander)
    bystander_page = client.get(_url(cohort, "partners")).content.decode()

    assert "Loved your plan!" in owner_page
    assert "Loved your plan!" not in bystander_page
    note = Notification.objects.get(user=owner)
    assert (note.kind, note.title) == (
        "participants.partner_interest",
        "Finn Fan is interested in partnering with you",
    )


def test_partner_interest_in_own_entry_is_refused(client, cohort, participant):
    entry = PartnerEntryFactory(cohort=cohort, user=participant)
    client.force_login(participant)

    response = client.post(
        _url(cohort, "partner_interest", pk=entry.pk), {"note": "me"}, follow=True
    )

    assert "That is your own entry." in response.content.decode()
    assert PartnerInterest.objects.count() == 0


def test_partner_interest_on_another_cohorts_entry_is_404(
    client, cohort, other_cohort, participant
):
    entry = PartnerEntryFactory(cohort=other_cohort)
    client.force_login(participant)

    response = client.post(_url(cohort, "partner_interest", pk=entry.pk), {"note": "hi"})

    assert response.status_code == 404
    assert PartnerInterest.objects.count() == 0


def test_partner_board_remove_self(client, cohort, participant):
    PartnerEntryFactory(cohort=cohort, user=participant)
    client.force_login(participant)

    client.post(_url(cohort, "partner_entry_remove"))

    assert PartnerEntry.objects.filter(user=participant).exists() is False


def test_remove_from_partner_board_service_takes_pair_off_with_interest(cohort, make_member):
    a, b, c = (make_member(Role.PARTICIPANT) for _ in range(3))
    entry_a = PartnerEntryFactory(cohort=cohort, user=a)
    PartnerEntryFactory(cohort=cohort, user=b)
    PartnerEntryFactory(cohort=cohort, user=c)
    services.mark_interest(entry=entry_a, user=c, note="hi")

    removed = services.remove_from_partner_board(cohort=cohort, users=[a, b])

    assert removed == 2
    assert list(PartnerEntry.objects.values_list("user", flat=True)) == [c.pk]
    assert PartnerInterest.objects.count() == 0


def test_remove_from_partner_board_leaves_other_cohorts(cohort, other_cohort, participant):
    PartnerEntryFactory(cohort=other_cohort, user=participant)

    removed = services.remove_from_partner_board(cohort=cohort, users=[participant])

    assert (removed, PartnerEntry.objects.count()) == (0, 1)


def test_partner_board_mentor_sees_who_is_left_after_deadline(client, cohort, mentor, make_member):
    left = make_member(Role.PARTICIPANT, name="Lonely Lou")
    PartnerEntryFactory(cohort=cohort, user=left)
    deadline = cohort.end_of(cohort.partner_deadline)

    with time_machine.travel(deadline - timedelta(hours=1), tick=False):
        client.force_login(mentor)
        before = client.get(_url(cohort, "partners")).content.decode()
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        client.force_login(mentor)  # sessions last two weeks; the deadline is further away
        after = client.get(_url(cohort, "partners")).content.decode()

    assert "Still on the board after the partner deadline" not in before
    assert "Still on the board after the partner deadline (1)" in after
    assert "Lonely Lou" in after


def test_partner_board_filter_by_interest(client, cohort, participant, make_member):
    a = make_member(Role.PARTICIPANT, name="Ann Circuits")
    b = make_member(Role.PARTICIPANT, name="Ben Steering")
    PartnerEntryFactory(cohort=cohort, user=a, interests=",circuits,")
    PartnerEntryFactory(cohort=cohort, user=b, interests=",steering,")
    client.force_login(participant)

    response = client.get(_url(cohort, "partners"), {"interest": "steering"})

    assert [e.card.name for e in response.context["entries"]] == ["Ben Steering"]


def test_partner_board_refuses_someone_withdrawn_from_program(client, cohort, participant):
    services.withdraw(membership=participant.memberships.get(), scope="program")
    client.force_login(participant)

    response = client.post(_url(cohort, "partner_entry"), ENTRY, follow=True)

    assert "You have withdrawn from the program" in response.content.decode()
    assert PartnerEntry.objects.count() == 0
