"""Deleting in the admin: not offered where a service owns the record, done by the service where
one exists, and refused with a message (never a server error) where history depends on it."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.urls import reverse

from cohort.deletion import delete_cohort
from cohort.models import Cohort, User
from compute.models import AuditEntry, Claim, TopUpRequest
from participants.models import PartnerEntry, PartnerInterest
from sprints.models import Idea, Pair, ProblemSubmission, Slot
from tests.factories.cohort import UserFactory
from tests.factories.sprints import make_slot


def _actions(client, url):
    return [
        value for value, _label in client.get(url).context["action_form"].fields["action"].choices
    ]


@pytest.mark.parametrize(
    "changelist",
    [
        "sprints_pair",
        "sprints_problemsubmission",
        "sprints_selection",
        "participants_goalsanswer",
        "events_event",
    ],
)
def test_records_owned_by_a_service_offer_no_raw_delete(client, cohorts, changelist):
    a, _b = cohorts
    client.force_login(a.mentor)

    actions = _actions(client, reverse(f"admin:{changelist}_changelist"))

    assert "delete_selected" not in actions


def test_a_claim_with_history_cannot_be_deleted(cohorts):
    a, _b = cohorts
    claim = a.row(Claim)
    entries = AuditEntry.objects.filter(claim=claim).count()

    with pytest.raises(ProtectedError):
        claim.delete()

    assert (Claim.objects.filter(pk=claim.pk).count(), entries) == (
        1,
        AuditEntry.objects.filter(claim=claim).count(),
    )
    assert entries >= 1


def test_the_admin_offers_no_delete_of_a_claim_even_to_a_superuser(client, cohorts):
    a, _b = cohorts
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:compute_claim_delete", args=[a.row(Claim).pk]))

    assert response.status_code == 403
    assert Claim.objects.filter(pk=a.row(Claim).pk).exists()


def test_a_top_up_with_history_cannot_be_deleted(cohorts):
    a, _b = cohorts
    top_up = a.row(TopUpRequest)
    AuditEntry.objects.create(cohort=a.cohort, top_up=top_up, actor=a.mentor, action="decided")

    with pytest.raises(ProtectedError):
        top_up.delete()

    assert TopUpRequest.objects.filter(pk=top_up.pk).count() == 1


def test_deleting_a_claim_owner_in_the_admin_shows_the_protected_trail_and_deletes_nothing(
    client, cohorts
):
    a, _b = cohorts
    claim = a.row(Claim)
    owner, entries = claim.owner, list(AuditEntry.objects.filter(claim=claim))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:cohort_user_delete", args=[owner.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["title"] == "Cannot delete user"
    assert [p for p in response.context["protected"] if p.startswith("Audit entry: ")] == [
        f'Audit entry: <a href="/admin/compute/auditentry/{entry.pk}/change/">{entry}</a>'
        for entry in entries
    ]
    assert (
        Claim.objects.filter(pk=claim.pk).count(),
        User.objects.filter(pk=owner.pk).count(),
    ) == (
        1,
        1,
    )
    assert AuditEntry.objects.filter(claim=claim).count() == len(entries) >= 1


def test_a_cohort_cannot_be_deleted_around_its_audit_trail(cohorts):
    _a, b = cohorts
    # Ideas are PROTECTed by the problems that chose them and their categories by the ideas.
    ProblemSubmission.objects.filter(pair__cohort=b.cohort).delete()
    Idea.objects.filter(cohort=b.cohort).delete()
    entries = AuditEntry.objects.filter(cohort=b.cohort).count()

    with pytest.raises(ProtectedError):
        b.cohort.delete()

    assert AuditEntry.objects.filter(cohort=b.cohort).count() == entries >= 1


def test_deleting_a_whole_cohort_takes_its_audit_trail_and_chosen_ideas_first(cohorts):
    a, b = cohorts
    kept = (AuditEntry.objects.filter(cohort=a.cohort).count(), a.row(Idea), a.row(Claim))
    entries = AuditEntry.objects.filter(cohort=b.cohort).count()
    problems = ProblemSubmission.objects.filter(pair__cohort=b.cohort).count()
    assert (entries >= 1, problems >= 1) == (True, True)

    counts = delete_cohort(cohort=b.cohort)

    assert counts == {
        "audit entries": entries,
        "research problems": problems,
        "ideas": 1,
    }
    assert list(Cohort.objects.filter(pk__in=[a.cohort.pk, b.cohort.pk])) == [a.cohort]
    assert AuditEntry.objects.filter(cohort=b.cohort.pk).count() == 0
    assert Claim.objects.filter(cohort=b.cohort.pk).count() == 0
    assert (AuditEntry.objects.filter(cohort=a.cohort).count(), a.row(Idea), a.row(Claim)) == kept


def test_the_admin_refuses_a_cohort_with_claims_and_deletes_nothing(client, cohorts):
    _a, b = cohorts
    entries = AuditEntry.objects.filter(cohort=b.cohort).count()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:cohort_cohort_delete", args=[b.cohort.pk]), {"post": "yes"}
    )

    assert response.status_code in (200, 403)
    assert Cohort.objects.filter(pk=b.cohort.pk).count() == 1
    assert AuditEntry.objects.filter(cohort=b.cohort).count() == entries >= 1


def test_the_delete_cohort_command_asks_first_then_deletes_that_cohort_only(cohorts):
    a, b = cohorts
    asked, done = io.StringIO(), io.StringIO()

    call_command("delete_cohort", b.cohort.slug, stdout=asked)
    still_there = Cohort.objects.filter(pk=b.cohort.pk).count()
    call_command("delete_cohort", b.cohort.slug, "--yes", stdout=done)

    assert still_there == 1
    assert asked.getvalue() == f"Would delete {b.cohort} (bravo) and all it holds; add --yes.\n"
    assert done.getvalue().startswith(f"Deleted {b.cohort} (bravo); first ")
    assert list(Cohort.objects.filter(pk__in=[a.cohort.pk, b.cohort.pk])) == [a.cohort]
    with pytest.raises(CommandError, match=r"There is no cohort 'bravo'\."):
        call_command("delete_cohort", "bravo", "--yes")


def test_an_idea_a_pair_chose_cannot_be_deleted_and_the_admin_says_why(client, cohorts):
    a, _b = cohorts
    idea = a.row(Idea)
    problem = a.row(Pair).current_problem
    problem.idea = idea
    problem.save()
    client.force_login(a.mentor)

    response = client.post(reverse("admin:sprints_idea_delete", args=[idea.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["title"] == "Cannot delete idea"
    assert response.context["protected"] == [
        f'Research problem: <a href="/admin/sprints/problemsubmission/{problem.pk}/change/">'
        f"{problem}</a>"
    ]
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_a_booked_slot_cannot_be_deleted_an_empty_one_can(client, cohorts):
    a, _b = cohorts
    booked = a.row(Slot)
    empty = make_slot(a.cohort)
    client.force_login(a.mentor)

    refused = client.post(reverse("admin:sprints_slot_delete", args=[booked.pk]), {"post": "yes"})
    done = client.post(reverse("admin:sprints_slot_delete", args=[empty.pk]), {"post": "yes"})

    assert (refused.status_code, done.status_code) == (403, 302)
    assert list(Slot.objects.filter(pk__in=[booked.pk, empty.pk])) == [booked]


def test_deleting_a_partner_entry_goes_through_the_board(client, cohorts):
    a, b = cohorts
    entry = a.row(PartnerEntry)
    client.force_login(a.mentor)

    response = client.post(
        reverse("admin:participants_partnerentry_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert PartnerEntry.objects.filter(cohort=a.cohort).count() == 0
    assert PartnerInterest.objects.filter(entry__cohort=a.cohort).count() == 0
    assert PartnerEntry.objects.filter(cohort=b.cohort).count() == 1
