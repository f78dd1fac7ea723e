"""The compute pages, one module a job: claims (the ledger, claims and their receipts), review
(operations' review of submitted claims), top_ups (top-up requests and their decisions)."""

from compute.views.claims import (
    claim_approve,
    claim_detail,
    claim_edit,
    claim_new,
    claim_reject,
    claim_submit,
    ledger,
    receipt,
    receipt_delete,
    receipt_inline,
    receipt_viewer,
)
from compute.views.review import (
    review,
    review_export,
    review_mark_paid,
)
from compute.views.top_ups import (
    top_up_decide,
    top_up_detail,
    top_up_new,
)

__all__ = [
    "claim_approve",
    "claim_detail",
    "claim_edit",
    "claim_new",
    "claim_reject",
    "claim_submit",
    "ledger",
    "receipt",
    "receipt_delete",
    "receipt_inline",
    "receipt_viewer",
    "review",
    "review_export",
    "review_mark_paid",
    "top_up_decide",
    "top_up_detail",
    "top_up_new",
]
