"""The gallery and the slideshow are cached per cohort and filters (the "people" topic): every
change a slide shows reaches the next view, and no cohort ever receives another's."""

import re

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohort import fragments
from cohort.models import Role
from participants import personal_data, services, thumbnails
from participants.images import clean_photo
from participants.models import Profile
from tests.participants.conftest import image_bytes

PAGES = ["people", "slideshow"]


def _page(client, cohort, page, **params):
    url = reverse(f"participants:{page}", kwargs={"slug": cohort.slug})
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _names(html):
    """The names on the slides, as the page shows them."""
    return re.findall(r'class="slide-name" id="name-\d+(?:-big)?">([^<]+)<', html)


def _member_with_slide(make_member, name, **kwargs):
    user = make_member(Role.PARTICIPANT, name=name, **kwargs)
    Profile.objects.create(membership=user.memberships.get(), bio=f"Bio of {name}")
    return user


def _upload(user):
    services.update_profile(
        membership=user.memberships.get(),
        user_fields={},
        profile_fields={},
        photo=clean_photo(SimpleUploadedFile("p.png", image_bytes("PNG"))),
    )
    return Profile.objects.get(membership__user=user)


@pytest.mark.parametrize("page", PAGES)
def test_gallery_new_photo_shows_on_next_view(client, cohort, make_member, page):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    pat = _member_with_slide(make_member, "Pat Photo")
    client.force_login(viewer)
    before = _page(client, cohort, page)

    profile = _upload(pat)
    after = _page(client, cohort, page)

    url = reverse(
        "participants:thumbnail",
        kwargs={"slug": cohort.slug, "pk": profile.pk, "version": thumbnails.version(profile)},
    )
    assert (url in before, url in after) == (False, True)
    assert 'alt="Photo of Pat Photo"' in after


@pytest.mark.parametrize("page", PAGES)
def test_gallery_hidden_person_disappears_on_next_view(client, cohort, make_member, page):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    hal = _member_with_slide(make_member, "Hal Hiding")
    client.force_login(viewer)
    before = _page(client, cohort, page)

    profile = Profile.objects.get(membership__user=hal)
    profile.hidden_from_gallery = True
    profile.save()  # as the admin does
    after = _page(client, cohort, page)

    assert (_names(before), _names(after)) == (["Hal Hiding", "Vera Viewer"], ["Vera Viewer"])


def test_gallery_name_timezone_and_role_changes_show_on_next_view(client, cohort, make_member):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    sam = _member_with_slide(make_member, "Sam Before")
    client.force_login(viewer)
    _page(client, cohort, "people")

    sam.name, sam.timezone = "Sam After", "Asia/Tokyo"
    sam.save()
    renamed = _page(client, cohort, "people")
    membership = sam.memberships.get()
    membership.role = Role.TA
    membership.save()
    html = _page(client, cohort, "people")

    assert _names(renamed) == ["Sam After", "Vera Viewer"]
    assert "Asia/Tokyo" in renamed
    assert '<span class="badge">TA</span>' in html


def test_gallery_withdrawal_and_its_reversal_show_on_next_view(client, cohort, make_member, mentor):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    gina = _member_with_slide(make_member, "Gina Going")
    client.force_login(viewer)
    _page(client, cohort, "people")

    withdrawal = services.withdraw(membership=gina.memberships.get(), scope="program")
    while_gone = _page(client, cohort, "people")
    services.reverse_withdrawal(withdrawal=withdrawal, by=mentor)
    back = _page(client, cohort, "people")

    assert _names(while_gone) == ["Maria Mentor", "Vera Viewer"]
    assert _names(back) == ["Gina Going", "Maria Mentor", "Vera Viewer"]


def test_gallery_closed_cohort_loses_its_photos_on_next_view(client, cohort, make_member):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    profile = _upload(_member_with_slide(make_member, "Pat Photo"))
    client.force_login(viewer)
    before = _page(client, cohort, "people")

    personal_data.purge_personal(cohort)
    after = _page(client, cohort, "people")

    profile.refresh_from_db()
    assert (profile.photo.name, profile.thumbnail.name) == ("", "")
    assert ('alt="Photo of Pat Photo"' in before, 'alt="Photo of Pat Photo"' in after) == (
        True,
        False,
    )


