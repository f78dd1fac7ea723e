import csv
import io
from datetime import UTC
from decimal import Decimal

import pytest
from django.urls import reverse

from cohort.models import Notification, Role
from compute import services
from compute.exports import HEADER
from compute.models import Claim, ClaimState, TopUpState
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt

D = Decimal


def _url(cohort, name, **kwargs):
    return reverse(f"compute:{name}", kwargs={"slug": cohort.slug, **kwargs})


def _submitted(cohort, owner, usd="40.00", **kwargs):
    kwargs.setdefault("amount", D(usd))
    claim = ClaimFactory(cohort=cohort, owner=owner, amount_usd=D(usd), **kwargs)
    make_receipt(claim)
    services.submit_claim(claim=claim, actor=owner)
    claim.refresh_from_db()
    return claim


def _claims_in_every_state(cohort, owner, staff, n):
    for i in range(n):
        claim = _submitted(cohort, owner, "1.00")
        if i % 4 == 1:
            services.approve_claim(claim_id=claim.pk, actor=staff)
        elif i % 4 == 2:
            services.approve_claim(claim_id=claim.pk, actor=staff)
            services.mark_claims_paid(cohort=cohort, claim_ids=[claim.pk], actor=staff)
        elif i % 4 == 3:
            services.reject_claim(claim_id=claim.pk, actor=staff, reason="No.")
        make_receipt(ClaimFactory(cohort=cohort, owner=owner))  # a draft too
        top_up = TopUpFactory(cohort=cohort, owner=owner)
        if i % 2:
            services.decide_top_up(top_up_id=top_up.pk, actor=staff, approved_usd=D("10.00"))


@pytest.mark.parametrize("rows", [1, 3])
def test_budget_page_queries_do_not_grow_with_claims(
    client, get_in_queries, cohort, participant, operations, rows
):
    client.force_login(participant)
    _claims_in_every_state(cohort, participant, operations, rows)

    # The user, the membership (with the withdrawal notice), the claims and the top-ups: the
    # figures are summed from the lists, the session comes from the cache.
    get_in_queries(_url(cohort, "ledger"), 4)

    assert Claim.objects.filter(owner=participant).count() == 2 * rows


@pytest.mark.parametrize("rows", [1, 3])
def test_review_page_queries_do_not_grow_with_claims(
    client, get_in_queries, cohort, operations, make_member, rows
):
    client.force_login(operations)
    for _ in range(rows):
        _claims_in_every_state(cohort, make_member(Role.PARTICIPANT), operations, 1)

    get_in_queries(_url(cohort, "review"), 10)

    assert Claim.objects.exclude(state=ClaimState.DRAFT).count() == rows


def test_budget_page_shows_figures_and_every_ledger_entry(client, cohort, participant, operations):
    paid = _submitted(cohort, participant, "100.00", vendor="Lambda")
    services.approve_claim(claim_id=paid.pk, actor=operations, approved_usd=D("90.00"))
    _submitted(cohort, participant, "25.00", vendor="RunPod")
    top_up = TopUpFactory(cohort=cohort, owner=participant, estimate_usd=D("50.00"))
    services.decide_top_up(top_up_id=top_up.pk, actor=operations, approved_usd=D("50.00"))
    client.force_login(participant)

    response = client.get(_url(cohort, "ledger"))

    html = response.content.decode()
    ledger = response.context["ledger"]
    assert (ledger.budget, ledger.approved, ledger.pending, ledger.remaining) == (
        D("550.00"),
        D("90.00"),
        D("25.00"),
        D("460.00"),
    )
    assert '<dd data-figure="remaining">460.00 USD</dd>' in html
    assert [(e.change, e.balance) for e in response.context["entries"]] == [
        (D("500.00"), D("500.00")),
        (D("-90.00"), D("410.00")),
        (D("50.00"), D("460.00")),
    ]
    assert '<span class="spent" data-percent="16">' in html  # 90 of 550 spent


def test_submitting_over_what_is_left_warns_and_suggests_a_top_up(client, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant, amount_usd=D("650.00"))
    make_receipt(claim)
    client.force_login(participant)

    response = client.post(_url(cohort, "claim_submit", pk=claim.pk), follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Claim submitted for review.",
        "This claim is 150.00 USD more than what is left of your budget. Ask for a top-up, "
        "describing the work and its cost, so that it can be approved.",
    ]


def test_submitting_without_receipt_shows_why(client, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    client.force_login(participant)

    response = client.post(_url(cohort, "claim_submit", pk=claim.pk), follow=True)

    claim.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        "Add at least one receipt before submitting."
    ]
    assert claim.state == ClaimState.DRAFT


