"""Deleting in the admin: not offered where a service owns the record, done by the service where
one exists, and refused with a message (never a server error) where history depends on it."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import RestrictedError
from django.urls import reverse

from compute.models import AuditEntry, Claim
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

    with pytest.raises(RestrictedError):
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


def test_deleting_a_whole_cohort_still_takes_its_audit_trail(cohorts):
    """RESTRICT, not PROTECT: the trail goes with its cohort, never with its claim alone."""
    a, b = cohorts
    kept = AuditEntry.objects.filter(cohort=a.cohort).count()
    # Ideas are PROTECTed by the problems that chose them and their categories by the ideas.
    ProblemSubmission.objects.filter(pair__cohort=b.cohort).delete()
    Idea.objects.filter(cohort=b.cohort).delete()
    assert AuditEntry.objects.filter(cohort=b.cohort).count() >= 1

    b.cohort.delete()

    assert AuditEntry.objects.filter(cohort=b.cohort.pk).count() == 0
    assert AuditEntry.objects.filter(cohort=a.cohort).count() == kept


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
