"""Compute money: each participant's budget, their reimbursement claims with private receipts,
top-up requests, and an append-only record of every change of state and amount."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.timezone import now

from cohort.models import Cohort

CENT = Decimal("0.01")


def money_field(verbose_name, **kwargs):
    """Dollars and cents: Decimal with two places, never float."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class ComputeBudget(models.Model):
    """One row per participant and cohort. Approvals lock it (SELECT ... FOR UPDATE) so that two
    decisions about the same person's money run one after the other."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="compute_budgets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compute_budgets"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="compute_budget_one_per_person")
        ]

    def __str__(self):
        return f"Compute budget of {self.user} in {self.cohort}"


class Category(models.TextChoices):
    GPU = "gpu", "GPU rental"
    API = "api", "Model API calls"
    SUBSCRIPTION = "subscription", "Tool subscriptions"
    OTHER = "other", "Other"


class Currency(models.TextChoices):
    USD = "USD", "US dollars"
    GBP = "GBP", "Pounds sterling"
    EUR = "EUR", "Euros"


class ClaimState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


# Claims whose approved amount counts against the budget.
SPENT_STATES = (ClaimState.APPROVED, ClaimState.PAID)


class Claim(models.Model):
    """A request to be reimbursed for compute bought by a participant, with its receipts."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="compute_claims")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compute_claims"
    )
    spent_on = models.DateField("date of purchase")
    vendor = models.CharField(max_length=120, help_text="Who you paid, e.g. the cloud provider.")
    category = models.CharField(max_length=16, choices=Category.choices)
    description = models.TextField(
        max_length=2000, help_text="What it was for, in a sentence or two."
    )
    amount = money_field(
        "amount paid", validators=[MinValueValidator(CENT)], help_text="As on the receipt."
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    amount_usd = money_field(
        "amount in USD",
        validators=[MinValueValidator(CENT)],
        help_text="Your conversion; operations may correct it when they approve.",
    )
    state = models.CharField(max_length=16, choices=ClaimState.choices, default=ClaimState.DRAFT)
    approved_usd = money_field("approved (USD)", null=True, blank=True)
    approved_over_budget = models.BooleanField(default=False)
    over_budget_reason = models.TextField(max_length=2000, blank=True)
    rejection_reason = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cohort", "owner", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(condition=Q(amount_usd__gt=0), name="claim_amount_usd_positive"),
            models.CheckConstraint(
                condition=Q(approved_usd__isnull=True) | Q(approved_usd__gt=0),
                name="claim_approved_positive",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=SPENT_STATES) | Q(approved_usd__isnull=False),
                name="claim_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SPENT_STATES) | Q(approved_usd__isnull=True),
                name="claim_amount_only_when_approved",
            ),
            models.CheckConstraint(
                condition=~Q(state=ClaimState.REJECTED) & Q(rejection_reason="")
                | Q(state=ClaimState.REJECTED) & ~Q(rejection_reason=""),
                name="claim_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(approved_over_budget=False) | ~Q(over_budget_reason=""),
                name="claim_over_budget_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=ClaimState.PAID) | Q(paid_at__isnull=False),
                name="claim_paid_has_date",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values), name="claim_currency_known"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="claim_category_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ClaimState.values), name="claim_state_known"
            ),
        ]

    def __str__(self):
        return f"Claim #{self.pk}: {self.vendor} ({self.amount_usd} USD)"

    def get_absolute_url(self):
        return reverse("compute:claim", kwargs={"slug": self.cohort.slug, "pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == ClaimState.DRAFT

    @property
    def counted_usd(self) -> Decimal | None:
        """What this claim takes from the budget: the approved amount once approved."""
        return self.approved_usd if self.state in SPENT_STATES else None


class ReceiptKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG image"
    PNG = "png", "PNG image"
    WEBP = "webp", "WebP image"


class Receipt(models.Model):
    """A receipt file of a claim. The file lives in the "private" storage with a generated name;
    only `compute.views.receipt` reads it, after checking who is asking."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="receipts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compute_receipts"
    )
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=ReceiptKind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice from one person is a duplicate claim in the making.
            models.UniqueConstraint(fields=["owner", "sha256"], name="receipt_unique_per_owner"),
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=10 * 1024 * 1024), name="receipt_size_capped"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReceiptKind.values), name="receipt_kind_known"
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind != ReceiptKind.PDF


class TopUpState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved in full"
    PARTLY = "partly", "Approved in part"
    DECLINED = "declined", "Declined"


class TopUpRequest(models.Model):
    """A participant's request for more budget; the approved amount is added to their budget."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="compute_top_ups")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compute_top_ups"
    )
    description = models.TextField(max_length=3000, help_text="The work the extra budget is for.")
    estimate_usd = money_field("cost estimate (USD)", validators=[MinValueValidator(CENT)])
    state = models.CharField(max_length=16, choices=TopUpState.choices, default=TopUpState.PENDING)
    approved_usd = money_field("approved (USD)", null=True, blank=True)
    comment = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "top-up request"
        constraints = [
            models.CheckConstraint(condition=Q(estimate_usd__gt=0), name="topup_estimate_positive"),
            models.CheckConstraint(
                condition=Q(state=TopUpState.PENDING, approved_usd__isnull=True)
                | Q(state=TopUpState.DECLINED, approved_usd=0)
                | Q(state=TopUpState.PARTLY, approved_usd__gt=0)
                | Q(state=TopUpState.APPROVED, approved_usd__gt=0),
                name="topup_state_matches_amount",
            ),
            models.CheckConstraint(
                condition=Q(approved_usd__isnull=True)
                | Q(approved_usd__lte=models.F("estimate_usd")),
                name="topup_approved_within_estimate",
            ),
        ]

    def __str__(self):
        return f"Top-up #{self.pk} for {self.owner}: {self.estimate_usd} USD"

    def get_absolute_url(self):
        return reverse("compute:top_up", kwargs={"slug": self.cohort.slug, "pk": self.pk})


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit entries are append-only.")

    def delete(self):
        raise TypeError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One change of a claim or top-up request: who, when, and each field's old and new value."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="compute_audit")
    # A claim or top-up with a history cannot be deleted (finance keeps it), not even through a
    # cascade: deleting a whole cohort or its finance records removes the trail first, through
    # compute.services.delete_audit_trail (cohort.deletion, the retention purge).
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    top_up = models.ForeignKey(
        TopUpRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    changes = models.JSONField(
        default=dict, help_text="Field name to [old, new], as text.", blank=True
    )
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, top_up__isnull=True)
                | Q(claim__isnull=True, top_up__isnull=False),
                name="audit_entry_about_one_thing",
            )
        ]

    def __str__(self):
        return f"{self.action} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit entries are append-only.")

    @property
    def change_list(self) -> list[tuple[str, str, str]]:
        """Each change as (the field's label, old, new), choices by their display names."""
        model = Claim if self.claim_id else TopUpRequest
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((name.replace("_", " ").capitalize(), old, new))
                continue
            if field.choices:
                names = {str(k): str(v) for k, v in field.flatchoices}
                old, new = names.get(old, old), names.get(new, new)
            rows.append((capfirst(str(field.verbose_name)), old, new))
        return rows
