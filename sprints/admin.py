"""The mentor's review of sprints in the Django admin, scoped to the mentor's cohorts."""

import csv

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cohort.admin import CohortScopedAdmin
from cohort.models import Cohort, Role, User
from sprints import queries, services
from sprints.forms import PublishSlotsForm
from sprints.models import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    Decision,
    Idea,
    IdeaCategory,
    MiniProject,
    Pair,
    PairMember,
    ProblemState,
    ProblemSubmission,
    RequestState,
    Selection,
    Slot,
    SprintSettings,
)
from sprints.services import SelectionFull, SprintError

MENTOR = frozenset({Role.MENTOR})


def _people_of(request, admin_obj, role):
    qs = User.objects.filter(memberships__role=role)
    if not request.user.is_superuser:
        qs = qs.filter(memberships__cohort__in=admin_obj._cohort_ids(request))
    return qs.distinct().order_by("name")


@admin.register(SprintSettings)
class SprintSettingsAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    list_display = ["cohort", "min_person_days", "max_days_late", "max_future_dropins"]


@admin.register(IdeaCategory)
class IdeaCategoryAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    list_display = ["name", "cohort", "order"]
    list_editable = ["order"]
    list_filter = ["cohort"]


@admin.register(Idea)
class IdeaAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    list_display = ["title", "category", "difficulty", "kind", "cohort"]
    list_filter = ["category", "difficulty", "kind", "cohort"]
    search_fields = ["title", "description"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category" and not request.user.is_superuser:
            kwargs["queryset"] = IdeaCategory.objects.filter(cohort__in=self._cohort_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MiniProject)
class MiniProjectAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "author", "start_date", "days", "cohort"]
    list_filter = ["cohort"]
    search_fields = ["title", "author__name", "author__email"]
    raw_id_fields = ["author", "collaborators", "idea"]


