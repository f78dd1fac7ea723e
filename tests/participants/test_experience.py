"""The participant's side of issue 12: help threads, My forms, withdrawal notices, form polish."""

from django.urls import reverse
from django.utils import timezone

from cohort.models import Notification, Role
from participants import services
from participants.models import GoalsAnswer, HelpComment, HelpRequest, HelpState, WithdrawalScope
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.factories.participants import HelpRequestFactory, TAAssignmentFactory
from tests.html import text_by_id


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_help_answer_by_the_requester_reaches_the_ta_on_it(
    client, cohort, participant, ta, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory(cohort=cohort, requester=participant, topic="Hooks")
    services.claim_help_request(request=request, ta=ta)
    services.comment_on_help_request(request=request, author=ta, body="Which version?")
    client.force_login(participant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(cohort, "help_answer", pk=request.pk), {"body": "2.1, sorry"})

    assert response.status_code == 302
    assert list(HelpComment.objects.filter(request=request).values_list("body", flat=True)) == [
        "Which version?",
        "2.1, sorry",
    ]
    note = Notification.objects.get(user=ta, kind="participants.help_answered")
    assert (note.title, note.body) == ("Pat Participant answered on “Hooks”", "2.1, sorry")
    page = client.get(_url(cohort, "help")).content.decode()
    assert "Which version?" in page and "2.1, sorry" in page


def test_help_request_closed_by_its_requester_leaves_the_ta_queue(client, cohort, participant, ta):
    TAAssignmentFactory(cohort=cohort, participant=participant, ta=ta)
    request = HelpRequestFactory(cohort=cohort, requester=participant, topic="Stuck")
    client.force_login(participant)

    client.post(_url(cohort, "help_close", pk=request.pk))

    request.refresh_from_db()
    assert (request.state, request.closed_by_requester, request.claimed_by) == (
        HelpState.RESOLVED,
        True,
        None,
    )
    client.force_login(ta)
    assert list(client.get(_url(cohort, "ta_dashboard")).context["queue"]) == []


def test_help_answer_on_a_closed_request_is_refused_and_keeps_the_text(client, cohort, participant):
    request = HelpRequestFactory(cohort=cohort, requester=participant)
    services.close_own_help_request(request=request, user=participant)
    client.force_login(participant)

    response = client.post(_url(cohort, "help_answer", pk=request.pk), {"body": "One more thing"})

    assert response.status_code == 400
    assert HelpComment.objects.count() == 0
    # What was typed comes back in a new request, ready to send.
    assert response.context["form"]["tried"].value() == "One more thing"


def test_help_requests_of_others_cannot_be_answered_or_closed(
    client, cohort, participant, make_member
):
    other_cohort = CohortFactory(slug="elsewhere")
    outsider = UserFactory()
    MembershipFactory(cohort=other_cohort, user=outsider, role=Role.PARTICIPANT)
    theirs = HelpRequestFactory(cohort=other_cohort, requester=outsider)
    classmate = make_member(Role.PARTICIPANT)
    classmates = HelpRequestFactory(cohort=cohort, requester=classmate)
    client.force_login(participant)

    statuses = [
        client.post(_url(cohort, "help_answer", pk=classmates.pk), {"body": "hi"}).status_code,
        client.post(_url(cohort, "help_close", pk=classmates.pk)).status_code,
        client.post(_url(cohort, "help_close", pk=theirs.pk)).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert HelpComment.objects.count() == 0
    assert set(HelpRequest.objects.values_list("state", flat=True)) == {HelpState.OPEN}


def test_my_forms_lists_each_form_with_its_state(client, cohort, participant):
    membership = participant.memberships.get()
    GoalsAnswer.objects.filter(membership=membership).update(submitted_at=timezone.now())
    client.force_login(participant)

    html = client.get(_url(cohort, "my_forms")).content

    assert text_by_id(html, "form-goals").startswith("Goals form Submitted ")
    assert text_by_id(html, "form-profile") == "Profile slide Not started"
    assert text_by_id(html, "form-introduction") == "Introduction Not written yet"
    assert text_by_id(html, "form-withdrawal") == "Withdrawal You take part in the whole program."


def test_done_todo_items_keep_their_link(client, cohort, participant):
    membership = participant.memberships.get()
    GoalsAnswer.objects.filter(membership=membership).update(submitted_at=timezone.now())
    client.force_login(participant)

    html = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug})).content.decode()

    assert f'<a href="{_url(cohort, "goals")}">Goals form submitted</a>' in html


def test_withdrawn_participant_sees_the_notice_and_no_todo(client, cohort, participant):
    services.withdraw(membership=participant.memberships.get(), scope=WithdrawalScope.PROGRAM)
    client.force_login(participant)

    response = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug}))

    assert response.context["todo"] == []
    assert [s.title for s in response.context["standings"]] == [
        f"You withdrew from the program on {timezone.localdate():%-d %B %Y}."
    ]
    assert "To come back, ask your mentor" in response.content.decode()


def test_goals_form_dropdowns_start_unanswered(client, cohort, participant):
    client.force_login(participant)

    form = client.get(_url(cohort, "goals")).context["form"]

    assert next(str(c) for c in form["experience"]).startswith('<option value="" selected>')
    assert form["experience"].value() in ("", None)
    assert form["wants_partner"].value() in ("", None)


def test_labels_have_no_colon_and_help_follows_the_label(client, cohort, participant):
    client.force_login(participant)

    html = client.get(_url(cohort, "edit_profile")).content.decode()

    assert '<label for="id_remove_photo">Remove my photo</label>' in html
    assert ":</label>" not in html
    label = html.index('<label for="id_timezone">Your timezone</label>')
    help_text = html.index('id="id_timezone_helptext"')
    field = html.index('name="timezone"')
    assert label < help_text < field
    assert 'list="id_timezone_options"' in html
    assert '<option value="America/New_York">America/New York</option>' in html


def test_profile_refuses_an_unknown_timezone_and_keeps_it(client, cohort, participant):
    client.force_login(participant)

    response = client.post(
        _url(cohort, "edit_profile"), {"name": "Pat", "timezone": "Mars/Olympus"}
    )

    participant.refresh_from_db()
    assert participant.timezone == "Europe/London"
    assert response.context["form"].errors["timezone"] == [
        "“Mars/Olympus” is not a timezone we know: type a city such as New York or Kolkata and "
        "pick it from the list."
    ]
    assert 'value="Mars/Olympus"' in response.content.decode()


def test_withdrawn_participant_is_offered_nothing_on_the_partner_board(
    client, cohort, participant, make_member
):
    from participants.models import PartnerEntry

    other = make_member(Role.PARTICIPANT, name="Olga Other")
    PartnerEntry.objects.create(
        cohort=cohort,
        user=other,
        interests="probing",
        want_to_work_on="Probes",
        available_from=9,
        available_to=17,
    )
    services.withdraw(membership=participant.memberships.get(), scope=WithdrawalScope.PROGRAM)
    client.force_login(participant)

    html = client.get(_url(cohort, "partners")).content.decode()

    assert "Olga Other" in html
    assert "Invite as sprint partner" not in html
    assert "I&#x27;m interested" not in html and "I'm interested" not in html
    assert "Add me to the board" not in html
