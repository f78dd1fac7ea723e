"""With a bucket configured, photos and receipts live in it (so several web replicas and workers
share them) and are read only through the portal's permission-checked views or a short-lived
signed URL. The bucket is moto's S3 server on 127.0.0.1, reached over real HTTP."""

import urllib.error
import urllib.request

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohort.models import Role
from compute.models import Receipt
from compute.samples import make_image, make_pdf
from participants.models import Profile
from tests.fakes import s3
from tests.participants.conftest import image_bytes


def _claim_form(receipt):
    return {
        "spent_on": "2026-02-10",
        "vendor": "RunPod",
        "category": "gpu",
        "description": "A100 hours",
        "amount": "12.50",
        "currency": "USD",
        "amount_usd": "12.50",
        "receipts": receipt,
    }


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_photo_upload_goes_to_the_bucket_and_is_served_to_members(
    client, settings, s3_endpoint, s3_bucket, cohort, participant, make_member
):
    viewer = make_member(Role.PARTICIPANT, name="Val Viewer")
    client.force_login(participant)
    upload = SimpleUploadedFile("me.png", image_bytes("PNG"), content_type="image/png")

    client.post(
        reverse("participants:edit_profile", kwargs={"slug": cohort.slug}),
        {"name": "Pat Participant", "timezone": "Europe/London", "photo": upload},
    )

    profile = Profile.objects.get(membership__user=participant)
    stored = s3.keys(s3_endpoint, s3_bucket)
    assert stored == sorted(f"media/{f.name}" for f in (profile.photo, profile.thumbnail))
    assert not settings.MEDIA_ROOT.exists()
    client.force_login(viewer)
    response = client.get(
        reverse("participants:photo", kwargs={"slug": cohort.slug, "pk": profile.pk})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3.read(
        s3_endpoint, s3_bucket, f"media/{profile.photo.name}"
    )


def test_photo_in_the_bucket_is_not_public_and_its_signed_url_expires_soon(
    client, s3_endpoint, s3_bucket, cohort, participant
):
    client.force_login(participant)
    upload = SimpleUploadedFile("me.png", image_bytes("PNG"), content_type="image/png")
    client.post(
        reverse("participants:edit_profile", kwargs={"slug": cohort.slug}),
        {"name": "Pat Participant", "timezone": "Europe/London", "photo": upload},
    )
    name = Profile.objects.get(membership__user=participant).photo.name

    signed = storages["default"].url(name)

    assert _status(f"{s3_endpoint}/{s3_bucket}/media/{name}") == 403
    assert "X-Amz-Expires=60" in signed
    assert _status(signed) == 200


def test_replacing_a_photo_deletes_the_old_object(
    client, s3_endpoint, s3_bucket, cohort, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    url = reverse("participants:edit_profile", kwargs={"slug": cohort.slug})
    for color in [(10, 10, 10), (250, 250, 250)]:
        upload = SimpleUploadedFile("me.png", image_bytes("PNG", color=color), "image/png")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                url, {"name": "Pat Participant", "timezone": "Europe/London", "photo": upload}
            )

    profile = Profile.objects.get(membership__user=participant)
    assert s3.keys(s3_endpoint, s3_bucket) == sorted(
        f"media/{f.name}" for f in (profile.photo, profile.thumbnail)
    )


def test_receipt_goes_to_the_private_prefix_and_only_its_owner_and_operations_read_it(
    client, s3_endpoint, s3_bucket, cohort, other_cohort, participant, make_member
):
    data = make_pdf(["RunPod invoice 42"])
    other_cohort_ops = make_member(Role.OPERATIONS, in_cohort=other_cohort)
    operations = make_member(Role.OPERATIONS)
    classmate = make_member(Role.PARTICIPANT)
    client.force_login(participant)

    client.post(
        reverse("compute:claim_new", kwargs={"slug": cohort.slug}),
        _claim_form(SimpleUploadedFile("invoice.pdf", data, content_type="application/pdf")),
    )

    receipt = Receipt.objects.get()
    assert s3.keys(s3_endpoint, s3_bucket) == [f"private/{receipt.stored_name}"]
    assert s3.read(s3_endpoint, s3_bucket, f"private/{receipt.stored_name}") == data
    url = reverse("compute:receipt", kwargs={"slug": cohort.slug, "pk": receipt.pk})
    seen = {}
    for who in (participant, operations, classmate, other_cohort_ops):
        client.force_login(who)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        seen[who.name] = (response.status_code, body == data)
    assert seen == {
        participant.name: (200, True),
        operations.name: (200, True),
        classmate.name: (404, False),
        other_cohort_ops.name: (404, False),
    }
    assert _status(f"{s3_endpoint}/{s3_bucket}/private/{receipt.stored_name}") == 403


def test_removing_a_receipt_from_a_draft_deletes_its_object(
    client, s3_endpoint, s3_bucket, cohort, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    first, second = make_image(["one"]), make_image(["two"])
    client.post(
        reverse("compute:claim_new", kwargs={"slug": cohort.slug}),
        _claim_form(
            [
                SimpleUploadedFile("a.png", first, content_type="image/png"),
                SimpleUploadedFile("b.png", second, content_type="image/png"),
            ]
        ),
    )
    gone, kept = Receipt.objects.order_by("original_name")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("compute:receipt_delete", kwargs={"slug": cohort.slug, "pk": gone.pk}))

    assert s3.keys(s3_endpoint, s3_bucket) == [f"private/{kept.stored_name}"]