class PairMemberInline(admin.TabularInline):
    model = PairMember
    fields = ["user", "slot", "active"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProblemRoundInline(admin.TabularInline):
    model = ProblemSubmission
    fields = ["round", "title", "idea", "state", "mentor_comment", "submitted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "research problem rounds (open one to approve or send back)"

    def has_add_permission(self, request, obj=None):
        return False


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["slot", "kind", "booked_by", "cancelled_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DateShiftInline(admin.TabularInline):
    model = DateShiftRequest
    fields = ["state", "dates", "reason", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="dates")
    def dates(self, obj):
        return "; ".join(
            f"{e.user}: {e.start_date:%-d %b} to {e.end_date:%-d %b}" for e in obj.entries.all()
        )


class PairStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active pair"), ("solo", "Solo sprint"), ("dissolved", "Dissolved")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "active":
            return queryset.filter(dissolved_at__isnull=True, is_solo=False)
        if value == "solo":
            return queryset.filter(dissolved_at__isnull=True, is_solo=True)
        if value == "dissolved":
            return queryset.filter(dissolved_at__isnull=False)
        return queryset


class ProblemStateFilter(admin.SimpleListFilter):
    title = "problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("none", "Not chosen"), *ProblemState.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(current_problem__isnull=True)
        if value in ProblemState.values:
            return queryset.filter(current_problem__state=value)
        return queryset


class ProblemCategoryFilter(admin.SimpleListFilter):
    title = "problem category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        cats = IdeaCategory.objects.all()
        if not request.user.is_superuser:
            cats = cats.filter(cohort__in=model_admin._cohort_ids(request))
        return [("own", "Own proposal"), *((str(c.pk), c.name) for c in cats)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "own":
            return queryset.filter(
                current_problem__isnull=False, current_problem__idea__isnull=True
            )
        if value and value.isdigit():
            return queryset.filter(current_problem__idea__category_id=int(value))
        return queryset


class SendBackForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="The pair sees this on its sprint page."
    )


def _send_back(model_admin, request, submissions):
    """Ask for a comment, then send every selected pending proposal back with it."""
    form = SendBackForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for submission in submissions:
            try:
                services.decide_problem(
                    submission=submission,
                    approve=False,
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
                done += 1
            except SprintError as exc:
                model_admin.message_user(request, str(exc), messages.WARNING)
        model_admin.message_user(request, f"{done} proposal(s) sent back.", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/sprints/send_back.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Send proposals back",
            "form": form,
            "submissions": submissions,
            "ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "action": request.POST.get("action"),
            "opts": model_admin.model._meta,
        },
    )


def _approve(model_admin, request, submissions):
    done = 0
    for submission in submissions:
        try:
            services.decide_problem(submission=submission, approve=True, by=request.user)
            done += 1
        except SprintError as exc:
            model_admin.message_user(request, str(exc), messages.WARNING)
    model_admin.message_user(request, f"{done} problem(s) approved.", messages.SUCCESS)


@admin.register(Pair)
class PairAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "members_display",
        "is_solo",
        "ta",
        "problem_display",
        "problem_state",
        "score",
        "help_publish",
        "writeup_display",
        "state_display",
    ]
    list_filter = [PairStateFilter, ProblemStateFilter, ProblemCategoryFilter, "score", "cohort"]
    search_fields = ["members__user__name", "members__user__email"]
    list_select_related = ["ta", "cohort", "current_problem__idea__category"]
    inlines = [PairMemberInline, ProblemRoundInline, DateShiftInline, BookingInline]
    readonly_fields = [
        "cohort",
        "is_solo",
        "current_problem",
        "sprint_dates_display",
        "formed_at",
        "dissolved_at",
    ]
    fields = [
        "cohort",
        "is_solo",
        "ta",
        "current_problem",
        "sprint_dates_display",
        "writeup_url",
        "help_publish",
        "review_note",
        "score",
        "formed_at",
        "dissolved_at",
    ]
    actions = ["approve_problems", "send_back_problems", "export_csv", "dissolve_pairs"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("ta", "cohort", "current_problem__idea__category")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=PairMember.objects.filter(active=True).select_related("user"),
                    to_attr="active_members",
                ),
                # Unnamed, so that str(pair) (the admin's checkbox label) uses it too.
                Prefetch("members", queryset=PairMember.objects.select_related("user")),
            )
        )

    def has_add_permission(self, request):
        return False  # pairs form on the sprint page, by invitation

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ta":
            kwargs["queryset"] = _people_of(request, self, Role.TA)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="members")
    def members_display(self, obj):
        return " & ".join(m.user.display_name for m in obj.members.all()) or "—"

    @admin.display(description="problem")
    def problem_display(self, obj):
        return obj.current_problem.title if obj.current_problem else "—"

    @admin.display(description="problem state")
    def problem_state(self, obj):
        return obj.current_problem.get_state_display() if obj.current_problem else "Not chosen"

    @admin.display(description="write-up", boolean=True)
    def writeup_display(self, obj):
        return bool(obj.writeup_url)

    @admin.display(description="state")
    def state_display(self, obj):
        return "Dissolved" if obj.dissolved_at else "Active"

    @admin.display(description="sprint dates")
    def sprint_dates_display(self, obj):
        return "; ".join(
            f"{d.user}: {d.start:%-d %b} to {d.end:%-d %b}{' (alternative)' if d.shifted else ''}"
            for d in queries.sprint_dates(obj)
        )

    def _pending(self, queryset):
        return [
            p.current_problem
            for p in queryset
            if p.current_problem and p.current_problem.state == ProblemState.PENDING
        ]

    @admin.action(description="Approve the selected pairs' pending problems")
    def approve_problems(self, request, queryset):
        _approve(self, request, self._pending(queryset))

    @admin.action(description="Send the selected pairs' pending problems back…")
    def send_back_problems(self, request, queryset):
        return _send_back(self, request, self._pending(queryset))

    @admin.action(description="Export the selected pairs as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sprint-pairs.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "members",
                "solo",
                "state",
                "TA",
                "problem",
                "category",
                "problem state",
                "score",
                "help publish",
                "write-up",
            ]
        )
        for pair in queryset:
            problem = pair.current_problem
            category = problem.idea.category.name if problem and problem.idea else ""
            writer.writerow(
                [
                    self.members_display(pair),
                    "yes" if pair.is_solo else "no",
                    self.state_display(pair),
                    pair.ta.display_name if pair.ta else "",
                    problem.title if problem else "",
                    category or ("own proposal" if problem else ""),
                    problem.get_state_display() if problem else "",
                    pair.score or "",
                    "yes" if pair.help_publish else "no",
                    pair.writeup_url,
                ]
            )
        return response

    @admin.action(description="Dissolve the selected pairs (the members are told)")
    def dissolve_pairs(self, request, queryset):
        done = 0
        for pair in queryset.filter(dissolved_at__isnull=True):
            services.dissolve_pair(pair=pair, by=request.user, as_mentor=True)
            done += 1
        self.message_user(request, f"{done} pair(s) dissolved.", messages.SUCCESS)


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        choices=[("", "Keep as it is"), ("approve", "Approve"), ("send_back", "Send back")],
        required=False,
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed to send back; the pair sees it on its sprint page.",
    )

    class Meta:
        model = ProblemSubmission
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("decision") and self.instance.state != ProblemState.PENDING:
            raise forms.ValidationError("Only a pending proposal can be decided.")
        if data.get("decision") == "send_back" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what should change.")
        return data


