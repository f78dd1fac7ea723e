"""The rights an admin request is answered from are read once per request, for its own person."""

from django.test import RequestFactory

from cohort.admin_rights import rights_of
from cohort.models import Role
from tests.factories.cohort import MembershipFactory


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_rights_are_read_in_one_query_per_request(
    make_member, cohort, other_cohort, django_assert_num_queries
):
    person = make_member(Role.MENTOR)
    MembershipFactory(cohort=other_cohort, user=person, role=Role.OPERATIONS)
    request = _request(person)

    with django_assert_num_queries(1):
        first, second = rights_of(request), rights_of(request)

    assert first is second
    assert first.memberships == {(cohort.pk, Role.MENTOR), (other_cohort.pk, Role.OPERATIONS)}
    assert first.cohorts_with({Role.MENTOR}) == {cohort.pk}
    assert first.direct is False


def test_rights_follow_the_person_when_the_user_changes_within_a_request(make_member, cohort):
    mentor, participant = make_member(Role.MENTOR), make_member(Role.PARTICIPANT)
    request = _request(mentor)
    assert rights_of(request).roles == {Role.MENTOR}

    request.user = participant  # a login in the middle of the request

    assert rights_of(request).roles == {Role.PARTICIPANT}


def test_another_request_never_sees_a_kept_answer(make_member, cohort):
    mentor, operations = make_member(Role.MENTOR), make_member(Role.OPERATIONS)
    rights_of(_request(mentor))

    assert rights_of(_request(operations)).memberships == {(cohort.pk, Role.OPERATIONS)}


def test_a_change_of_role_is_seen_by_the_next_request(make_member, cohort):
    from cohort.models import Membership

    person = make_member(Role.OPERATIONS)
    before = rights_of(_request(person)).roles
    Membership.objects.filter(user=person).update(role=Role.MENTOR)

    assert before == {Role.OPERATIONS}
    assert rights_of(_request(person)).roles == {Role.MENTOR}


def test_permissions_given_directly_are_seen(make_member):
    from django.contrib.auth.models import Group

    plain, given = make_member(Role.MENTOR), make_member(Role.MENTOR)
    given.groups.add(Group.objects.create(name="Viewers"))

    assert rights_of(_request(plain)).direct is False
    assert rights_of(_request(given)).direct is True