@pytest.mark.parametrize("page", PAGES)
def test_gallery_never_shows_another_cohorts_slides(
    client, cohort, other_cohort, make_member, page
):
    ours = _member_with_slide(make_member, "Olga Ours")
    theirs = make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Tess Theirs")
    Profile.objects.create(membership=theirs.memberships.get(), bio="Bio of Tess Theirs")
    client.force_login(ours)
    ours_first = _page(client, cohort, page)
    client.force_login(theirs)
    theirs_page = _page(client, other_cohort, page)

    Profile.objects.filter(membership__user=theirs).update(bio="Changed")
    theirs.name = "Tess Renamed"
    theirs.save()
    client.force_login(ours)
    ours_again = _page(client, cohort, page)

    assert (_names(ours_first), _names(ours_again)) == (["Olga Ours"], ["Olga Ours"])
    assert _names(theirs_page) == ["Tess Theirs"]
    assert "Tess" not in ours_first + ours_again


def test_gallery_filters_are_cached_apart(client, cohort, make_member):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    tomo = make_member(Role.PARTICIPANT, name="Tomo Tokyo", timezone="Asia/Tokyo")
    Profile.objects.create(membership=tomo.memberships.get(), interests=",circuits,")
    client.force_login(viewer)

    everyone = _page(client, cohort, "people")
    tokyo = _page(client, cohort, "people", tz="Asia/Tokyo")
    circuits = _page(client, cohort, "people", interest="circuits")
    everyone_again = _page(client, cohort, "people")

    assert _names(everyone) == _names(everyone_again) == ["Tomo Tokyo", "Vera Viewer"]
    assert _names(tokyo) == _names(circuits) == ["Tomo Tokyo"]


def _cached(cohort, page, interest="", role="", tz=""):
    """Whether the page's fragment for these filters is in the cache (the template's key)."""
    name = {"people": "gallery", "slideshow": "slideshow"}[page]
    gen = fragments.generations(cohort.pk, ["people"])["people"]
    # The template names its fragment with quotes, and the tag keeps them in the name.
    key = make_template_fragment_key(f'"{name}"', [cohort.slug, cohort.pk, gen, interest, role, tz])
    return cache.get(key) is not None


@pytest.mark.parametrize("page", PAGES)
def test_gallery_keeps_only_filters_the_cohort_can_produce(client, cohort, make_member, page):
    """Free text in the query string must not fill the cache with one entry per request."""
    viewer = _member_with_slide(make_member, "Vera Viewer")
    tomo = make_member(Role.PARTICIPANT, name="Tomo Tokyo", timezone="Asia/Tokyo")
    Profile.objects.create(membership=tomo.memberships.get(), interests=",circuits,")
    client.force_login(viewer)

    assert _names(_page(client, cohort, page, tz="Nowhere/Random-123")) == []
    assert _names(_page(client, cohort, page, interest="no-such-tag-456")) == []
    assert not _cached(cohort, page, tz="Nowhere/Random-123")
    assert not _cached(cohort, page, interest="no-such-tag-456")

    assert "Tomo Tokyo" in _names(_page(client, cohort, page, tz="Asia/Tokyo"))
    assert _cached(cohort, page, tz="Asia/Tokyo")


def test_gallery_follows_a_change_of_the_cohort_slug(client, cohort, make_member):
    viewer = _member_with_slide(make_member, "Vera Viewer")
    _upload(viewer)
    client.force_login(viewer)
    assert "/c/demo-test/people/" in _page(client, cohort, "people")

    cohort.slug = "renamed-round"
    cohort.save()
    html = _page(client, cohort, "people")

    assert "/c/renamed-round/people/" in html
    assert "/c/demo-test/" not in html
