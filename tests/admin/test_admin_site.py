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


def _sidebar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<nav class="sticky" id="nav-sidebar"')
    return html[start : html.index("</nav>", start)]


def test_each_set_of_rights_gets_its_own_rendered_sidebar(client, make_member):
    mentor, operations = make_member(Role.MENTOR), make_member(Role.OPERATIONS)
    pairs = reverse("admin:sprints_pair_changelist")
    claims = reverse("admin:compute_claim_changelist")

    client.force_login(mentor)
    mentor_sees = _sidebar(client, pairs)
    client.force_login(operations)
    operations_sees = _sidebar(client, claims)

    assert f'href="{pairs}"' in mentor_sees and f'href="{pairs}"' not in operations_sees
    assert f'href="{claims}"' in operations_sees


def test_the_rendered_sidebar_marks_the_page_being_shown(client, make_member):
    client.force_login(make_member(Role.MENTOR))
    pairs = reverse("admin:sprints_pair_changelist")
    problems = reverse("admin:sprints_problemsubmission_changelist")

    on_pairs = _sidebar(client, pairs)
    on_problems = _sidebar(client, problems)
    again_on_pairs = _sidebar(client, pairs)

    assert f'<a href="{pairs}" aria-current="page">' in on_pairs
    assert f'<a href="{problems}" aria-current="page">' not in on_pairs
    assert f'<a href="{problems}" aria-current="page">' in on_problems
    assert f'<a href="{pairs}" aria-current="page">' not in on_problems
    assert again_on_pairs == on_pairs


def test_a_list_address_with_a_nul_is_shown_without_it(client, cohort, make_member):
    client.force_login(make_member(Role.MENTOR))
    url = reverse("admin:compute_claim_changelist")

    response = client.get(url, {"category__exact": "\x00", "state__exact": "submitted"})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?state__exact=submitted"
    shown = client.get(response["Location"], follow=True)
    assert shown.status_code == 200
    assert "cannot be searched for" in shown.content.decode()


def test_a_search_for_a_nul_in_an_unscoped_admin_is_shown_without_it(client, db):
    from tests.factories.cohort import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:account_emailaddress_changelist")

    response = client.get(url, {"q": "a\x00b"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "cannot be searched for" in response.content.decode()
