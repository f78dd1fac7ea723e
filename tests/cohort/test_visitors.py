"""Every page keeps its visitor's user and membership rows between requests (cohort/visitors.py):
two queries fewer once warm, and never a row that changed, nor one of somebody else."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohort.models import Membership, Role
from cohort.personal_data import apply_retention
from participants.services.people import reverse_withdrawal, withdraw
from tests.factories.cohort import CohortFactory, MembershipFactory

PASSWORD = "a-long-test-password"


def _links(cohort):
    return reverse("cohort:resources", kwargs={"slug": cohort.slug})


def _overview(cohort):
    return reverse("cohort:overview", kwargs={"slug": cohort.slug})


def _warm(client, url):
    """Two visits: the first starts the person's generation, the second keeps the rows."""
    for _ in range(2):
        assert client.get(url).status_code == 200


def test_a_warm_page_reads_neither_the_user_nor_the_membership(
    client, participant, cohort, get_in_queries
):
    client.force_login(participant)

    # Logging in renewed the person's generation: the first page reads and keeps both rows.
    cold = get_in_queries(_links(cohort), 3)  # user, membership, the page's links
    warm = get_in_queries(_links(cohort), 1)  # the links only (the session is in the cache)

    assert warm.context["user"] == participant
    assert warm.context["membership"].role == Role.PARTICIPANT
    assert cold.content.count(b"Pat Participant") == warm.content.count(b"Pat Participant") > 0


def test_a_removed_member_gets_404_at_once(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))

    Membership.objects.get(user=participant, cohort=cohort).delete()

    assert client.get(_links(cohort)).status_code == 404


def test_a_new_role_applies_on_the_next_page(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))
    assert client.get(_overview(cohort)).status_code == 403

    membership = Membership.objects.get(user=participant, cohort=cohort)
    membership.role = Role.MENTOR
    membership.save()

    assert client.get(_overview(cohort)).status_code == 200


def test_one_persons_membership_is_never_anothers(client, participant, cohort, other_cohort):
    outsider = MembershipFactory(cohort=other_cohort, role=Role.PARTICIPANT).user
    client.force_login(participant)
    _warm(client, _links(cohort))

    other = Client()
    other.force_login(outsider)
    assert other.get(_links(cohort)).status_code == 404
    assert other.get(_links(other_cohort)).status_code == 200
    assert client.get(_links(other_cohort)).status_code == 404


def _rename_cohort(cohort, person):
    cohort.name = "Spring round, renamed"
    cohort.save()
    return "Spring round, renamed"


def _rename_person(cohort, person):
    person.name = "Patricia Renamed"
    person.save()
    return "Patricia Renamed"


@pytest.mark.parametrize("rename", [_rename_cohort, _rename_person])
def test_a_new_name_of_the_cohort_or_the_person_shows_at_once(client, participant, cohort, rename):
    client.force_login(participant)
    _warm(client, _links(cohort))

    name = rename(cohort, participant)

    assert name.encode() in client.get(_links(cohort)).content


def test_joining_a_second_cohort_offers_switching(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))
    assert b"Switch cohort" not in client.get(_links(cohort)).content

    MembershipFactory(cohort=CohortFactory(slug="second"), user=participant)

    assert b"Switch cohort" in client.get(_links(cohort)).content


def test_withdrawing_and_coming_back_show_on_the_next_page(client, participant, cohort, mentor):
    client.force_login(participant)
    _warm(client, _links(cohort))
    membership = Membership.objects.get(user=participant, cohort=cohort)

    withdrawal = withdraw(membership=membership, scope="program", reason="")
    assert b"You withdrew from the program" in client.get(_links(cohort)).content

    reverse_withdrawal(withdrawal=withdrawal, by=mentor)  # a QuerySet.update(): renewed by hand
    assert b"You withdrew from the program" not in client.get(_links(cohort)).content


def test_a_password_change_ends_the_persons_other_sessions(client, participant, cohort):
    laptop, phone = client, Client()
    for device in (laptop, phone):
        device.force_login(participant)
        _warm(device, _links(cohort))

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-password",
            "password2": "another-long-password",
        },
    )

    assert response.status_code == 302
    assert laptop.get(_links(cohort)).status_code == 200
    assert phone.get(_links(cohort)).status_code == 302  # to the login page


def test_a_deactivated_person_is_logged_out(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))

    participant.is_active = False
    participant.save()

    assert client.get(_links(cohort)).status_code == 302


def test_a_session_whose_hash_is_wrong_gets_nothing_kept(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))

    session = client.session
    session[HASH_SESSION_KEY] = "not-the-hash-of-this-password"
    session.save()

    assert client.get(_links(cohort)).status_code == 302


def test_a_lost_generation_means_the_rows_are_read_again(client, participant, cohort):
    client.force_login(participant)
    _warm(client, _links(cohort))

    # A change that sends no signal, with the generation evicted: nothing kept is trusted.
    Membership.objects.filter(user=participant, cohort=cohort).update(role=Role.MENTOR)
    cache.delete(f"visitor-gen:{participant.pk}")

    assert client.get(_overview(cohort)).status_code == 200


def test_a_retention_stage_done_shows_on_the_close_page(client, mentor, cohort):
    cohort.closed_at = timezone.now()
    cohort.save()
    client.force_login(mentor)
    close = reverse("cohort:close", kwargs={"slug": cohort.slug})
    _warm(client, close)
    later = cohort.personal_data_due + timedelta(days=3)
    assert f"deleted on {later:%-d %B %Y}".encode() not in client.get(close).content

    apply_retention(now=datetime.combine(later, time(12), cohort.tzinfo))  # an UPDATE

    assert f"deleted on {later:%-d %B %Y}".encode() in client.get(close).content
