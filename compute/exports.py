"""The finance export: one row per claim, amounts written exactly as stored (Decimal text)."""

from datetime import UTC

from cohort.csv_export import write_rows

HEADER = [
    "claim id", "person", "e-mail", "date of purchase", "submitted", "decided", "paid",
    "vendor", "category", "description", "currency", "amount", "amount USD (claimed)",
    "approved USD", "state", "approver", "over budget reason", "rejection reason",
]  # fmt: skip


def _moment(value) -> str:
    """UTC, so that finance sees one timezone whoever downloads the file."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def claim_row(claim) -> list[str]:
    return [
        str(claim.pk),
        claim.owner.display_name,
        claim.owner.email,
        claim.spent_on.isoformat(),
        _moment(claim.submitted_at),
        _moment(claim.decided_at),
        _moment(claim.paid_at),
        claim.vendor,
        claim.get_category_display(),
        claim.description,
        claim.currency,
        str(claim.amount),
        str(claim.amount_usd),
        "" if claim.approved_usd is None else str(claim.approved_usd),
        claim.state,
        claim.decided_by.display_name if claim.decided_by else "",
        claim.over_budget_reason,
        claim.rejection_reason,
    ]


def write_claims_csv(claims, out) -> None:
    """Every cell through the shared writer, which defuses formulas (cohort.csv_export)."""
    write_rows(out, HEADER, (claim_row(claim) for claim in claims))
