"""The mentor, who is not a superuser, does the whole review in the admin: every inline they need
is there, and they can add what the portal's own pages do not cover (resource links)."""

from django.urls import reverse

from cohort.models import Resource, ResourceSection
from participants.models import HelpComment, HelpRequest
from sprints.models import Decision, Pair, Selection, Slot
from tests.admin.conftest import form_data


def _inline_groups(response):
    return [
        (inline.formset.prefix, len(inline.formset.forms))
        for inline in response.context["inline_admin_formsets"]
    ]


def test_the_pair_page_shows_members_rounds_dates_and_bookings_to_the_mentor(client, cohorts):
    a, _b = cohorts
    assert a.mentor.is_superuser is False
    client.force_login(a.mentor)

    response = client.get(reverse("admin:sprints_pair_change", args=[a.row(Pair).pk]))

    assert _inline_groups(response) == [
        ("members", 2),
        ("problem_rounds", 1),
        ("date_shifts", 1),
        ("bookings", 1),
    ]


def test_help_requests_show_their_comments_and_slots_their_bookings(client, cohorts):
    a, _b = cohorts
    client.force_login(a.mentor)

    help_page = client.get(
        reverse("admin:participants_helprequest_change", args=[a.row(HelpRequest).pk])
    )
    slot_page = client.get(reverse("admin:sprints_slot_change", args=[a.row(Slot).pk]))

    assert _inline_groups(help_page) == [("comments", 1)]
    assert _inline_groups(slot_page) == [("bookings", 1)]


def test_the_mentor_adds_a_resource_link_on_the_section_page(client, cohorts):
    a, _b = cohorts
    section = a.row(ResourceSection)
    client.force_login(a.mentor)
    url = reverse("admin:cohort_resourcesection_change", args=[section.pk])
    existing = section.resources.get()

    response = client.post(
        url,
        {
            "cohort": a.cohort.pk,
            "title": section.title,
            "description": "",
            "order": section.order,
            "resources-TOTAL_FORMS": "2",
            "resources-INITIAL_FORMS": "1",
            "resources-0-id": existing.pk,
            "resources-0-section": section.pk,
            "resources-0-order": existing.order,
            "resources-0-title": existing.title,
            "resources-0-url": existing.url,
            "resources-1-section": section.pk,
            "resources-1-order": "2",
            "resources-1-title": "TransformerLens docs",
            "resources-1-url": "https://example.org/tl",
        },
    )

    assert response.status_code == 302
    assert list(Resource.objects.filter(section=section).values_list("title", flat=True)) == [
        existing.title,
        "TransformerLens docs",
    ]


def test_the_mentor_answers_a_help_request_in_its_thread(client, cohorts):
    a, _b = cohorts
    request = a.row(HelpRequest)
    client.force_login(a.mentor)
    url = reverse("admin:participants_helprequest_change", args=[request.pk])
    page = client.get(url)
    data = form_data(page, add_inline_rows=True)
    data.update({"comments-1-author": a.mentor.pk, "comments-1-body": "Try one head at a time."})
    assert page.status_code == 200

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(request.comments.values_list("body", flat=True)) == [
        a.row(HelpComment).body,
        "Try one head at a time.",
    ]


def test_the_mentor_refers_a_participant_to_another_mentor(client, cohorts):
    a, _b = cohorts
    person = a.participants[4]
    client.force_login(a.mentor)

    response = client.post(
        reverse("admin:sprints_selection_add"),
        {
            "cohort": a.cohort.pk,
            "user": person.pk,
            "decision": Decision.REFERRED,
            "referred_to": "Dr. Rivera",
            "note": "",
        },
    )

    assert response.status_code == 302
    assert Selection.objects.filter(user=person).values_list("decision", "referred_to").get() == (
        Decision.REFERRED,
        "Dr. Rivera",
    )
