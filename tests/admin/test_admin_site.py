"""The admin sidebar is kept per set of rights: each person still sees exactly their own."""

from django.urls import reverse

from cohort.models import Membership, Role
from cohort.services import refresh_staff_status


def _sidebar_models(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {model["object_name"] for app in response.context["app_list"] for model in app["models"]}


def test_each_set_of_rights_gets_its_own_sidebar(client, make_member):
    mentor = make_member(Role.MENTOR)
    operations = make_member(Role.OPERATIONS)

    client.force_login(mentor)
    mentor_sees = _sidebar_models(client)
    client.force_login(operations)
    operations_sees = _sidebar_models(client)
    client.force_login(mentor)

    assert "Pair" in mentor_sees and "Pair" not in operations_sees
    assert "Claim" in operations_sees
    assert _sidebar_models(client) == mentor_sees


def test_a_new_role_changes_the_sidebar_at_once(client, cohort, make_member):
    person = make_member(Role.OPERATIONS)
    client.force_login(person)
    before = _sidebar_models(client)

    Membership.objects.filter(user=person, cohort=cohort).update(role=Role.MENTOR)
    refresh_staff_status(user=person)

    after = _sidebar_models(client)
    assert "Pair" not in before and "Pair" in after


def test_django_permissions_given_directly_still_count(client, make_member):
    from django.contrib.auth.models import Group, Permission

    plain, given = make_member(Role.MENTOR), make_member(Role.MENTOR)
    group = Group.objects.create(name="Group viewers")
    group.permissions.add(Permission.objects.get(codename="view_group"))
    given.groups.add(group)

    client.force_login(plain)
    plain_sees = _sidebar_models(client)
    client.force_login(given)
    given_sees = _sidebar_models(client)

    assert "Group" not in plain_sees
    assert given_sees == plain_sees | {"Group"}
