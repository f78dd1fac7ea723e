"""Who can open which claim, receipt and top-up: participants only their own, TAs nothing."""

import pytest
from django.urls import reverse

from cohort.models import Role
from compute.models import ClaimState, ReceiptKind
from compute.samples import make_pdf
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt


@pytest.fixture
def others_records(cohort, make_member):
    other = make_member(Role.PARTICIPANT, name="Olga Other")
    claim = ClaimFactory(
        cohort=cohort, owner=other, state=ClaimState.SUBMITTED, vendor="Secret Vendor"
    )
    return {
        "owner": other,
        "claim": claim,
        "receipt": make_receipt(claim),
        "top_up": TopUpFactory(cohort=cohort, owner=other, description="Secret plans"),
    }


def _urls(cohort, records):
    slug = cohort.slug
    return {
        "claim": reverse("compute:claim", kwargs={"slug": slug, "pk": records["claim"].pk}),
        "edit": reverse("compute:claim_edit", kwargs={"slug": slug, "pk": records["claim"].pk}),
        "receipt": reverse("compute:receipt", kwargs={"slug": slug, "pk": records["receipt"].pk}),
        "top_up": reverse("compute:top_up", kwargs={"slug": slug, "pk": records["top_up"].pk}),
    }


def test_participant_cannot_open_another_participants_records(
    client, cohort, participant, others_records
):
    client.force_login(participant)

    statuses = {
        name: client.get(url).status_code for name, url in _urls(cohort, others_records).items()
    }

    assert statuses == {"claim": 404, "edit": 404, "receipt": 404, "top_up": 404}


def test_participant_guessing_ids_finds_nothing_of_others(
    client, cohort, participant, others_records
):
    client.force_login(participant)
    slug = cohort.slug
    real = {name: others_records[name].pk for name in ("claim", "receipt", "top_up")}

    # The real ids and their neighbours, as someone counting up or down would try them.
    statuses = {
        client.get(reverse(f"compute:{name}", kwargs={"slug": slug, "pk": pk})).status_code
        for name, pk_of_other in real.items()
        for pk in range(max(1, pk_of_other - 5), pk_of_other + 6)
    }

    assert statuses == {404}


def test_participant_does_not_see_others_claims_on_the_ledger(
    client, cohort, participant, others_records
):
    ClaimFactory(cohort=cohort, owner=participant, vendor="My Vendor")
    client.force_login(participant)

    html = client.get(reverse("compute:ledger", kwargs={"slug": cohort.slug})).content.decode()

    assert "My Vendor" in html
    assert "Secret Vendor" not in html


def test_participant_cannot_submit_or_change_anothers_draft(
    client, cohort, participant, make_member
):
    other = make_member(Role.PARTICIPANT)
    draft = ClaimFactory(cohort=cohort, owner=other)
    make_receipt(draft)
    client.force_login(participant)

    response = client.post(
        reverse("compute:claim_submit", kwargs={"slug": cohort.slug, "pk": draft.pk})
    )

    draft.refresh_from_db()
    assert (response.status_code, draft.state) == (404, ClaimState.DRAFT)


def test_ta_sees_no_claims_receipts_or_top_ups(client, cohort, ta, others_records):
    client.force_login(ta)
    urls = _urls(cohort, others_records)
    urls["review"] = reverse("compute:review", kwargs={"slug": cohort.slug})
    urls["export"] = reverse("compute:review_export", kwargs={"slug": cohort.slug})

    statuses = {name: client.get(url).status_code for name, url in urls.items()}

    assert statuses == dict.fromkeys(urls, 403)


def test_operations_and_mentor_open_any_claim_of_their_cohort(
    client, cohort, operations, mentor, others_records
):
    seen = []
    for person in (operations, mentor):
        client.force_login(person)
        seen.append(client.get(_urls(cohort, others_records)["claim"]).status_code)

    assert seen == [200, 200]


def test_staff_of_another_cohort_get_404_for_receipts(
    client, cohort, other_cohort, make_member, others_records
):
    outsider = make_member(Role.OPERATIONS, in_cohort=other_cohort)
    client.force_login(outsider)
    url = reverse(
        "compute:receipt", kwargs={"slug": other_cohort.slug, "pk": others_records["receipt"].pk}
    )

    assert client.get(url).status_code == 404


def test_receipt_download_sends_attachment_and_nosniff(client, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    receipt = make_receipt(claim, data=make_pdf(["Total 12.00"]), kind=ReceiptKind.PDF)
    client.force_login(participant)

    response = client.get(
        reverse("compute:receipt", kwargs={"slug": cohort.slug, "pk": receipt.pk})
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-{claim.pk}-{receipt.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_inline_receipt_is_for_staff_and_sandboxed(client, cohort, participant, operations):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    image = make_receipt(claim)
    pdf = make_receipt(claim, data=make_pdf(["x"]), kind=ReceiptKind.PDF)
    client.force_login(operations)

    def get(receipt):
        return client.get(
            reverse("compute:receipt_inline", kwargs={"slug": cohort.slug, "pk": receipt.pk})
        )

    image_response, pdf_response = get(image), get(pdf)

    assert (image_response.status_code, pdf_response.status_code) == (200, 200)
    assert image_response["Content-Disposition"].startswith("inline;")
    assert image_response["X-Content-Type-Options"] == "nosniff"
    assert image_response["Content-Type"] == "image/png"
    assert (pdf_response["Content-Type"], pdf_response["X-Content-Type-Options"]) == (
        "application/pdf",
        "nosniff",
    )
    assert pdf_response["Content-Disposition"].startswith("inline;")
    for response in (image_response, pdf_response):
        assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


def test_receipt_files_live_outside_static_and_media(settings, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    receipt = make_receipt(claim)
    from compute.receipts import path_of

    path = path_of(receipt.stored_name)

    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert path.name != receipt.original_name