def test_approving_over_budget_on_the_page_needs_the_tick(client, cohort, participant, operations):
    claim = _submitted(cohort, participant, "600.00")
    client.force_login(operations)
    url = _url(cohort, "claim_approve", pk=claim.pk)

    refused = client.post(url, {"approved_usd": "600.00"})
    no_reason = client.post(url, {"approved_usd": "600.00", "over_budget": "on"})
    ticked = client.post(
        url,
        {
            "approved_usd": "600.00",
            "over_budget": "on",
            "over_budget_reason": "Agreed with the mentor.",
        },
    )

    claim.refresh_from_db()
    assert (refused.status_code, no_reason.status_code, ticked.status_code) == (422, 422, 302)
    assert "approve over budget" in refused.content.decode()
    assert refused.content.decode().count("give a reason to do it anyway.") == 1
    assert (claim.state, claim.approved_over_budget) == (ClaimState.APPROVED, True)


def test_review_filters_by_state_person_and_category(client, cohort, operations, make_member):
    alice, bob = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    a_gpu = _submitted(cohort, alice, category="gpu")
    a_api = _submitted(cohort, alice, category="api")
    b_gpu = _submitted(cohort, bob, category="gpu")
    services.approve_claim(claim_id=b_gpu.pk, actor=operations)
    client.force_login(operations)

    def shown(**query):
        response = client.get(_url(cohort, "review"), query)
        return {c.pk for c in response.context["claims"]}

    assert shown() == {a_gpu.pk, a_api.pk, b_gpu.pk}
    assert shown(person=alice.pk) == {a_gpu.pk, a_api.pk}
    assert shown(category="gpu") == {a_gpu.pk, b_gpu.pk}
    assert shown(state="approved") == {b_gpu.pk}
    assert shown(person=alice.pk, category="api", state="submitted") == {a_api.pk}


def test_review_bulk_mark_paid(client, cohort, participant, operations):
    claims = [_submitted(cohort, participant, "10.00") for _ in range(3)]
    for claim in claims[:2]:
        services.approve_claim(claim_id=claim.pk, actor=operations)
    client.force_login(operations)

    client.post(_url(cohort, "review_mark_paid"), {"claims": [c.pk for c in claims]})

    states = [Claim.objects.get(pk=c.pk).state for c in claims]
    assert states == [ClaimState.PAID, ClaimState.PAID, ClaimState.SUBMITTED]


def test_review_page_previews_image_receipts_through_the_protected_view(
    client, cohort, participant, operations
):
    claim = _submitted(cohort, participant)
    receipt = claim.receipts.get()
    client.force_login(operations)

    html = client.get(_url(cohort, "review")).content.decode()

    assert f'src="{_url(cohort, "receipt_inline", pk=receipt.pk)}"' in html
    assert f'<a href="{_url(cohort, "receipt_viewer", pk=receipt.pk)}"' in html


def test_receipt_viewer_shows_images_inline_and_opens_pdfs_in_the_browser(
    client, cohort, participant, operations, other_cohort, make_member
):
    from compute.models import ReceiptKind
    from compute.samples import make_pdf
    from tests.factories.compute import make_receipt

    claim = _submitted(cohort, participant)
    image = claim.receipts.get()
    pdf = make_receipt(claim, data=make_pdf(["GPU hire"]), kind=ReceiptKind.PDF)
    outsider = make_member(Role.OPERATIONS, in_cohort=other_cohort)
    client.force_login(operations)

    image_page = client.get(_url(cohort, "receipt_viewer", pk=image.pk)).content.decode()
    pdf_page = client.get(_url(cohort, "receipt_viewer", pk=pdf.pk)).content.decode()
    client.force_login(outsider)
    elsewhere = client.get(
        reverse("compute:receipt_viewer", kwargs={"slug": other_cohort.slug, "pk": image.pk})
    )

    assert f'<img class="receipt-full" src="{_url(cohort, "receipt_inline", pk=image.pk)}"' in (
        image_page
    )
    assert "Receipt 1 of 2" in image_page
    assert (
        f'<a class="button" href="{_url(cohort, "receipt_inline", pk=pdf.pk)}" target="_blank"'
        in pdf_page
    )
    assert elsewhere.status_code == 404


