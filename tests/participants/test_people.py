import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohort.models import Role
from participants import services
from participants.images import clean_photo
from participants.models import PairingJoin, PartnerEntry, Profile, Withdrawal
from tests.factories.participants import PairingTopicFactory, PartnerEntryFactory
from tests.participants.conftest import image_bytes


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def _slide(make_member, name, role=Role.PARTICIPANT, **profile):
    user = make_member(role, name=name, timezone=profile.pop("timezone", "Europe/London"))
    Profile.objects.create(membership=user.memberships.get(), **profile)
    return user


def _names(response):
    """The names on the slides, as the page shows them."""
    return re.findall(
        r'class="slide-name" id="name-\d+(?:-big)?">([^<]+)<', response.content.decode()
    )


def test_gallery_filters_by_interest_role_and_timezone(client, cohort, make_member):
    viewer = _slide(make_member, "Vera Viewer", interests=",probing,")
    _slide(make_member, "Cira Circuits", interests=",circuits,probing,", timezone="Asia/Tokyo")
    _slide(make_member, "Tom TA", role=Role.TA, interests=",circuits,")
    client.force_login(viewer)

    by_interest = _names(client.get(_url(cohort, "people"), {"interest": "circuits"}))
    by_role = _names(client.get(_url(cohort, "people"), {"role": "ta"}))
    by_tz = _names(client.get(_url(cohort, "people"), {"tz": "Asia/Tokyo"}))

    assert by_interest == ["Cira Circuits", "Tom TA"]
    assert by_role == ["Tom TA"]
    assert by_tz == ["Cira Circuits"]


def test_gallery_interest_filter_matches_whole_tags_only(client, cohort, make_member):
    viewer = _slide(make_member, "Vera", interests=",circuits in the wild,")
    client.force_login(viewer)

    assert _names(client.get(_url(cohort, "people"), {"interest": "circuits"})) == []


def test_gallery_leaves_out_hidden_and_withdrawn(client, cohort, make_member):
    viewer = _slide(make_member, "Vera Viewer")
    _slide(make_member, "Hidden Hal", hidden_from_gallery=True)
    gone = _slide(make_member, "Gone Gina")
    research_only = _slide(make_member, "Rae Research")
    services.withdraw(membership=gone.memberships.get(), scope="program")
    services.withdraw(membership=research_only.memberships.get(), scope="research")
    client.force_login(viewer)

    gallery = _names(client.get(_url(cohort, "people")))
    slideshow = _names(client.get(_url(cohort, "slideshow")))

    assert gallery == slideshow == ["Rae Research", "Vera Viewer"]


def test_gallery_member_of_another_cohort_sees_nothing(client, cohort, other_cohort, make_member):
    _slide(make_member, "Secret Sam", bio="Only for my cohort")
    outsider = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    client.force_login(outsider)

    responses = [
        client.get(_url(cohort, name))
        for name in ("people", "slideshow", "introductions", "partners", "pairing")
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert all(b"Secret Sam" not in r.content for r in responses)


def test_profile_edit_updates_user_name_and_timezone(client, cohort, participant):
    client.force_login(participant)

    client.post(
        _url(cohort, "edit_profile"),
        {
            "name": "Patricia P.",
            "timezone": "America/New_York",
            "pronouns": "she/her",
            "bio": "Hello",
            "interests": "Circuits, circuits, Probing",
            "website": "example.org",
        },
    )

    participant.refresh_from_db()
    profile = Profile.objects.get(membership__user=participant)
    assert (participant.name, participant.timezone) == ("Patricia P.", "America/New_York")
    assert (profile.pronouns, profile.interests, profile.website) == (
        "she/her",
        ",circuits,probing,",
        "https://example.org",
    )


def test_photo_served_to_members_hidden_only_to_owner_and_staff(client, cohort, make_member):
    owner = _slide(make_member, "Olive Owner")
    services.update_profile(
        membership=owner.memberships.get(),
        user_fields={},
        profile_fields={"hidden_from_gallery": True},
        photo=clean_photo(SimpleUploadedFile("p.png", image_bytes("PNG"))),
    )
    profile = Profile.objects.get(membership__user=owner)
    url = _url(cohort, "photo", pk=profile.pk)
    peer, ta = make_member(Role.PARTICIPANT), make_member(Role.TA)

    seen = {}
    for who, user in (("owner", owner), ("peer", peer), ("ta", ta)):
        client.force_login(user)
        response = client.get(url)
        seen[who] = (response.status_code, response.get("Content-Type"))

    assert seen == {
        "owner": (200, "image/png"),
        "peer": (404, "text/html; charset=utf-8"),
        "ta": (200, "image/png"),
    }


def test_introduction_shows_in_cohort_list(client, cohort, participant, make_member):
    client.force_login(participant)
    client.post(_url(cohort, "edit_intro"), {"text": "Hi, I'm Pat from Leeds."})
    client.force_login(make_member(Role.TA))

    html = client.get(_url(cohort, "introductions")).content.decode()

    assert "Hi, I&#x27;m Pat from Leeds." in html


def test_withdrawal_needs_confirmation_and_takes_person_off_boards(client, cohort, participant):
    PartnerEntryFactory(cohort=cohort, user=participant)
    PairingJoin.objects.create(topic=PairingTopicFactory(cohort=cohort), user=participant)
    client.force_login(participant)

    unconfirmed = client.post(_url(cohort, "withdraw"), {"scope": "program"})
    left_alone = Withdrawal.objects.count()
    client.post(
        _url(cohort, "withdraw"), {"scope": "program", "reason": "New job", "confirm": "on"}
    )

    withdrawal = Withdrawal.objects.get()
    assert (unconfirmed.status_code, left_alone) == (200, 0)
    assert (withdrawal.scope, withdrawal.reason, withdrawal.is_active) == (
        "program",
        "New job",
        True,
    )
    assert PartnerEntry.objects.filter(user=participant).exists() is False
    assert PairingJoin.objects.filter(user=participant).exists() is False


def test_withdrawal_research_only_keeps_boards(cohort, participant):
    PartnerEntryFactory(cohort=cohort, user=participant)

    services.withdraw(membership=participant.memberships.get(), scope="research")

    assert PartnerEntry.objects.filter(user=participant).count() == 1


def test_withdrawal_reversed_by_mentor_returns_to_gallery(client, cohort, participant, mentor):
    Profile.objects.create(membership=participant.memberships.get())
    withdrawal = services.withdraw(membership=participant.memberships.get(), scope="program")

    services.reverse_withdrawal(withdrawal=withdrawal, by=mentor)
    client.force_login(mentor)

    withdrawal.refresh_from_db()
    assert (withdrawal.is_active, withdrawal.reversed_by) == (False, mentor)
    assert "Pat Participant" in _names(client.get(_url(cohort, "people")))
