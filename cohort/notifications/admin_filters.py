"""Admin list filters for the Slack domain's state, which lives in the outbox rows."""

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery

from cohort.models import POST_STATE_TO_DELIVERY, DeliveryState
from cohort.notifications.models import SlackMessage


class SlackStateFilter(admin.SimpleListFilter):
    """Announcements by the state of their latest Slack post."""

    title = "Slack state"
    parameter_name = "slack_state"

    def lookups(self, request, model_admin):
        return DeliveryState.choices

    def queryset(self, request, queryset):
        if self.value() not in DeliveryState.values:
            return queryset
        latest = (
            SlackMessage.objects.filter(announcement=OuterRef("pk"), kind=SlackMessage.Kind.POST)
            .order_by("-id")
            .values("state")[:1]
        )
        states = [row for row, state in POST_STATE_TO_DELIVERY.items() if state == self.value()]
        wanted = Q(latest_post_state__in=states)
        if self.value() == DeliveryState.NOT_SENT:
            wanted |= Q(latest_post_state__isnull=True)
        return queryset.annotate(latest_post_state=Subquery(latest)).filter(wanted)
