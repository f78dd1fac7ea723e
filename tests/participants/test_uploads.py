import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from participants.models import Profile
from tests.participants.conftest import image_bytes, media_files

SECRET = "Secret Camera 3000"


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET  # camera make
    exif[0x9286] = "taken at home"  # user comment
    return image_bytes("JPEG", exif=exif.tobytes())


def _png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Comment", SECRET)
    return image_bytes("PNG", pnginfo=info)


def _webp_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET
    return image_bytes("WEBP", exif=exif.tobytes())


def _post_photo(client, cohort, data: bytes, name: str, content_type: str = "image/jpeg"):
    url = reverse("participants:edit_profile", kwargs={"slug": cohort.slug})
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        url,
        {"name": "Pat Participant", "timezone": "Europe/London", "photo": upload},
        follow=True,
    )


@pytest.mark.parametrize(
    ("make", "name", "fmt", "ext"),
    [
        (_jpeg_with_exif, "me.jpg", "JPEG", ".jpg"),
        (_png_with_text, "me.png", "PNG", ".png"),
        (_webp_with_exif, "me.webp", "WEBP", ".webp"),
        (_png_with_text, "holiday.jpg", "PNG", ".png"),  # named wrongly, judged by content
    ],
)
def test_photo_upload_valid_is_reencoded_without_metadata(
    client, settings, cohort, participant, make, name, fmt, ext
):
    client.force_login(participant)

    response = _post_photo(client, cohort, make(), name)

    profile = Profile.objects.get(membership__user=participant)
    stored = profile.photo.read()
    assert response.status_code == 200
    assert "Your slide is saved." in response.content.decode()
    assert os.path.splitext(profile.photo.name)[1] == ext
    assert os.path.basename(profile.photo.name) not in (name, "me" + ext)
    assert len(os.path.basename(profile.photo.name)) == 32 + len(ext)  # uuid4 hex
    assert Image.open(io.BytesIO(stored)).format == fmt
    assert SECRET.encode() not in stored
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert media_files(settings) == sorted(
        os.path.basename(f.name) for f in (profile.photo, profile.thumbnail)
    )


def _text_renamed() -> bytes:
    return b"Dear TA, this is not a photo at all.\n" * 10


def _truncated() -> bytes:
    data = image_bytes("PNG", size=(300, 300), color=(10, 200, 90))
    noisy = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    data = out.getvalue()
    return data[: len(data) // 2]


def _svg() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def _png_with_html() -> bytes:
    return image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"


def _over_size() -> bytes:
    noisy = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG", compress_level=0)
    assert out.tell() > 5 * 1024 * 1024
    return out.getvalue()


def _over_pixel() -> bytes:
    return image_bytes("PNG", size=(4001, 20))


@pytest.mark.parametrize(
    ("make", "name", "content_type", "message"),
    [
        (_text_renamed, "photo.jpg", "image/jpeg", "Please upload a JPEG, PNG or WebP photo."),
        (_truncated, "photo.png", "image/png", "This file could not be read as one."),
        (_svg, "photo.svg", "image/svg+xml", "Please upload a JPEG, PNG or WebP photo."),
        (_png_with_html, "photo.png", "image/png", "other content appended to the image"),
        (_over_size, "photo.png", "image/png", "larger than 5 MB"),
        (_over_pixel, "photo.png", "image/png", "That photo is 4001 x 20 pixels"),
    ],
    ids=["text-as-jpg", "truncated", "svg", "png-with-html", "over-size", "over-pixel"],
)
def test_photo_upload_refused_with_message_and_nothing_stored(
    client, settings, cohort, participant, make, name, content_type, message
):
    client.force_login(participant)

    response = _post_photo(client, cohort, make(), name, content_type)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Your slide is saved." not in html
    assert Profile.objects.get(membership__user=participant).photo.name == ""
    assert media_files(settings) == []


def test_photo_upload_replacing_deletes_the_old_file(
    client, settings, cohort, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    with django_capture_on_commit_callbacks(execute=True):
        _post_photo(client, cohort, image_bytes("PNG"), "a.png")
    with django_capture_on_commit_callbacks(execute=True):
        _post_photo(client, cohort, image_bytes("JPEG"), "b.jpg")

    profile = Profile.objects.get(membership__user=participant)
    assert media_files(settings) == sorted(
        os.path.basename(f.name) for f in (profile.photo, profile.thumbnail)
    )
    assert profile.photo.name.endswith(".jpg")
