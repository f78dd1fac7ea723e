"""Receipt uploads: only real PDFs and images, at most 10 MB, never the same file twice; a refused
upload leaves nothing behind (no claim, no receipt row, no file)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohort.models import Role
from compute.models import Claim, ClaimState, Receipt
from compute.receipts import MAX_RECEIPT_BYTES
from compute.samples import make_image, make_pdf

ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 200
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x90" * 200


def _form(**receipts):
    data = {
        "spent_on": "2026-02-10",
        "vendor": "RunPod",
        "category": "gpu",
        "description": "A100 hours",
        "amount": "12.50",
        "currency": "USD",
        "amount_usd": "12.50",
    }
    data.update(receipts)
    return data


def _post_new(client, cohort, files):
    url = reverse("compute:claim_new", kwargs={"slug": cohort.slug})
    return client.post(url, _form(receipts=files))


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("receipt.pdf", b"Dear customer, thank you for your order.", "application/pdf"),
        ("receipt.png", ELF_EXECUTABLE, "image/png"),
        ("invoice.pdf", WINDOWS_EXECUTABLE, "application/pdf"),
        ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20, "image/png"),
        ("receipt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf"),  # no trailer
        ("receipt.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20, "image/gif"),
        ("receipt.html", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    ],
    ids=["text-as-pdf", "elf-as-png", "exe-as-pdf", "fake-png", "truncated-pdf", "gif", "html"],
)
def test_upload_refuses_wrong_content_and_stores_nothing(
    client, cohort, participant, private_files, name, data, content_type
):
    client.force_login(participant)

    response = _post_new(client, cohort, SimpleUploadedFile(name, data, content_type))

    assert response.status_code == 200
    assert "receipts" in response.context["form"].errors
    assert (Claim.objects.count(), Receipt.objects.count(), private_files()) == (0, 0, [])


def test_upload_refuses_a_file_over_ten_megabytes_and_stores_nothing(
    client, cohort, participant, private_files
):
    pdf = make_pdf(["Total 9.00"])
    padded = pdf[:-6] + b"%" + b"0" * (MAX_RECEIPT_BYTES - len(pdf)) + b"\n%%EOF\n"
    client.force_login(participant)

    response = _post_new(client, cohort, SimpleUploadedFile("big.pdf", padded))

    assert len(padded) > MAX_RECEIPT_BYTES
    assert response.context["form"].errors["receipts"] == [
        "big.pdf: Each receipt may be at most 10 MB."
    ]
    assert (Claim.objects.count(), Receipt.objects.count(), private_files()) == (0, 0, [])


def test_upload_refuses_the_same_receipt_twice_and_stores_nothing_new(
    client, cohort, participant, private_files
):
    data = make_pdf(["RunPod", "Total 12.50"])
    client.force_login(participant)
    first = _post_new(client, cohort, SimpleUploadedFile("a.pdf", data))
    stored = private_files()

    second = _post_new(client, cohort, SimpleUploadedFile("renamed.pdf", data))

    assert first.status_code == 302
    assert second.context["form"].errors["receipts"] == [
        "renamed.pdf: you have uploaded this receipt before."
    ]
    assert (Claim.objects.count(), Receipt.objects.count()) == (1, 1)
    assert private_files() == stored and len(stored) == 1


def test_same_receipt_twice_is_refused_by_the_database_too(cohort, participant, private_files):
    from django.core.exceptions import ValidationError

    from compute import services
    from compute.receipts import check_receipt

    data = make_image(["once"])
    services.create_claim(
        cohort=cohort,
        owner=participant,
        data=_claim_data(),
        checked_receipts=[check_receipt(SimpleUploadedFile("a.png", data))],
    )

    with pytest.raises(ValidationError, match="cannot be claimed twice"):
        services.create_claim(
            cohort=cohort,
            owner=participant,
            data=_claim_data(),
            checked_receipts=[check_receipt(SimpleUploadedFile("b.png", data))],
        )

    assert (Claim.objects.count(), Receipt.objects.count(), len(private_files())) == (1, 1, 1)


def test_two_people_may_upload_the_same_file(client, cohort, participant, make_member):
    data = make_pdf(["Shared team invoice"])
    other = make_member(Role.PARTICIPANT)
    for person in (participant, other):
        client.force_login(person)
        _post_new(client, cohort, SimpleUploadedFile("team.pdf", data))

    assert Receipt.objects.count() == 2


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_upload_accepts_images_and_pdfs_under_generated_names(
    client, cohort, participant, private_files, fmt
):
    client.force_login(participant)
    files = [
        SimpleUploadedFile(f"photo.{fmt.lower()}", make_image([fmt], fmt)),
        SimpleUploadedFile("scan.pdf", make_pdf([fmt])),
    ]

    response = _post_new(client, cohort, files)

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert claim.state == ClaimState.DRAFT
    assert sorted(r.original_name for r in claim.receipts.all()) == [
        f"photo.{fmt.lower()}",
        "scan.pdf",
    ]
    assert all(name.startswith("receipts/") for name in private_files())
    assert not any("photo" in name or "scan" in name for name in private_files())


def _claim_data():
    from datetime import date
    from decimal import Decimal

    return {
        "spent_on": date(2026, 2, 1),
        "vendor": "Lambda",
        "category": "gpu",
        "description": "x",
        "amount": Decimal("5.00"),
        "currency": "USD",
        "amount_usd": Decimal("5.00"),
    }


def test_one_bad_file_among_good_ones_stores_nothing(client, cohort, participant, private_files):
    client.force_login(participant)
    files = [
        SimpleUploadedFile("good.pdf", make_pdf(["fine"])),
        SimpleUploadedFile("bad.png", ELF_EXECUTABLE),
    ]

    response = _post_new(client, cohort, files)

    assert response.context["form"].errors["receipts"] == [
        "bad.png: Receipts must be PDF, JPEG, PNG or WebP files."
    ]
    assert (Claim.objects.count(), Receipt.objects.count(), private_files()) == (0, 0, [])


def test_owner_removes_a_receipt_from_a_draft_and_its_file_goes(
    client, cohort, participant, private_files, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    _post_new(client, cohort, SimpleUploadedFile("a.pdf", make_pdf(["remove me"])))
    receipt = Receipt.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("compute:receipt_delete", kwargs={"slug": cohort.slug, "pk": receipt.pk})
        )

    assert response.status_code == 302
    assert (Receipt.objects.count(), private_files()) == (0, [])
    assert receipt.claim.audit_entries.last().action == "receipt removed"


def test_adding_a_receipt_to_a_submitted_claim_is_not_possible(client, cohort, participant):
    from compute import services

    client.force_login(participant)
    _post_new(client, cohort, SimpleUploadedFile("a.pdf", make_pdf(["first"])))
    claim = Claim.objects.get()
    services.submit_claim(claim=claim, actor=participant)

    response = client.post(
        reverse("compute:claim_edit", kwargs={"slug": cohort.slug, "pk": claim.pk}),
        _form(receipts=SimpleUploadedFile("b.pdf", make_pdf(["second"]))),
    )

    assert response.status_code == 404
    assert Receipt.objects.count() == 1
