from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohort.validation import BoundedForm, BoundedModelForm, date_window
from cohort.widgets import IsoDateInput, PlainSelect
from compute.models import CENT, Category, Claim, ClaimState, Currency, Receipt, TopUpRequest
from compute.receipts import MAX_CLAIM_BYTES, MAX_RECEIPTS_PER_CLAIM, check_receipt


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReceiptsField(forms.FileField):
    """Several receipt files at once, each checked by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_RECEIPTS_PER_CLAIM:
            raise ValidationError(
                f"At most {MAX_RECEIPTS_PER_CLAIM} receipts per claim; {len(files)} were chosen."
            )
        if sum(upload.size or 0 for upload in files) > MAX_CLAIM_BYTES:
            raise ValidationError(
                f"A claim's receipts may add up to {MAX_CLAIM_BYTES // (1024 * 1024)} MB; "
                "choose fewer or smaller files."
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_receipt(upload))
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class ClaimForm(BoundedModelForm):
    receipts = ReceiptsField(
        label="Receipts",
        required=False,
        help_text="PDF, JPEG, PNG or WebP, at most 10 MB each; up to 10 receipts and 25 MB "
        "per claim.",
    )

    class Meta:
        model = Claim
        fields = [
            "spent_on",
            "vendor",
            "category",
            "description",
            "amount",
            "currency",
            "amount_usd",
        ]
        widgets = {
            "spent_on": IsoDateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
            "amount_usd": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.01", "data-hidden-when": "currency=USD"}
            ),
        }

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices
        today = timezone.localdate()
        date_window(
            self.fields["spent_on"],
            today - timedelta(days=366),
            today,
            "The purchase date must lie within the last year, and not in the future.",
        )
        # Paid in USD, the amount is the amount in USD: only another currency asks for it.
        usd = self.fields["amount_usd"]
        usd.required = False
        usd.label = "The same amount in USD"
        usd.help_text = (
            "Only when you paid in another currency: your conversion, which operations may "
            "correct when they approve."
        )

    def clean(self):
        data = super().clean()
        if data.get("currency") == Currency.USD and data.get("amount") is not None:
            data["amount_usd"] = data["amount"]
        elif data.get("currency") and data.get("amount_usd") is None:
            self.add_error(
                "amount_usd", f"You paid in {data['currency']}: give the amount in USD too."
            )
        return data

    def clean_receipts(self):
        checked = self.cleaned_data["receipts"]
        hashes = [item.sha256 for item in checked]
        known = set(
            Receipt.objects.filter(owner=self.owner, sha256__in=hashes).values_list(
                "sha256", flat=True
            )
        )
        errors = [
            f"{item.original_name}: you have uploaded this receipt before."
            for item in checked
            if item.sha256 in known
        ]
        if len(set(hashes)) != len(hashes):
            errors.append("The same file was chosen twice.")
        existing = list(self.instance.receipts.all()) if self.instance.pk else []
        if len(existing) + len(checked) > MAX_RECEIPTS_PER_CLAIM:
            errors.append(
                f"A claim holds at most {MAX_RECEIPTS_PER_CLAIM} receipts; this would make "
                f"{len(existing) + len(checked)}."
            )
        total = sum(r.size for r in existing) + sum(item.size for item in checked)
        if total > MAX_CLAIM_BYTES:
            errors.append(
                f"A claim's receipts may add up to {MAX_CLAIM_BYTES // (1024 * 1024)} MB; these "
                f"make {total / (1024 * 1024):.1f} MB."
            )
        if errors:
            raise ValidationError(errors)
        return checked


class TopUpForm(BoundedModelForm):
    class Meta:
        model = TopUpRequest
        fields = ["description", "estimate_usd"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "estimate_usd": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }


class ApproveForm(BoundedForm):
    approved_usd = forms.DecimalField(
        label="Approved amount (USD)",
        max_digits=10,
        decimal_places=2,
        min_value=CENT,
        help_text="Lower it if the receipt does not support the whole amount.",
    )
    over_budget = forms.BooleanField(
        label="Approve over budget",
        required=False,
        help_text="Only when this leaves the person's remaining budget below zero on purpose.",
    )
    over_budget_reason = forms.CharField(
        label="Why over budget", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label="Note (optional)", required=False)

    def clean(self):
        data = super().clean()
        if data.get("over_budget") and not (data.get("over_budget_reason") or "").strip():
            self.add_error("over_budget_reason", "Say why this claim is approved over budget.")
        return data


class RejectForm(BoundedForm):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The participant sees this.",
    )


class TopUpDecisionForm(BoundedForm):
    approved_usd = forms.DecimalField(
        label="Approved amount (USD)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text="The whole estimate, part of it, or 0 to decline.",
    )
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, top_up, **kwargs):
        self.top_up = top_up
        super().__init__(*args, **kwargs)
        self.fields["approved_usd"].validators.append(_at_most(top_up.estimate_usd))
        self.fields["approved_usd"].widget.attrs["max"] = str(top_up.estimate_usd)


def _at_most(limit):
    def check(value):
        if value > limit:
            raise ValidationError(f"At most the estimate of {limit} USD.")

    return check


class ReviewFilterForm(BoundedForm):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any")] + [c for c in ClaimState.choices if c[0] != ClaimState.DRAFT],
        widget=PlainSelect,
    )
    person = forms.TypedChoiceField(
        label="Person", required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "Any"), *Category.choices],
        widget=PlainSelect,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Anyone"), *people]
