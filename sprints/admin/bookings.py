"""Drop-in and interview slots the mentor publishes, and the pairs' bookings of them."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cohort.admin_scoping import ReadOnlyInlineMixin, ScopedTabularInline
from cohort.models import Cohort, Role
from sprints import services
from sprints.admin._common import SprintsAdmin
from sprints.forms import PublishSlotsForm
from sprints.models import Booking, Slot
from sprints.services import SprintError


class SlotBookingInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Booking
    fields = ["pair", "booked_by", "cancelled_at"]
    readonly_fields = fields


@admin.register(Slot)
class SlotAdmin(SprintsAdmin):
    list_display = ["starts_at", "ends_at", "kind", "host", "booked", "cohort"]
    list_filter = ["kind", "cohort"]
    search_fields = ["bookings__pair__members__user__name", "host__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["host", "cohort"]
    autocomplete_fields = ["host"]
    user_roles = {"host": frozenset({Role.MENTOR, Role.TA})}
    inlines = [SlotBookingInline]
    change_list_template = "admin/sprints/slot_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "bookings",
                    queryset=Booking.objects.filter(cancelled_at__isnull=True),
                    to_attr="live",
                )
            )
        )

    @admin.display(boolean=True)
    def booked(self, obj):
        return bool(obj.live)

    # A booked slot stays until the pair cancels its booking on the booking page.
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.bookings.filter(cancelled_at__isnull=True).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        extra = [
            path(
                "publish/",
                self.admin_site.admin_view(self.publish_view),
                name="sprints_slot_publish",
            )
        ]
        return extra + super().get_urls()

    def publish_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        cohorts = Cohort.objects.all()
        if not request.user.is_superuser:
            cohorts = cohorts.filter(pk__in=self.managed_cohort_ids(request))
        form = PublishSlotsForm(request.POST or None, cohorts=cohorts)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = services.publish_slots(
                    cohort=data["cohort"],
                    kind=data["kind"],
                    day=data["day"],
                    start=data["start"],
                    end=data["end"],
                    minutes=data["minutes"],
                    host=request.user,
                )
            except SprintError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{len(created)} slots published.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:sprints_slot_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish slots",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/sprints/publish_slots.html", context)


@admin.register(Booking)
class BookingAdmin(SprintsAdmin):
    list_display = ["slot", "pair", "kind", "booked_by", "cancelled_at"]
    list_filter = ["kind", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["pair__members__user__name", "pair__members__user__email"]
    readonly_fields = ["slot", "pair", "kind", "booked_by", "created_at", "cancelled_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("slot", "booked_by")
            .prefetch_related("pair__members__user")
        )

    # Pairs book and cancel on their booking page (no double booking is checked there).
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
