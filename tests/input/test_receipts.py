"""Receipts are decoded, not sniffed: each hostile kind of file is refused by name with its
reason and leaves nothing behind; a real PDF and a real photo still go through."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from compute.models import Claim, Receipt
from compute.samples import make_image, make_pdf


def _pdf(mutate) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    mutate(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(kind: str, **entries):
    def mutate(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        for key, value in entries.items():
            action[NameObject(f"/{key}")] = TextStringObject(value)
        writer._root_object[NameObject("/OpenAction")] = action

    return mutate


def _document_javascript(writer):
    """A document-level script, in the /Names tree (what add_js used to write)."""
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )


def _photo(fmt="JPEG", size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, fmt)
    return out.getvalue()


REFUSED = {
    "jpeg-with-php": (
        "photo.jpg",
        _photo() + b"<?php system($_GET['c']); ?>",
        "other data after the picture",
    ),
    "jpeg-with-html": (
        "photo.jpg",
        _photo() + b"<html><script>alert(1)</script></html>",
        "other data after the picture",
    ),
    "html-inside-pdf-markers": (
        "invoice.pdf",
        b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",
        "not a readable PDF",
    ),
    "pdf-with-javascript": (
        "invoice.pdf",
        _pdf(_document_javascript),
        "JavaScript",
    ),
    "pdf-openaction-javascript": (
        "invoice.pdf",
        _pdf(_open_action("/JavaScript", JS="app.alert(1)")),
        "JavaScript",
    ),
    "pdf-launch-action": (
        "invoice.pdf",
        _pdf(_open_action("/Launch", F="calc.exe")),
        "launches a program",
    ),
    "pdf-embedded-file": (
        "invoice.pdf",
        _pdf(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00")),
        "embedded files",
    ),
    "truncated-jpeg": ("photo.jpg", _photo()[:-600], "damaged or not really an image"),
    "huge-png": ("scan.png", _photo("PNG", (9000, 9000)), "9000 x 9000 pixels"),
}


def _claim_data(**extra):
    data = {
        "spent_on": "",
        "vendor": "RunPod",
        "category": "gpu",
        "description": "A100 hours",
        "amount": "12.50",
        "currency": "USD",
        "amount_usd": "12.50",
    }
    data.update(extra)
    return data


@pytest.fixture
def post_claim(client, cohort, participant):
    from django.utils import timezone

    client.force_login(participant)
    url = reverse("compute:claim_new", kwargs={"slug": cohort.slug})

    def post(files):
        data = _claim_data(receipts=files, spent_on=timezone.localdate().isoformat())
        return client.post(url, data)

    return post


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_hostile_receipt_is_refused_by_name_with_its_reason(post_claim, private_files, kind):
    name, data, reason = REFUSED[kind]

    response = post_claim(SimpleUploadedFile(name, data))

    assert response.status_code == 200
    errors = response.context["form"].errors["receipts"]
    assert len(errors) == 1
    assert errors[0].startswith(f"{name}: ")
    assert reason in errors[0]
    assert (Claim.objects.count(), Receipt.objects.count(), private_files()) == (0, 0, [])


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("invoice.pdf", make_pdf(["RunPod", "A100, 3 hours", "Total 12.50 USD"]), "pdf"),
        ("photo.jpg", make_image(["Corner shop", "Total 12.50"], fmt="JPEG"), "jpeg"),
        ("photo.png", make_image(["Corner shop", "Total 12.50"]), "png"),
        ("phone.jpg", _photo(size=(4032, 3024)), "jpeg"),
    ],
    ids=["pdf", "jpeg", "png", "phone-photo"],
)
def test_real_receipt_goes_through(post_claim, private_files, name, data, kind):
    response = post_claim(SimpleUploadedFile(name, data))

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert [(r.original_name, r.kind) for r in claim.receipts.all()] == [(name, kind)]
    assert len(private_files()) == 1


def test_eleven_receipts_in_one_claim_are_refused(post_claim, private_files):
    files = [SimpleUploadedFile(f"r{n}.png", make_image([f"Receipt {n}"])) for n in range(11)]

    response = post_claim(files)

    assert response.context["form"].errors["receipts"] == [
        "At most 10 receipts per claim; 11 were chosen."
    ]
    assert (Claim.objects.count(), private_files()) == (0, [])


def test_receipts_above_25_mb_in_one_claim_are_refused(post_claim, private_files):
    # Three PDFs of 9.5 MB each: each is allowed alone, together they are 28.5 MB.
    big = [
        SimpleUploadedFile(f"r{n}.pdf", make_pdf([f"Receipt {n}"]) + b"%" * 9_961_472)
        for n in range(3)
    ]

    response = post_claim(big)

    assert response.context["form"].errors["receipts"] == [
        "A claim's receipts may add up to 25 MB; choose fewer or smaller files."
    ]
    assert (Claim.objects.count(), private_files()) == (0, [])


def test_staff_preview_is_the_picture_encoded_afresh(client, cohort, mentor, participant):
    from tests.factories.compute import ClaimFactory, make_receipt

    original = make_image(["Corner shop"], fmt="PNG")
    receipt = make_receipt(ClaimFactory(cohort=cohort, owner=participant), data=original)
    client.force_login(mentor)

    response = client.get(
        reverse("compute:receipt_inline", kwargs={"slug": cohort.slug, "pk": receipt.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    shown = Image.open(io.BytesIO(response.content))
    assert (shown.format, shown.size) == ("PNG", Image.open(io.BytesIO(original)).size)
