"""The home page keeps each person's to-do list (cohort.todo.kept_todo_items) until a row it
shows changes: every provider's change is on the next view, and a list is never another's."""

from django.test import Client
from django.urls import reverse

from cohort.models import Role
from cohort.services import invite_people
from participants.models import TAAssignment
from participants.services.help import ask_for_help
from participants.services.people import save_introduction
from sprints.services.pairs import declare_solo
from tests.factories.compute import ClaimFactory


def _home(cohort):
    return reverse("cohort:home", kwargs={"slug": cohort.slug})


def _todo(client, cohort) -> str:
    html = client.get(_home(cohort)).content.decode()
    start = html.index('id="todo-heading"')
    return html[start : html.index("</section>", start)]


def _viewer(client, user, cohort) -> str:
    client.force_login(user)
    _todo(client, cohort)
    return _todo(client, cohort)  # kept from here on


def test_a_warm_home_builds_no_to_do_list(client, participant, cohort, get_in_queries):
    client.force_login(participant)
    client.get(_home(cohort))

    response = get_in_queries(_home(cohort), 2)  # announcements and notifications only

    assert "Fill in your goals form" in response.content.decode()


def _done(todo: str, label: str) -> bool:
    return 'class="done"' in todo.split(label)[0].rsplit("<li", 1)[1]


def test_a_participants_own_steps_show_at_once(client, participant, cohort):
    """One change at a time: each provider's topic alone renews the list."""
    before = _viewer(client, participant, cohort)
    assert not _done(before, "Write your introduction")
    assert not _done(before, "Find a sprint partner")

    save_introduction(membership=participant.memberships.get(), text="I study SAEs.")
    assert _done(_todo(client, cohort), "Write your introduction")  # people

    declare_solo(cohort=cohort, user=participant)
    assert _done(_todo(client, cohort), "Find a sprint partner")  # pairs

    ClaimFactory(cohort=cohort, owner=participant)
    assert "Submit 1 draft claim" in _todo(client, cohort)  # compute


def test_a_tas_waiting_requests_show_at_once(client, cohort, make_member):
    ta, person = make_member(Role.TA), make_member(Role.PARTICIPANT)
    TAAssignment.objects.create(cohort=cohort, participant=person, ta=ta)
    assert "help request" not in _viewer(client, ta, cohort)

    ask_for_help(membership=person.memberships.get(), topic="Hooks", tried="", urgency="low")

    assert "1 help request waiting for you" in _todo(client, cohort)


def test_the_mentors_invitations_show_at_once(client, mentor, cohort):
    assert "not signed up yet" not in _viewer(client, mentor, cohort)

    invite_people(
        cohort=cohort, emails=["new@example.org"], role=Role.PARTICIPANT, invited_by=mentor
    )

    assert "1 invited person has not signed up yet" in _todo(client, cohort)


def test_one_persons_list_is_never_anothers(client, cohort, make_member):
    first, second = make_member(name="First Person"), make_member(name="Second Person")
    _viewer(client, first, cohort)
    ClaimFactory(cohort=cohort, owner=first)
    assert "Submit 1 draft claim" in _todo(client, cohort)

    other = Client()
    other.force_login(second)
    assert "draft claim" not in _todo(other, cohort)


def test_a_new_role_gets_its_own_list(client, participant, cohort):
    assert "Fill in your goals form" in _viewer(client, participant, cohort)

    membership = participant.memberships.get()
    membership.role = Role.MENTOR
    membership.save()
    invite_people(cohort=cohort, emails=["x@example.org"], role=Role.TA, invited_by=participant)

    after = _todo(client, cohort)
    assert "Fill in your goals form" not in after
    assert "1 invited person has not signed up yet" in after
