"""The compute app's part of a person's data download, and the deletion of a closed cohort's
finance records once finance's period is over."""

from django.db.models import Q

from cohort.models import Cohort, User
from cohort.personal_data import ExportPart, PersonalFile, delete_files, rows, safe_archive_name
from compute import services
from compute.models import AuditEntry, Claim, ComputeBudget, Receipt, TopUpRequest


def export(user: User) -> ExportPart:
    own_receipts = Receipt.objects.filter(owner=user)
    files = [
        PersonalFile(
            storage="private",
            name=receipt.stored_name,
            archive_name=(
                f"receipts/claim-{receipt.claim_id}-{receipt.pk}-"
                f"{safe_archive_name(receipt.original_name)}"
            ),
        )
        for receipt in own_receipts
    ]
    return ExportPart(
        data={
            "budgets": rows(ComputeBudget.objects.filter(user=user)),
            "claims": rows(Claim.objects.filter(owner=user)),
            "receipts": rows(own_receipts, exclude=["stored_name"]),
            "top_up_requests": rows(TopUpRequest.objects.filter(owner=user)),
            "audit_trail": rows(
                AuditEntry.objects.filter(Q(claim__owner=user) | Q(top_up__owner=user))
            ),
        },
        files=files,
    )


def purge_finance(cohort: Cohort) -> dict[str, int]:
    """Claims, their receipts (rows and files), top-ups, budgets and the audit trail."""
    audit = services.delete_audit_trail(cohort=cohort)["audit entries"]
    cohort_receipts = Receipt.objects.filter(claim__cohort=cohort)
    names = list(cohort_receipts.values_list("stored_name", flat=True))
    _, receipt_rows = cohort_receipts.delete()
    delete_files("private", names)
    _, claims = Claim.objects.filter(cohort=cohort).delete()
    _, top_ups = TopUpRequest.objects.filter(cohort=cohort).delete()
    _, budgets = ComputeBudget.objects.filter(cohort=cohort).delete()
    return {
        "audit entries": audit,
        "receipts": receipt_rows.get(Receipt._meta.label, 0),
        "claims": claims.get(Claim._meta.label, 0),
        "top-up requests": top_ups.get(TopUpRequest._meta.label, 0),
        "budgets": budgets.get(ComputeBudget._meta.label, 0),
    }
