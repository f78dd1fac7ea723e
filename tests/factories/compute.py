import hashlib
from datetime import date
from decimal import Decimal

import factory

from compute import receipts
from compute.models import Claim, ClaimState, Receipt, ReceiptKind, TopUpRequest
from compute.samples import make_image
from tests.factories.cohort import CohortFactory, UserFactory


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    cohort = factory.SubFactory(CohortFactory)
    owner = factory.SubFactory(UserFactory)
    spent_on = date(2026, 2, 10)
    vendor = factory.Sequence(lambda n: f"Vendor {n}")
    category = "gpu"
    description = "GPU hours for an experiment."
    amount = Decimal("40.00")
    currency = "USD"
    amount_usd = Decimal("40.00")
    state = ClaimState.DRAFT


_receipt_numbers = iter(range(1, 10**9))


def make_receipt(claim, *, data: bytes | None = None, kind=ReceiptKind.PNG, write=True):
    """A receipt row for `claim`, with its file under PRIVATE_MEDIA_ROOT unless write=False."""
    data = data or make_image([f"Receipt {next(_receipt_numbers)}"])
    receipt = Receipt.objects.create(
        claim=claim,
        owner_id=claim.owner_id,
        stored_name=receipts.new_stored_name(kind),
        original_name=f"receipt.{receipts.EXTENSIONS[kind]}",
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    if write:
        receipts.write_file(receipt.stored_name, data)
    return receipt


class TopUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopUpRequest

    cohort = factory.SubFactory(CohortFactory)
    owner = factory.SubFactory(UserFactory)
    description = "More GPU hours for a longer sweep."
    estimate_usd = Decimal("100.00")
