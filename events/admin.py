from django.contrib import admin, messages
from django.utils.html import format_html

from cohort.admin import CohortScopedAdmin
from cohort.models import Role, User
from events import services
from events.models import Attendance, Event, LightningSlot, RecordingOptOut


class LightningSlotInline(admin.TabularInline):
    model = LightningSlot
    extra = 0
    fields = ["number", "starts_at", "speaker", "partner", "talk_title", "taken_at"]
    readonly_fields = ["number", "starts_at", "taken_at"]
    raw_id_fields = ["speaker", "partner"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # slots follow the round's start and end


@admin.register(Event)
class EventAdmin(CohortScopedAdmin):
    admin_roles = frozenset({Role.MENTOR})
    list_display = [
        "title",
        "kind",
        "starts_at",
        "host",
        "recorded",
        "cancelled",
        "sync_state",
        "synced_at",
        "short_sync_error",
    ]
    list_filter = ["cohort", "kind", "cancelled", "sync_state"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    list_select_related = ["host", "cohort"]
    readonly_fields = ["sync_state", "synced_at", "sync_error", "meet_link", "google_id"]
    fieldsets = [
        (None, {"fields": ["cohort", "title", "kind", "description", ("starts_at", "ends_at")]}),
        ("Where and who", {"fields": ["location", "meet_link", "host", "optional"]}),
        ("Recording", {"fields": ["recorded", "recording_url"]}),
        ("Status", {"fields": ["cancelled"]}),
        ("Google Calendar", {"fields": ["sync_state", "synced_at", "sync_error", "google_id"]}),
    ]
    actions = ["duplicate_to_next_week", "sync_again", "cancel_events", "reactivate_events"]

    def get_inlines(self, request, obj):
        return [LightningSlotInline] if obj is not None and obj.is_lightning else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "host":
            people = User.objects.filter(memberships__role__in=[Role.MENTOR, Role.TA])
            if not request.user.is_superuser:
                people = people.filter(memberships__cohort__in=self._cohort_ids(request))
            kwargs["queryset"] = people.distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Google event id")
    def google_id(self, obj):
        return obj.google_event_id if obj.pk else "-"

    @admin.display(description="last error")
    def short_sync_error(self, obj):
        if not obj.sync_error:
            return ""
        return format_html('<span title="{}">{}</span>', obj.sync_error, obj.sync_error[:60])

    @admin.action(description="Duplicate to the next week")
    def duplicate_to_next_week(self, request, queryset):
        copies = [services.duplicate_to_next_week(event=event) for event in queryset]
        messages.success(request, f"Created {len(copies)} events a week later.")

    @admin.action(description="Sync again with Google Calendar")
    def sync_again(self, request, queryset):
        for event in queryset:
            services.request_sync(event=event)
        messages.success(request, f"Queued {queryset.count()} events for syncing.")

    @admin.action(description="Cancel (removed from Google Calendar)")
    def cancel_events(self, request, queryset):
        for event in queryset.filter(cancelled=False):
            services.set_cancelled(event=event, cancelled=True)
        messages.success(request, "Cancelled.")

    @admin.action(description="Re-activate (back in Google Calendar)")
    def reactivate_events(self, request, queryset):
        for event in queryset.filter(cancelled=True):
            services.set_cancelled(event=event, cancelled=False)
        messages.success(request, "Re-activated.")


@admin.register(RecordingOptOut)
class RecordingOptOutAdmin(CohortScopedAdmin):
    admin_roles = frozenset({Role.MENTOR})
    list_display = ["user", "event", "cohort", "created_at"]
    list_filter = ["cohort"]
    list_select_related = ["user", "event", "cohort"]
    raw_id_fields = ["user", "event"]


@admin.register(Attendance)
class AttendanceAdmin(CohortScopedAdmin):
    cohort_path = "event__cohort"
    admin_roles = frozenset({Role.MENTOR})
    list_display = ["user", "event", "marked_by", "created_at"]
    list_filter = ["event__cohort", "event"]
    list_select_related = ["user", "event", "marked_by"]
    raw_id_fields = ["user", "event", "marked_by"]
