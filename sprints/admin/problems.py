"""Research problems: every round a pair submits, approved or sent back with a comment."""

from django import forms
from django.contrib import admin

from sprints import services
from sprints.admin._common import SprintsAdmin, approve_all, send_back_with_comment
from sprints.models import ProblemState, ProblemSubmission

DECISIONS = [("", "Keep as it is"), ("approve", "Approve"), ("send_back", "Send back")]


def check_decision(form, state, data) -> None:
    """The checks both decision forms (on a problem, on a pair) make before deciding."""
    if data.get("decision") and state != ProblemState.PENDING:
        form.add_error("decision", "Only a pending proposal can be decided.")
    if data.get("decision") == "send_back" and not data.get("comment", "").strip():
        form.add_error("comment", "Say what should change; the pair reads it.")


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(choices=DECISIONS, required=False)
    comment = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed to send back; the pair sees it on its sprint page.",
    )

    class Meta:
        model = ProblemSubmission
        fields = []

    def clean(self):
        data = super().clean()
        check_decision(self, self.instance.state, data)
        return data


@admin.register(ProblemSubmission)
class ProblemSubmissionAdmin(SprintsAdmin):
    form = DecisionForm
    list_display = ["title", "pair", "round", "kind", "state", "submitted_at"]
    list_filter = ["state", "idea__category", "pair__cohort"]
    search_fields = ["title", "pair__members__user__name", "pair__members__user__email"]
    readonly_fields = [
        "pair",
        "round",
        "idea",
        "title",
        "question",
        "why",
        "plan",
        "risks",
        "state",
        "mentor_comment",
        "submitted_by",
        "submitted_at",
        "decided_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        ("Decision", {"fields": ["decision", "comment"]}),
    ]
    actions = ["approve", "send_back"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("pair", "idea")
            .prefetch_related("pair__members__user")
        )

    # Pairs submit on their sprint page; every round is kept.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="kind")
    def kind(self, obj):
        return "idea" if obj.idea_id else "proposal"

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision:
            services.decide_problem(
                submission=obj,
                approve=decision == "approve",
                comment=form.cleaned_data.get("comment", ""),
                by=request.user,
            )

    @admin.action(description="Approve the selected pending problems")
    def approve(self, request, queryset):
        approve_all(self, request, list(queryset.filter(state=ProblemState.PENDING)))

    @admin.action(description="Send the selected pending problems back…")
    def send_back(self, request, queryset):
        return send_back_with_comment(
            self, request, list(queryset.filter(state=ProblemState.PENDING))
        )
