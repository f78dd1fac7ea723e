"""The finance export: one row per claim, amounts written exactly as stored (Decimal text)."""

import csv
from datetime import UTC

HEADER = [
    "claim id", "person", "e-mail", "date of purchase", "submitted", "decided", "paid",
    "vendor", "category", "description", "currency", "amount", "amount USD (claimed)",
    "approved USD", "state", "approver", "over budget reason", "rejection reason",
]  # fmt: skip

# Spreadsheets run cells that start with these as formulas; text from people is defused.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


def _moment(value) -> str:
    """UTC, so that finance sees one timezone whoever downloads the file."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def claim_row(claim) -> list[str]:
    return [
        str(claim.pk),
        _text(claim.owner.display_name),
        claim.owner.email,
        claim.spent_on.isoformat(),
        _moment(claim.submitted_at),
        _moment(claim.decided_at),
        _moment(claim.paid_at),
        _text(claim.vendor),
        claim.get_category_display(),
        _text(claim.description),
        claim.currency,
        str(claim.amount),
        str(claim.amount_usd),
        "" if claim.approved_usd is None else str(claim.approved_usd),
        claim.state,
        claim.decided_by.display_name if claim.decided_by else "",
        _text(claim.over_budget_reason),
        _text(claim.rejection_reason),
    ]


def write_claims_csv(claims, out) -> None:
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for claim in claims:
        writer.writerow(claim_row(claim))
