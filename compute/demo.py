"""Demo compute records: claims in every state with receipt files made here, two top-up requests,
and one participant who has nearly used up their budget. Safe to run again: each claim is keyed
on its owner, vendor and description, each top-up on its owner and description."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from compute import services
from compute.models import Claim, TopUpRequest
from compute.receipts import check_receipt
from compute.samples import make_image, make_pdf

D = Decimal

# (participant number, vendor, category, description, amount, currency, USD, receipt formats,
#  what happens: draft / submit / approve[:USD] / reject:reason / paid[:USD] / over:USD:reason)
CLAIMS = [
    (1, "RunPod", "gpu", "Two evenings on an A100 to replicate the induction-head plots.", "18.40", "USD", "18.40", ["PNG"], "draft"),
    (2, "OpenAI", "api", "Labelling 2,000 SAE features with a language model.", "31.20", "GBP", "39.65", ["PDF"], "submit"),
    (3, "Lambda", "gpu", "H100 hours for training a toy model with superposition.", "64.00", "USD", "64.00", ["PDF", "PNG"], "approve:58.00"),
    (3, "Anthropic", "api", "Model calls for an automated interpretability baseline.", "22.75", "USD", "22.75", ["JPEG"], "paid"),
    (4, "Vast.ai", "gpu", "Rented a second GPU by mistake and left it running overnight.", "41.10", "EUR", "44.60", ["WEBP"], "reject:Idle time on a machine left running is not covered; please claim only the hours you used."),
    (5, "Lambda", "gpu", "Sweeps over sparse autoencoder widths, first week.", "240.00", "USD", "240.00", ["PDF"], "paid"),
    (5, "RunPod", "gpu", "Sweeps over sparse autoencoder widths, second week.", "215.00", "USD", "215.00", ["PDF"], "paid"),
    (5, "Weights & Biases", "subscription", "One month of the team plan for sharing sweep dashboards.", "30.00", "USD", "30.00", ["PNG"], "submit"),
    (6, "Google Cloud", "gpu", "A long attribution-patching run on a 7B model.", "380.00", "USD", "380.00", ["PDF"], "approve"),
    (6, "Together AI", "api", "Extra model calls for the attribution-patching follow-up.", "150.00", "USD", "150.00", ["JPEG"], "over:150.00:Agreed with the mentor before the run; the top-up did not cover the whole follow-up."),
    (7, "Modal", "gpu", "Serverless GPU time for activation caching.", "12.30", "GBP", "15.62", ["JPEG", "WEBP"], "submit"),
    (8, "Paperspace", "other", "Storage for cached activations during the sprint.", "9.99", "USD", "9.99", ["PNG"], "approve"),
]  # fmt: skip

TOP_UPS = [
    (6, "Attribution patching across all layers of a 7B model needs about 30 more GPU hours than my budget covers.", "200.00", "120.00", "Approved for 20 of the 30 hours; start with the middle layers."),
    (5, "A final sweep at the two most promising dictionary sizes, about 12 hours on one H100.", "90.00", None, ""),
]  # fmt: skip


def _receipt(fmt: str, lines: list[str]):
    if fmt == "PDF":
        return SimpleUploadedFile("receipt.pdf", make_pdf(lines))
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]
    return SimpleUploadedFile(f"receipt.{ext}", make_image(lines, fmt))


def seed(demo) -> None:
    cohort, ops = demo.cohort, demo.operations
    people = {n: demo.participants[n - 1] for n in range(1, 9)}
    for n, description, estimate, approved, comment in TOP_UPS:
        owner = people[n]
        if TopUpRequest.objects.filter(
            cohort=cohort, owner=owner, description=description
        ).exists():
            continue
        top_up = services.request_top_up(
            cohort=cohort, owner=owner, description=description, estimate_usd=D(estimate)
        )
        if approved is not None:
            services.decide_top_up(
                top_up_id=top_up.pk, actor=demo.mentor, approved_usd=D(approved), comment=comment
            )
    for index, (
        n,
        vendor,
        category,
        description,
        amount,
        currency,
        usd,
        formats,
        fate,
    ) in enumerate(CLAIMS):
        owner = people[n]
        if Claim.objects.filter(
            cohort=cohort, owner=owner, vendor=vendor, description=description
        ).exists():
            continue
        spent_on = demo.today - timedelta(days=len(CLAIMS) - index)
        slug = vendor.lower().replace(" ", "-").replace("&", "and")
        checked = [
            replace(
                check_receipt(
                    _receipt(
                        fmt,
                        [
                            vendor,
                            f"Receipt {k + 1} for {owner.email}",
                            description[:60],
                            f"Total {amount} {currency}",
                        ],
                    )
                ),
                original_name=f"{slug}-receipt-{k + 1}.{fmt.lower().replace('jpeg', 'jpg')}",
            )
            for k, fmt in enumerate(formats)
        ]
        claim = services.create_claim(
            cohort=cohort,
            owner=owner,
            data={
                "spent_on": spent_on,
                "vendor": vendor,
                "category": category,
                "description": description,
                "amount": D(amount),
                "currency": currency,
                "amount_usd": D(usd),
            },
            checked_receipts=checked,
        )
        if fate == "draft":
            continue
        services.submit_claim(claim=claim, actor=owner)
        action, _, rest = fate.partition(":")
        if action == "approve" or action == "paid":
            services.approve_claim(
                claim_id=claim.pk, actor=ops, approved_usd=D(rest) if rest else None
            )
        if action == "paid":
            services.mark_claims_paid(cohort=cohort, claim_ids=[claim.pk], actor=ops)
        if action == "reject":
            services.reject_claim(claim_id=claim.pk, actor=ops, reason=rest)
        if action == "over":
            usd_text, _, reason = rest.partition(":")
            services.approve_claim(
                claim_id=claim.pk,
                actor=ops,
                approved_usd=D(usd_text),
                over_budget=True,
                over_budget_reason=reason,
            )