def test_csv_export_matches_the_claims_exactly(client, cohort, participant, operations):
    approved = _submitted(cohort, participant, "33.33", vendor="=HYPERLINK(evil)")
    services.approve_claim(claim_id=approved.pk, actor=operations, approved_usd=D("30.10"))
    services.mark_claims_paid(cohort=cohort, claim_ids=[approved.pk], actor=operations)
    pending = _submitted(cohort, participant, "0.07", currency="GBP", amount=D("0.05"))
    ClaimFactory(cohort=cohort, owner=participant)  # a draft: not for finance
    client.force_login(operations)

    response = client.get(_url(cohort, "review_export"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    approved.refresh_from_db()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claims-demo-test-')
    assert rows[0] == HEADER
    by_id = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {str(approved.pk), str(pending.pk)}
    paid_row, pending_row = by_id[str(approved.pk)], by_id[str(pending.pk)]
    assert (paid_row["amount"], paid_row["amount USD (claimed)"], paid_row["approved USD"]) == (
        "33.33",
        "33.33",
        "30.10",
    )
    assert (paid_row["state"], paid_row["approver"], paid_row["vendor"]) == (
        "paid",
        operations.display_name,
        "'=HYPERLINK(evil)",
    )
    assert paid_row["paid"] == approved.paid_at.astimezone(UTC).isoformat(timespec="seconds")
    assert (pending_row["currency"], pending_row["amount"], pending_row["approved USD"]) == (
        "GBP",
        "0.05",
        "",
    )
    assert sum(D(r["amount USD (claimed)"]) for r in by_id.values()) == D("33.40")


def test_top_up_request_and_partial_decision_on_the_pages(client, cohort, participant, mentor):
    client.force_login(participant)
    client.post(
        _url(cohort, "top_up_new"), {"description": "A longer sweep.", "estimate_usd": "80.00"}
    )
    top_up = participant.compute_top_ups.get()
    client.force_login(mentor)

    too_much = client.post(
        _url(cohort, "top_up_decide", pk=top_up.pk), {"approved_usd": "80.01", "comment": ""}
    )
    response = client.post(
        _url(cohort, "top_up_decide", pk=top_up.pk),
        {"approved_usd": "60.00", "comment": "Start with 60."},
    )

    top_up.refresh_from_db()
    assert (too_much.status_code, response.status_code) == (422, 302)
    assert (top_up.state, top_up.approved_usd, top_up.comment) == (
        TopUpState.PARTLY,
        D("60.00"),
        "Start with 60.",
    )
    assert Notification.objects.filter(user=participant, kind="compute.top_up_decided").count() == 1


def test_claim_page_shows_history_to_the_owner(client, cohort, participant, operations):
    claim = _submitted(cohort, participant, "40.00")
    services.approve_claim(claim_id=claim.pk, actor=operations, approved_usd=D("35.00"))
    client.force_login(participant)

    response = client.get(_url(cohort, "claim", pk=claim.pk))

    assert [e.action for e in response.context["audit"]] == ["submitted", "approved"]
    assert "<del>40.00</del> → 35.00" in response.content.decode()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.OPERATIONS])
def test_to_do_lists_drafts_for_participants_and_work_for_operations(
    client, cohort, participant, operations, role
):
    ClaimFactory(cohort=cohort, owner=participant)
    _submitted(cohort, participant)
    client.force_login(participant if role == Role.PARTICIPANT else operations)

    todo = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug})).context["todo"]

    labels = [item.label for item in todo]
    expected = ["Submit 1 draft claim"] if role == Role.PARTICIPANT else ["Review 1 claim"]
    assert [label for label in labels if "claim" in label] == expected


def test_overview_has_a_compute_section(client, cohort, participant, mentor):
    _submitted(cohort, participant, "12.50")
    client.force_login(mentor)

    sections = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug})).context[
        "sections"
    ]

    compute = next(s for s in sections if s.title == "Compute")
    assert (compute.rows[0].label, compute.rows[0].total, compute.rows[0].people) == (
        "claims waiting for review (12.50 USD)",
        1,
        [participant.display_name],
    )


def test_review_page_approves_in_full_and_returns_to_the_list(
    client, cohort, participant, operations
):
    claim = _submitted(cohort, participant, "25.00")
    client.force_login(operations)
    html = client.get(_url(cohort, "review"), {"state": "submitted"}).content.decode()

    # What the browser sends for the row's button: the review form's fields, the button's value.
    response = client.post(
        _url(cohort, "claim_approve", pk=claim.pk),
        {"approved_usd": "25.00", "back_to_review": "state=submitted", "query": "state=submitted"},
    )

    claim.refresh_from_db()
    approve = _url(cohort, "claim_approve", pk=claim.pk)
    assert f'<button type="submit" formaction="{approve}" name="approved_usd" value="25.00"' in html
    assert '<input type="hidden" name="back_to_review" value="state=submitted">' in html
    assert response["Location"] == _url(cohort, "review") + "?state=submitted"
    assert (claim.state, claim.approved_usd) == (ClaimState.APPROVED, D("25.00"))


def test_claim_above_what_is_left_suggests_a_top_up_on_its_page(client, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant, amount_usd=D("512.30"))
    client.force_login(participant)

    response = client.get(_url(cohort, "claim", pk=claim.pk))

    assert response.context["over_by"] == D("12.30")
    assert f'href="{_url(cohort, "top_up_new")}">Ask for a top-up</a>' in response.content.decode()
