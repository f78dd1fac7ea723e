"""Alternative sprint dates: the rules (sprint settings) and the pairs' requests."""

from django.contrib import admin, messages

from cohort.admin_scoping import ReadOnlyInlineMixin, ScopedTabularInline
from sprints import services
from sprints.admin._common import SprintsAdmin
from sprints.models import DateShiftEntry, DateShiftRequest, RequestState, SprintSettings


@admin.register(SprintSettings)
class SprintSettingsAdmin(SprintsAdmin):
    list_display = ["cohort", "min_person_days", "max_days_late", "max_future_dropins"]

    # One row per cohort, made with it.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


class DateShiftEntryInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = DateShiftEntry
    fields = ["user", "start_date", "end_date"]
    readonly_fields = fields


@admin.register(DateShiftRequest)
class DateShiftRequestAdmin(SprintsAdmin):
    list_display = ["pair", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["pair__members__user__name", "pair__members__user__email"]
    readonly_fields = ["pair", "state", "reason", "requested_by", "created_at", "decided_at"]
    inlines = [DateShiftEntryInline]
    actions = ["approve", "decline"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pair__members__user")

    # Pairs ask on their sprint page; the mentor decides here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve):
        done = 0
        for req in queryset.filter(state=RequestState.PENDING):
            services.decide_alternative_dates(request=req, approve=approve)
            done += 1
        self.message_user(request, f"{done} request(s) decided.", messages.SUCCESS)

    @admin.action(description="Approve the selected requests")
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Decline the selected requests")
    def decline(self, request, queryset):
        self._decide(request, queryset, False)
