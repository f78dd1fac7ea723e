import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cohort.models import Role
from participants import services, thumbnails
from participants.images import clean_photo
from participants.models import Profile
from tests.participants.conftest import image_bytes, media_files

ACCEL = "/_protected/media/"


def _thumb_url(profile, version=None):
    kwargs = {"slug": profile.membership.cohort.slug, "pk": profile.pk}
    if version:
        kwargs["version"] = version
    return reverse("participants:thumbnail", kwargs=kwargs)


def _uploaded(user, *, hidden=False, data=None):
    services.update_profile(
        membership=user.memberships.get(),
        user_fields={},
        profile_fields={"hidden_from_gallery": hidden},
        photo=clean_photo(SimpleUploadedFile("p.png", data or image_bytes("PNG"))),
    )
    return Profile.objects.select_related("membership__cohort").get(membership__user=user)


def _set_directly(user, data: bytes, name="p.jpg"):
    """A photo set as the admin or a script would: a plain save, no thumbnail made."""
    profile, _ = Profile.objects.get_or_create(membership=user.memberships.get())
    profile.photo.save(name, ContentFile(data))
    return Profile.objects.select_related("membership__cohort").get(pk=profile.pk)


def _split_jpeg_rotated() -> bytes:
    """A landscape JPEG, left half red and right half blue, whose EXIF says "turn it 90 degrees
    clockwise to show it" (orientation 6, as phones write them)."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def test_thumbnail_made_at_upload_as_webp_within_the_box(participant):
    profile = _uploaded(participant, data=image_bytes("PNG", size=(1600, 1200)))

    with profile.thumbnail.open("rb") as f:
        thumb = Image.open(io.BytesIO(f.read()))
    assert (thumb.format, thumb.size) == ("WEBP", (640, 480))
    assert profile.thumbnail_of == profile.photo.name
    assert profile.has_current_thumbnail is True


def test_thumbnail_respects_exif_orientation(client, participant):
    profile = _set_directly(participant, _split_jpeg_rotated())
    client.force_login(participant)

    client.get(_thumb_url(profile), follow=True)

    profile.refresh_from_db()
    with profile.thumbnail.open("rb") as f:
        thumb = Image.open(io.BytesIO(f.read())).convert("RGB")
    top, bottom = thumb.getpixel((50, 10)), thumb.getpixel((50, 190))
    assert thumb.size == (100, 200)
    assert (top[0] > 200 and top[2] < 60, bottom[2] > 200 and bottom[0] < 60) == (True, True)


def test_thumbnail_made_once_then_served_from_storage(client, settings, participant, monkeypatch):
    profile = _set_directly(participant, image_bytes("JPEG", size=(900, 900)))
    renders = []
    real_render = thumbnails.render
    monkeypatch.setattr(thumbnails, "render", lambda f: renders.append(1) or real_render(f))
    client.force_login(participant)

    first = client.get(_thumb_url(profile))
    profile.refresh_from_db()
    made = profile.thumbnail.name
    served = client.get(first["Location"])
    again = client.get(_thumb_url(profile))
    profile.refresh_from_db()

    assert (first.status_code, again.status_code, served.status_code) == (302, 302, 200)
    assert (
        first["Location"] == again["Location"] == _thumb_url(profile, thumbnails.version(profile))
    )
    assert (len(renders), profile.thumbnail.name) == (1, made)
    assert len(media_files(settings)) == 2  # the photo and one thumbnail


def test_thumbnail_of_a_photo_changed_elsewhere_is_made_again_and_the_old_one_deleted(
    client, settings, participant, django_capture_on_commit_callbacks
):
    profile = _uploaded(participant)
    old = profile.thumbnail.name
    client.force_login(participant)

    profile = _set_directly(participant, image_bytes("JPEG", size=(300, 300)), name="new.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_thumb_url(profile, thumbnails.version(profile)))
    profile.refresh_from_db()

    assert response.status_code == 302
    assert response["Location"] == _thumb_url(profile, thumbnails.version(profile))
    assert profile.thumbnail.name != old
    assert profile.thumbnail_of == profile.photo.name
    assert old.rsplit("/", 1)[-1] not in media_files(settings)


@pytest.mark.parametrize("accel", [False, True], ids=["django-sends", "x-accel-redirect"])
def test_thumbnail_of_hidden_person_only_for_owner_and_staff(
    client, settings, cohort, other_cohort, make_member, accel
):
    settings.PHOTO_ACCEL_REDIRECT = ACCEL if accel else ""
    owner = make_member(Role.PARTICIPANT, name="Olive Owner")
    profile = _uploaded(owner, hidden=True)
    url = _thumb_url(profile, thumbnails.version(profile))
    people = {
        "owner": owner,
        "peer": make_member(Role.PARTICIPANT),
        "ta": make_member(Role.TA),
        "mentor": make_member(Role.MENTOR),
        "other cohort's mentor": make_member(Role.MENTOR, in_cohort=other_cohort),
    }
    with profile.thumbnail.open("rb") as f:
        stored = f.read()

    seen = {}
    for who, user in people.items():
        client.force_login(user)
        response = client.get(url)
        seen[who] = response.status_code
        if response.status_code == 200:
            body = b"".join(response.streaming_content) if not accel else response.content
            assert response["Content-Type"] == "image/webp"
            assert response["Cache-Control"] == "private, max-age=31536000, immutable"
            assert response.get("X-Accel-Redirect") == (
                f"{ACCEL}{profile.thumbnail.name}" if accel else None
            )
            assert body == (b"" if accel else stored)
    client.logout()
    anonymous = client.get(url)

    assert seen == {
        "owner": 200,
        "peer": 404,
        "ta": 200,
        "mentor": 200,
        "other cohort's mentor": 404,
    }
    assert (anonymous.status_code, anonymous["Location"].startswith("/accounts/login/")) == (
        302,
        True,
    )


@pytest.mark.parametrize("accel", [False, True], ids=["django-sends", "x-accel-redirect"])
def test_full_photo_of_hidden_person_only_for_owner_and_staff(
    client, settings, cohort, other_cohort, make_member, accel
):
    settings.PHOTO_ACCEL_REDIRECT = ACCEL if accel else ""
    owner = make_member(Role.PARTICIPANT)
    profile = _uploaded(owner, hidden=True)
    url = reverse("participants:photo", kwargs={"slug": cohort.slug, "pk": profile.pk})

    seen = {}
    for who, user in (
        ("owner", owner),
        ("peer", make_member(Role.PARTICIPANT)),
        ("other cohort's participant", make_member(Role.PARTICIPANT, in_cohort=other_cohort)),
    ):
        client.force_login(user)
        response = client.get(url)
        seen[who] = (response.status_code, response.get("X-Accel-Redirect"))

    assert seen == {
        "owner": (200, f"{ACCEL}{profile.photo.name}" if accel else None),
        "peer": (404, None),
        "other cohort's participant": (404, None),
    }


def test_thumbnail_of_another_cohorts_profile_is_not_found(client, other_cohort, make_member):
    stranger = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    profile = _uploaded(stranger)
    viewer = make_member(Role.MENTOR)
    client.force_login(viewer)
    # The viewer's own cohort in the address, the other cohort's profile number.
    url = reverse(
        "participants:thumbnail",
        kwargs={"slug": "demo-test", "pk": profile.pk, "version": thumbnails.version(profile)},
    )

    assert client.get(url).status_code == 404


def test_thumbnail_redirect_is_never_stored(client, participant):
    profile = _uploaded(participant)
    client.force_login(participant)

    response = client.get(_thumb_url(profile, "an-old-version"))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
