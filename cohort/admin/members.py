"""The admin of people, cohorts, memberships and invitations."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cohort.admin_scoping import (
    USER_FIELD_ROLES,
    CohortScopedAdmin,
    CohortScopedMixin,
    members_of,
    scope_queryset,
    scoped_list_filter,
)
from cohort.deletion import delete_cohort
from cohort.forms import BulkInvitationForm
from cohort.models import (
    Cohort,
    Invitation,
    Membership,
    User,
)
from cohort.reminding import resend_invitations
from cohort.services import invite_people, refresh_staff_status


@admin.register(User)
class UserAdmin(CohortScopedMixin, BaseUserAdmin):
    """People: superusers manage accounts; mentors and operations see (and choose, through the
    autocomplete fields of other pages) only the members of their own cohorts."""

    admin_capability = "choose_people"
    ordering = ["name", "email"]
    list_display = ["email", "name", "is_staff", "last_login"]
    list_filter = ["memberships__role", "memberships__cohort", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["name", "timezone"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_queryset(queryset, self.managed_cohort_ids(request))

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": ["email", "name", "timezone"]})]

    def get_list_filter(self, request):
        return [scoped_list_filter(self.model, item) for item in super().get_list_filter(request)]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # An autocomplete answer for a field that takes only some roles (a pair's TA: TAs).
        source = f"{request.GET.get('app_label', '')}.{request.GET.get('model_name', '')}"
        roles = USER_FIELD_ROLES.get((source, request.GET.get("field_name", "")))
        if roles is not None and request.path.endswith("/autocomplete/"):
            members = Membership.objects.filter(role__in=roles)
            if not request.user.is_superuser:
                members = members.filter(cohort__in=self.managed_cohort_ids(request))
            queryset = queryset.filter(pk__in=members.values("user"))
        return queryset, may_have_duplicates

    def has_module_permission(self, request):
        return self.may_manage(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return self.may_manage(request)
        return members_of(self.managed_cohort_ids(request)).filter(pk=obj.pk).exists()

    # Accounts come from invitations; only superusers edit them directly.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Cohort)
class CohortAdmin(CohortScopedAdmin):
    cohort_path = "pk"
    list_display = ["name", "slug", "preparation_start", "sprint_start", "sprint_end", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "timezone"]}),
        (
            "Dates",
            {
                "fields": [
                    ("preparation_start", "preparation_end"),
                    "goals_form_due",
                    "partner_deadline",
                    ("sprint_start", "sprint_end"),
                    ("interview_start", "interview_end"),
                ]
            },
        ),
        ("Program", {"fields": ["compute_budget_usd", "research_places", "meeting_link"]}),
        (
            "Slack and Google Calendar",
            {
                "fields": [
                    "slack_channel_announcements",
                    "slack_channel_random",
                    "slack_channel_questions",
                    "slack_channel_research_updates",
                    "google_calendar_id",
                ]
            },
        ),
        # Issue 16: the mentor closes the cohort on its close page; these set its dates.
        (
            "Personal data",
            {"fields": ["personal_data_delete_on", "finance_retention_years"]},
        ),
    ]

    def has_add_permission(self, request):
        # A new round is set up by a superuser, who then invites its mentor.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # A cohort holding claims is not offered here (the compute admin deletes none); the command
    # `delete_cohort` is the way, through the same service.
    def delete_model(self, request, obj):
        delete_cohort(cohort=obj)

    def delete_queryset(self, request, queryset):
        for cohort in queryset:
            delete_cohort(cohort=cohort)


@admin.register(Membership)
class MembershipAdmin(CohortScopedAdmin):
    """Who holds which role. People join through invitations (so only a superuser adds a
    membership here); the mentor may change a member's role."""

    list_display = ["user", "role", "cohort", "joined_at"]
    list_filter = ["cohort", "role"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user", "cohort"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return ["cohort", "user", "joined_at"]
        return ["joined_at"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_staff_status(user=obj.user)

    def delete_model(self, request, obj):
        user = obj.user
        super().delete_model(request, obj)
        refresh_staff_status(user=user)

    def delete_queryset(self, request, queryset):
        users = [m.user for m in queryset.select_related("user")]
        super().delete_queryset(request, queryset)
        for user in users:
            refresh_staff_status(user=user)


@admin.register(Invitation)
class InvitationAdmin(CohortScopedAdmin):
    list_display = ["email", "role", "cohort", "created_at", "sent_at", "accepted_at"]
    list_filter = ["cohort", "role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    fields = ["cohort", "email", "role", "invited_by", "created_at", "sent_at", "accepted_at"]
    readonly_fields = ["invited_by", "created_at", "sent_at", "accepted_at"]
    change_list_template = "admin/cohort/invitation/change_list.html"
    actions = ["resend"]

    @admin.action(description="Send the invitation again (once a day each)")
    def resend(self, request, queryset):
        open_ones = queryset.filter(accepted_at__isnull=True).select_related("cohort")
        by_cohort: dict = {}
        for invitation in open_ones:
            by_cohort.setdefault(invitation.cohort, []).append(invitation.pk)
        for cohort, ids in by_cohort.items():
            result = resend_invitations(cohort=cohort, invitation_ids=ids, by=request.user)
            if result.sent:
                messages.success(request, f"Sent again to {', '.join(result.sent)}.")
            if result.already_today:
                messages.warning(
                    request, f"Already sent again today: {', '.join(result.already_today)}."
                )
        if not by_cohort:
            messages.warning(request, "Those people have signed up already: nothing to send.")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "cohort", "email"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        result = invite_people(
            cohort=obj.cohort, emails=[obj.email], role=obj.role, invited_by=request.user
        )
        if result.created:
            obj.pk = result.created[0].pk
        else:
            existing = Invitation.objects.get(cohort=obj.cohort, email=obj.email)
            obj.pk = existing.pk
            messages.warning(request, f"{obj.email} was invited to {obj.cohort} already.")

    def get_urls(self):
        urls = [
            path(
                "bulk/",
                self.admin_site.admin_view(self.bulk_invite_view),
                name="cohort_invitation_bulk",
            )
        ]
        return urls + super().get_urls()

    def bulk_invite_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        cohorts = Cohort.objects.all()
        if not request.user.is_superuser:
            cohorts = cohorts.filter(pk__in=self.managed_cohort_ids(request))
        form = BulkInvitationForm(request.POST or None, cohorts=cohorts)
        if request.method == "POST" and form.is_valid():
            result = invite_people(
                cohort=form.cleaned_data["cohort"],
                emails=form.cleaned_data["emails"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
            messages.success(request, f"Invited {len(result.created)} new people.")
            if result.already_invited:
                messages.info(
                    request,
                    f"Already invited, left as they were: {', '.join(result.already_invited)}.",
                )
            return redirect(reverse("admin:cohort_invitation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite a list of people",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cohort/invitation/bulk.html", context)
