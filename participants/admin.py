from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from cohort.admin import CohortScopedAdmin
from cohort.admin_scoping import ReadOnlyInlineMixin, ScopedTabularInline
from cohort.csv_export import csv_response
from cohort.models import Cohort, Membership, Role
from participants import services
from participants.models import (
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Withdrawal,
)

PARTICIPANTS = frozenset({Role.PARTICIPANT})
HELPERS = frozenset({Role.TA, Role.MENTOR})


class ParticipantsAdmin(CohortScopedAdmin):
    admin_capability = "manage_participants"


@admin.register(Profile)
class ProfileAdmin(ParticipantsAdmin):
    list_display = ["person", "cohort", "complete", "hidden_from_gallery", "updated_at"]
    list_filter = ["membership__cohort", "hidden_from_gallery", "membership__role"]
    search_fields = ["membership__user__name", "membership__user__email", "interests"]
    list_select_related = ["membership__user", "membership__cohort"]
    readonly_fields = ["membership", "updated_at"]

    @admin.display(ordering="membership__user__name")
    def person(self, obj):
        return obj.membership.user

    @admin.display(ordering="membership__cohort")
    def cohort(self, obj):
        return obj.membership.cohort

    @admin.display(boolean=True)
    def complete(self, obj):
        return obj.is_complete

    # A slide is the participant's own: the mentor may hide it from the gallery, not remove it.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GoalsStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("on_time", "Submitted on time"),
            ("late", "Submitted late"),
            ("missing", "Not submitted"),
            ("draft", "Draft only"),
            ("reopened", "Reopened by the mentor"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "on_time":
            return queryset.filter(submitted_at__isnull=False, is_late=False)
        if value == "late":
            return queryset.filter(is_late=True)
        if value == "missing":
            return queryset.filter(submitted_at__isnull=True)
        if value == "draft":
            return queryset.filter(submitted_at__isnull=True, draft_saved_at__isnull=False)
        if value == "reopened":
            return queryset.filter(reopened_at__isnull=False)
        return queryset


CSV_COLUMNS = [
    ("name", lambda a: a.membership.user.display_name),
    ("email", lambda a: a.membership.user.email),
    ("state", lambda a: GoalsAnswerAdmin.state(a)),
    ("submitted_at", lambda a: a.submitted_at.isoformat() if a.submitted_at else ""),
    ("hours_per_week", lambda a: a.hours_per_week or ""),
    ("experience", lambda a: a.get_experience_display() if a.experience else ""),
    ("wants_partner", lambda a: a.get_wants_partner_display() if a.wants_partner else ""),
    ("hopes", lambda a: a.hopes),
    ("topics", lambda a: a.topics),
    ("sprint_hopes", lambda a: a.sprint_hopes),
]


@admin.register(GoalsAnswer)
class GoalsAnswerAdmin(ParticipantsAdmin):
    """Every participant's goals answer; people who never opened the form appear here too,
    added with "Add goals answer" when the mentor reopens the form for them."""

    list_display = [
        "person",
        "state",
        "submitted_at",
        "hours_per_week",
        "experience",
        "wants_partner",
    ]
    list_filter = ["membership__cohort", GoalsStateFilter, "experience", "wants_partner"]
    search_fields = ["membership__user__name", "membership__user__email", "hopes", "topics"]
    list_select_related = ["membership__user", "membership__cohort"]
    actions = ["reopen", "close_again", "export_csv"]
    readonly_fields = [
        "hopes",
        "hours_per_week",
        "experience",
        "topics",
        "wants_partner",
        "sprint_hopes",
        "submitted_at",
        "is_late",
        "draft",
        "draft_saved_at",
        "reopened_at",
        "reopened_by",
    ]

    @admin.display(ordering="membership__user__name")
    def person(self, obj):
        return obj.membership.user

    @staticmethod
    @admin.display(description="state")
    def state(obj):
        if obj.submitted_at:
            return "late" if obj.is_late else "on time"
        return "draft" if obj.draft_saved_at else "not submitted"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["membership", *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "membership":
            kwargs["queryset"] = Membership.objects.filter(role=Role.PARTICIPANT).select_related(
                "user", "cohort"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Adding a row is how the mentor reopens the form for someone who never started it.
        if not change:
            services.reopen_goals(membership=obj.membership, by=request.user)
            obj.pk = GoalsAnswer.objects.get(membership=obj.membership).pk
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Reopen the goals form for the selected people (late submission)")
    def reopen(self, request, queryset):
        for answer in queryset.select_related("membership"):
            services.reopen_goals(membership=answer.membership, by=request.user)
        messages.success(request, f"Reopened for {queryset.count()} people.")

    @admin.action(description="Close the goals form again for the selected people")
    def close_again(self, request, queryset):
        for answer in queryset.select_related("membership"):
            services.close_goals(membership=answer.membership)
        messages.success(request, f"Closed again for {queryset.count()} people.")

    @admin.action(description="Export the selected answers as CSV")
    def export_csv(self, request, queryset):
        answers = queryset.select_related("membership__user").order_by("membership__user__name")
        return csv_response(
            f"goals-{timezone.now():%Y%m%d}.csv",
            [name for name, _ in CSV_COLUMNS],
            ([get(answer) for _, get in CSV_COLUMNS] for answer in answers),
        )

    # Answers are the participant's own; the mentor reopens or closes the form instead.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Withdrawal)
class WithdrawalAdmin(ParticipantsAdmin):
    list_display = ["person", "scope", "withdrawn_at", "reversed_at", "reversed_by"]
    list_filter = ["membership__cohort", "scope", ("reversed_at", admin.EmptyFieldListFilter)]
    search_fields = ["membership__user__name", "membership__user__email", "reason"]
    list_select_related = ["membership__user", "reversed_by"]
    readonly_fields = [
        "membership",
        "scope",
        "reason",
        "withdrawn_at",
        "reversed_at",
        "reversed_by",
    ]
    actions = ["reverse"]

    @admin.display(ordering="membership__user__name")
    def person(self, obj):
        return obj.membership.user

    @admin.action(description="Reverse the selected withdrawals")
    def reverse(self, request, queryset):
        count = 0
        for withdrawal in queryset.filter(reversed_at__isnull=True):
            services.reverse_withdrawal(withdrawal=withdrawal, by=request.user)
            count += 1
        messages.success(request, f"Reversed {count} withdrawals.")

    # Participants withdraw on their own page; the mentor reverses (the record stays).
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InterestInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = PartnerInterest
    fields = ["user", "note", "created_at"]
    readonly_fields = fields


@admin.register(PartnerEntry)
class PartnerEntryAdmin(ParticipantsAdmin):
    list_display = ["user", "cohort", "interests", "available_from", "available_to", "updated_at"]
    list_filter = ["cohort"]
    search_fields = ["user__name", "user__email", "interests", "want_to_work_on"]
    list_select_related = ["user", "cohort"]
    autocomplete_fields = ["user"]
    user_roles = {"user": PARTICIPANTS}
    inlines = [InterestInline]

    # Off the board through the service, as when the participant leaves it themselves.
    def delete_model(self, request, obj):
        services.remove_from_partner_board(cohort=obj.cohort, users=[obj.user])

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("cohort", "user"):
            self.delete_model(request, entry)


@admin.register(PairingTopic)
class PairingTopicAdmin(ParticipantsAdmin):
    list_display = ["title", "owner", "kind", "cohort", "created_at"]
    list_filter = ["cohort", "kind"]
    search_fields = ["title", "owner__name", "owner__email"]
    autocomplete_fields = ["owner"]

    def delete_model(self, request, obj):
        services.remove_pairing_topic(topic=obj)

    def delete_queryset(self, request, queryset):
        for topic in queryset:
            services.remove_pairing_topic(topic=topic)


class SpreadForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none())
    rebalance = forms.BooleanField(
        required=False,
        label="Deal everyone out afresh",
        help_text="Unticked, only people without a TA are given one.",
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class TAAssignmentForm(forms.ModelForm):
    class Meta:
        model = TAAssignment
        fields = ["cohort", "participant", "ta"]

    def clean(self):
        data = super().clean()
        cohort, participant, ta = data.get("cohort"), data.get("participant"), data.get("ta")
        if cohort and participant and ta:
            roles = dict(
                Membership.objects.filter(cohort=cohort, user__in=[participant, ta]).values_list(
                    "user_id", "role"
                )
            )
            if roles.get(participant.pk) != Role.PARTICIPANT:
                self.add_error("participant", "Not a participant of this cohort.")
            if roles.get(ta.pk) != Role.TA:
                self.add_error("ta", "Not a TA of this cohort.")
        return data


@admin.register(TAAssignment)
class TAAssignmentAdmin(ParticipantsAdmin):
    list_display = ["participant", "ta", "cohort", "assigned_at"]
    list_filter = ["cohort", "ta"]
    search_fields = ["participant__name", "participant__email", "ta__name", "ta__email"]
    list_select_related = ["participant", "ta", "cohort"]
    autocomplete_fields = ["participant", "ta"]
    user_roles = {"participant": PARTICIPANTS, "ta": frozenset({Role.TA})}
    readonly_fields = ["assigned_at"]
    change_list_template = "admin/participants/taassignment/change_list.html"

    form = TAAssignmentForm

    def save_model(self, request, obj, form, change):
        assignment = services.assign_ta(cohort=obj.cohort, participant=obj.participant, ta=obj.ta)
        obj.pk = assignment.pk

    def get_urls(self):
        urls = [
            path(
                "spread/",
                self.admin_site.admin_view(self.spread_view),
                name="participants_taassignment_spread",
            )
        ]
        return urls + super().get_urls()

    def spread_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        cohorts = Cohort.objects.all()
        if not request.user.is_superuser:
            cohorts = cohorts.filter(pk__in=self.managed_cohort_ids(request))
        form = SpreadForm(request.POST or None, cohorts=cohorts)
        if request.method == "POST" and form.is_valid():
            changed = services.spread_participants_evenly(
                cohort=form.cleaned_data["cohort"], rebalance=form.cleaned_data["rebalance"]
            )
            messages.success(request, f"Assigned {len(changed)} participants to TAs.")
            return redirect(reverse("admin:participants_taassignment_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Spread participants evenly across TAs",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/participants/taassignment/spread.html", context)


class CommentInline(ScopedTabularInline):
    model = HelpComment
    extra = 0
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["author"]
    user_roles = {"author": frozenset(Role)}


@admin.register(HelpRequest)
class HelpRequestAdmin(ParticipantsAdmin):
    list_display = ["topic", "requester", "urgency", "state", "claimed_by", "created_at"]
    list_filter = ["cohort", "state", "urgency"]
    search_fields = ["topic", "requester__name", "requester__email"]
    list_select_related = ["requester", "claimed_by"]
    autocomplete_fields = ["requester", "claimed_by"]
    user_roles = {"requester": PARTICIPANTS, "claimed_by": HELPERS}
    inlines = [CommentInline]

    # A request is the participant's; TAs resolve it (the thread stays for the record).
    def has_delete_permission(self, request, obj=None):
        return False
