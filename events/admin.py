from django.contrib import admin, messages
from django.utils.html import format_html

from cohort.admin import CohortScopedAdmin
from cohort.admin_scoping import ScopedTabularInline
from cohort.models import Role
from events import services
from events.models import Attendance, Event, LightningSlot, RecordingOptOut

PARTICIPANTS = frozenset({Role.PARTICIPANT})


class EventsAdmin(CohortScopedAdmin):
    admin_capability = "manage_events"


class LightningSlotInline(ScopedTabularInline):
    model = LightningSlot
    extra = 0
    fields = ["number", "starts_at", "speaker", "partner", "talk_title", "taken_at"]
    readonly_fields = ["number", "starts_at", "taken_at"]
    autocomplete_fields = ["speaker", "partner"]
    user_roles = {"speaker": PARTICIPANTS, "partner": PARTICIPANTS}
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # slots follow the round's start and end


@admin.register(Event)
class EventAdmin(EventsAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "host",
        "cancelled",
        "sync_state",
        "short_sync_error",
    ]
    list_filter = ["cohort", "kind", "cancelled", "recorded", "sync_state"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    list_select_related = ["host", "cohort"]
    autocomplete_fields = ["host"]
    user_roles = {"host": frozenset({Role.MENTOR, Role.TA})}
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

    # Events change the calendar through the services (cancel, re-activate), never vanish.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Google event id")
    def google_id(self, obj):
        return obj.google_event_id if obj.pk else "-"

    @admin.display(description="last error")
    def short_sync_error(self, obj):
        if not obj.sync_error:
            return ""
        return format_html('<span title="{}">{}</span>', obj.sync_error, obj.sync_error[:40])

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
class RecordingOptOutAdmin(EventsAdmin):
    list_display = ["user", "event", "cohort", "created_at"]
    list_filter = ["cohort"]
    list_select_related = ["user", "event", "cohort"]
    autocomplete_fields = ["user", "event"]
    search_fields = ["user__name", "user__email", "event__title"]


@admin.register(Attendance)
class AttendanceAdmin(EventsAdmin):
    list_display = ["user", "event", "marked_by", "created_at"]
    list_filter = ["event__cohort", "event__kind", "event"]
    list_select_related = ["user", "event", "marked_by"]
    autocomplete_fields = ["user", "event", "marked_by"]
    user_roles = {"user": PARTICIPANTS, "marked_by": frozenset({Role.MENTOR, Role.TA})}
    search_fields = ["user__name", "user__email", "event__title"]
