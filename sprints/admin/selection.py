"""The research-phase selection: at most the cohort's places, referrals to named mentors."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone

from cohort.csv_export import csv_response
from cohort.models import Role
from sprints import services
from sprints.admin._common import SprintsAdmin
from sprints.models import Decision, Selection
from sprints.services import SelectionFull


class SelectionForm(forms.ModelForm):
    class Meta:
        model = Selection
        fields = ["cohort", "user", "decision", "referred_to", "note"]

    def clean(self):
        data = super().clean()
        cohort, decision = data.get("cohort"), data.get("decision")
        if decision == Decision.REFERRED and not data.get("referred_to", "").strip():
            self.add_error("referred_to", "Name the mentor the participant is referred to.")
        if cohort and decision == Decision.SELECTED:
            already = self.instance.pk and self.instance.decision == Decision.SELECTED
            taken = Selection.objects.filter(cohort=cohort, decision=Decision.SELECTED).count()
            if not already and taken >= cohort.research_places:
                raise forms.ValidationError(services.selection_full_message(cohort))
        return data


@admin.register(Selection)
class SelectionAdmin(SprintsAdmin):
    form = SelectionForm
    list_display = ["user", "decision", "referred_to", "decided_at", "cohort"]
    list_filter = ["decision", "cohort"]
    search_fields = ["user__name", "user__email", "referred_to"]
    list_select_related = ["user", "cohort"]
    autocomplete_fields = ["user"]
    user_roles = {"user": frozenset({Role.PARTICIPANT})}
    readonly_fields = ["decided_at"]
    actions = ["export_csv"]

    def save_model(self, request, obj, form, change):
        # Through the service, which locks the cohort so concurrent saves cannot pass the cap.
        saved = services.decide_selection(
            cohort=obj.cohort,
            user=obj.user,
            decision=obj.decision,
            referred_to=obj.referred_to,
            note=obj.note,
        )
        obj.pk, obj.decided_at = saved.pk, saved.decided_at

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except SelectionFull as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # A decision is changed (to "Undecided" if need be), not deleted.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Export the selected decisions as CSV")
    def export_csv(self, request, queryset):
        rows = (
            [s.user.display_name, s.user.email, s.get_decision_display(), s.referred_to, s.note]
            for s in queryset.select_related("user").order_by("decision", "user__name")
        )
        return csv_response(
            f"selection-{timezone.localdate():%Y%m%d}.csv",
            ["name", "email", "decision", "referred to", "note"],
            rows,
        )
