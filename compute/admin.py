"""Compute in the admin: claims are decided through the same services as on the portal (so
every change is locked, checked and recorded); the audit trail is read-only."""

import io

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cohort.admin import CohortScopedAdmin, ReadOnlyAdminMixin
from cohort.admin.lists import CachedRowsMixin, QuickChangelistMixin
from cohort.admin_scoping import ReadOnlyInlineMixin, ScopedTabularInline
from compute import services
from compute.exports import write_claims_csv
from compute.forms import RejectForm
from compute.models import AuditEntry, Claim, ClaimState, ComputeBudget, Receipt, TopUpRequest


class ReadOnlyInline(ReadOnlyInlineMixin, ScopedTabularInline):
    """Shown to whoever may view the claim or top-up; never edited here."""


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = ["download", "kind", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="file")
    def download(self, receipt):
        url = reverse(
            "compute:receipt", kwargs={"slug": receipt.claim.cohort.slug, "pk": receipt.pk}
        )
        return format_html('<a href="{}">{}</a>', url, receipt.original_name)


class AuditInline(ReadOnlyInline):
    model = AuditEntry
    fk_name = "claim"
    fields = ["at", "actor", "action", "changes", "note"]
    readonly_fields = fields


class TopUpAuditInline(AuditInline):
    fk_name = "top_up"


def _report(modeladmin, request, done, errors, verb):
    if done:
        modeladmin.message_user(request, f"{verb} {done} claim{'s' if done != 1 else ''}.")
    for claim, error in errors:
        modeladmin.message_user(request, f"Claim #{claim.pk}: {error}", level=messages.ERROR)


@admin.register(Claim)
class ClaimAdmin(CachedRowsMixin, QuickChangelistMixin, ReadOnlyAdminMixin, CohortScopedAdmin):
    admin_capability = "review_compute"
    # Claims and their owners' names (compute/caching.py).
    list_topics = ("compute",)
    list_display = [
        "__str__",
        "owner",
        "category",
        "amount_display",
        "approved_usd",
        "state",
        "submitted_at",
    ]
    list_filter = ["state", "category", "currency", "cohort"]
    search_fields = ["vendor", "description", "owner__email", "owner__name"]
    list_select_related = ["owner", "cohort"]
    # 122 claims in a full round: five pages, one count query (no "of N in all").
    list_per_page = 25
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    inlines = [ReceiptInline, AuditInline]
    actions = ["approve_in_full", "reject", "mark_paid", "export_csv"]
    readonly_fields = [f.name for f in Claim._meta.fields]

    @admin.display(description="amount (USD)")
    def amount_display(self, claim):
        if claim.currency == "USD":
            return f"{claim.amount} USD"
        return f"{claim.amount} {claim.currency} ({claim.amount_usd} USD)"

    @admin.action(description="Approve selected claims in full (within budget)")
    def approve_in_full(self, request, queryset):
        done, errors = 0, []
        for claim in queryset.filter(state=ClaimState.SUBMITTED):
            try:
                services.approve_claim(claim_id=claim.pk, actor=request.user)
                done += 1
            except ValidationError as exc:
                errors.append((claim, " ".join(exc.messages)))
        _report(self, request, done, errors, "Approved")

    @admin.action(description="Reject selected claims (asks for a reason)")
    def reject(self, request, queryset):
        submitted = queryset.filter(state=ClaimState.SUBMITTED)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for claim in submitted:
                services.reject_claim(
                    claim_id=claim.pk, actor=request.user, reason=form.cleaned_data["reason"]
                )
                done += 1
            _report(self, request, done, [], "Rejected")
            return None
        return TemplateResponse(
            request,
            "admin/compute/reject_claims.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject claims",
                "claims": submitted,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Mark selected approved claims paid")
    def mark_paid(self, request, queryset):
        by_cohort: dict = {}
        for claim in queryset.filter(state=ClaimState.APPROVED).select_related("cohort"):
            by_cohort.setdefault(claim.cohort, []).append(claim.pk)
        done = sum(
            len(services.mark_claims_paid(cohort=cohort, claim_ids=ids, actor=request.user))
            for cohort, ids in by_cohort.items()
        )
        _report(self, request, done, [], "Marked paid")

    @admin.action(description="Export selected claims as CSV")
    def export_csv(self, request, queryset):
        out = io.StringIO()
        claims = queryset.select_related("owner", "decided_by").order_by("pk")
        write_claims_csv(claims, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="claims-{timezone.localdate().isoformat()}.csv"'
        )
        return response


@admin.register(TopUpRequest)
class TopUpRequestAdmin(ReadOnlyAdminMixin, CohortScopedAdmin):
    admin_capability = "review_compute"
    list_display = [
        "__str__",
        "owner",
        "estimate_usd",
        "approved_usd",
        "state",
        "created_at",
    ]
    list_filter = ["state", "cohort"]
    search_fields = ["description", "owner__email", "owner__name"]
    list_select_related = ["owner", "decided_by", "cohort"]
    readonly_fields = [f.name for f in TopUpRequest._meta.fields]
    inlines = [TopUpAuditInline]
    actions = ["approve_in_full"]

    @admin.action(description="Approve selected top-ups in full")
    def approve_in_full(self, request, queryset):
        done = 0
        for top_up in queryset.filter(state="pending"):
            services.decide_top_up(
                top_up_id=top_up.pk, actor=request.user, approved_usd=top_up.estimate_usd
            )
            done += 1
        self.message_user(request, f"Approved {done} top-up request{'s' if done != 1 else ''}.")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, CohortScopedAdmin):
    admin_capability = "review_compute"
    list_display = ["at", "actor", "action", "claim", "top_up"]
    list_filter = ["action", "cohort"]
    search_fields = ["claim__owner__name", "claim__owner__email", "top_up__owner__email"]
    list_select_related = ["actor", "claim", "top_up"]
    readonly_fields = ["cohort", "claim", "top_up", "actor", "action", "changes", "note", "at"]


@admin.register(ComputeBudget)
class ComputeBudgetAdmin(ReadOnlyAdminMixin, CohortScopedAdmin):
    admin_capability = "review_compute"
    list_display = ["user", "cohort", "created_at"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user", "cohort"]
    readonly_fields = ["cohort", "user", "created_at"]
