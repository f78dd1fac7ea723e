"""The admin of what the cohort reads: resources, the FAQ and announcements."""

from django.contrib import admin, messages
from django.utils.html import format_html

from cohort.admin_scoping import (
    CohortScopedAdmin,
    ScopedTabularInline,
)
from cohort.models import (
    Announcement,
    FAQEntry,
    Resource,
    ResourceSection,
)
from cohort.notifications.admin_filters import SlackStateFilter
from cohort.notifications.queue import (
    delete_announcement,
    send_announcement_again,
)


class ResourceInline(ScopedTabularInline):
    model = Resource
    extra = 1
    fields = ["order", "title", "url", "description"]


@admin.register(ResourceSection)
class ResourceSectionAdmin(CohortScopedAdmin):
    list_display = ["title", "cohort", "order"]
    list_editable = ["order"]
    list_filter = ["cohort"]
    inlines = [ResourceInline]


@admin.register(FAQEntry)
class FAQEntryAdmin(CohortScopedAdmin):
    list_display = ["question", "cohort", "order"]
    list_editable = ["order"]
    list_filter = ["cohort"]
    search_fields = ["question", "answer"]


@admin.register(Announcement)
class AnnouncementAdmin(CohortScopedAdmin):
    list_display = ["title", "cohort", "channel", "published_at", "slack_state", "author"]
    list_filter = ["cohort", "channel", SlackStateFilter]
    search_fields = ["title", "body"]
    readonly_fields = [
        "author",
        "slack_state",
        "slack_link",
        "slack_error",
        "created_at",
        "updated_at",
    ]
    fields = ["cohort", "title", "body", "channel", "published_at", *readonly_fields]
    actions = ["send_again"]

    @admin.display(description="Slack message")
    def slack_link(self, obj):
        if obj.slack_permalink:
            return format_html('<a href="{}">{}</a>', obj.slack_permalink, obj.slack_permalink)
        return obj.slack_ts or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)  # the model's hook queues it for Slack

    def delete_model(self, request, obj):
        delete_announcement(announcement=obj)

    def delete_queryset(self, request, queryset):
        for announcement in queryset:
            delete_announcement(announcement=announcement)

    @admin.action(description="Send again to Slack (failed or not yet sent)")
    def send_again(self, request, queryset):
        sent = sum(send_announcement_again(announcement=a) for a in queryset)
        skipped = queryset.count() - sent
        messages.success(request, f"Queued {sent} for Slack.")
        if skipped:
            messages.info(
                request, f"{skipped} left alone: already posted, on their way, or not published."
            )