@admin.register(ProblemSubmission)
class ProblemSubmissionAdmin(CohortScopedAdmin):
    cohort_path = "pair__cohort"
    admin_roles = MENTOR
    form = DecisionForm
    list_display = ["title", "pair", "round", "kind", "state", "submitted_at"]
    list_filter = ["state", "idea__category", "pair__cohort"]
    search_fields = ["title", "pair__members__user__name"]
    readonly_fields = [
        "pair",
        "round",
        "idea",
        "title",
        "question",
        "why",
        "plan",
        "risks",
        "state",
        "mentor_comment",
        "submitted_by",
        "submitted_at",
        "decided_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        ("Decision", {"fields": ["decision", "comment"]}),
    ]
    actions = ["approve", "send_back"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("pair", "idea")
            .prefetch_related("pair__members__user")
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="kind")
    def kind(self, obj):
        return "idea" if obj.idea_id else "proposal"

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision:
            services.decide_problem(
                submission=obj,
                approve=decision == "approve",
                comment=form.cleaned_data.get("comment", ""),
                by=request.user,
            )

    @admin.action(description="Approve the selected pending problems")
    def approve(self, request, queryset):
        _approve(self, request, list(queryset.filter(state=ProblemState.PENDING)))

    @admin.action(description="Send the selected pending problems back…")
    def send_back(self, request, queryset):
        return _send_back(self, request, list(queryset.filter(state=ProblemState.PENDING)))


class DateShiftEntryInline(admin.TabularInline):
    model = DateShiftEntry
    fields = ["user", "start_date", "end_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DateShiftRequest)
class DateShiftRequestAdmin(CohortScopedAdmin):
    cohort_path = "pair__cohort"
    admin_roles = MENTOR
    list_display = ["pair", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    readonly_fields = ["pair", "state", "reason", "requested_by", "created_at", "decided_at"]
    inlines = [DateShiftEntryInline]
    actions = ["approve", "decline"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pair__members__user")

    def has_add_permission(self, request):
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


class SlotBookingInline(BookingInline):
    fields = ["pair", "booked_by", "cancelled_at"]
    readonly_fields = fields


@admin.register(Slot)
class SlotAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    list_display = ["starts_at", "ends_at", "kind", "booked", "cohort"]
    list_filter = ["kind", "cohort"]
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
            cohorts = cohorts.filter(pk__in=self._cohort_ids(request))
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
class BookingAdmin(CohortScopedAdmin):
    cohort_path = "slot__cohort"
    admin_roles = MENTOR
    list_display = ["slot", "pair", "kind", "booked_by", "cancelled_at"]
    list_filter = ["kind"]
    readonly_fields = ["slot", "pair", "kind", "booked_by", "created_at", "cancelled_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("slot", "booked_by")
            .prefetch_related("pair__members__user")
        )

    def has_add_permission(self, request):
        return False


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
class SelectionAdmin(CohortScopedAdmin):
    admin_roles = MENTOR
    form = SelectionForm
    list_display = ["user", "decision", "referred_to", "decided_at", "cohort"]
    list_filter = ["decision", "cohort"]
    search_fields = ["user__name", "user__email"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _people_of(request, self, Role.PARTICIPANT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
