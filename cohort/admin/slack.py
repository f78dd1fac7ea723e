"""The admin of the Slack outbox and of people's notifications."""

from django.contrib import admin, messages

from cohort.admin.readonly import ReadOnlyAdminMixin
from cohort.admin_scoping import (
    CohortScopedAdmin,
)
from cohort.models import (
    Notification,
    SlackMessage,
)
from cohort.notifications.queue import (
    send_again,
)


@admin.register(SlackMessage)
class SlackMessageAdmin(ReadOnlyAdminMixin, CohortScopedAdmin):
    """The Slack outbox: what was sent, what is waiting, what failed and why."""

    list_display = ["__str__", "cohort", "recipient", "channel", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind", "cohort"]
    search_fields = ["purpose", "recipient__email", "text", "last_error"]
    list_select_related = ["cohort", "recipient"]
    readonly_fields = [
        "marker",
        "kind",
        "purpose",
        "cohort",
        "recipient",
        "announcement",
        "parent",
        "channel",
        "state",
        "needs_check",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "ts",
        "last_error",
        "text",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["send_again"]

    @admin.action(description="Send again (failed messages only)")
    def send_again(self, request, queryset):
        sent = sum(send_again(message=m) for m in queryset)
        messages.success(request, f"Queued {sent} failed messages again.")


@admin.register(Notification)
class NotificationAdmin(CohortScopedAdmin):
    list_display = ["title", "user", "kind", "cohort", "created_at", "read_at"]
    list_filter = ["cohort", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "user__email", "user__name"]
    list_select_related = ["user", "cohort"]

    # A record of what people were told: readable, never rewritten.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
