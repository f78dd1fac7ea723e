"""Sprint pairs: the changelist the mentor filters, and each pair's review page, which reads
like a review in pretalx: members (with their slides and goals answers), the problem with every
earlier round and the comments on it, date requests, bookings, then the mentor's TA, score,
notes and the decision on a pending problem, on one page."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cohort.admin.lists import CachedRowsMixin, QuickChangelistMixin
from cohort.admin_scoping import ReadOnlyInlineMixin, ScopedTabularInline, scope_queryset
from cohort.csv_export import csv_response
from cohort.models import Role
from sprints import queries, services
from sprints.admin._common import SprintsAdmin, approve_all, send_back_with_comment
from sprints.admin.problems import DECISIONS, check_decision
from sprints.models import (
    Booking,
    DateShiftRequest,
    IdeaCategory,
    Pair,
    PairMember,
    ProblemState,
    ProblemSubmission,
)
from sprints.services import SprintError


class PairMemberInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = PairMember
    fields = ["user", "email", "slot", "active", "slide", "goals"]
    readonly_fields = fields
    verbose_name_plural = "members"

    @admin.display(description="e-mail")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="slide")
    def slide(self, obj):
        url = reverse("participants:people", kwargs={"slug": obj.cohort.slug})
        return format_html('<a href="{}#person-{}">Slide</a>', url, obj.user_id)

    @admin.display(description="goals answer")
    def goals(self, obj):
        url = reverse("admin:participants_goalsanswer_changelist")
        query = urlencode({"q": obj.user.email})
        return format_html('<a href="{}?{}">Goals answer</a>', url, query)


class ProblemRoundInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = ProblemSubmission
    fields = ["round", "title", "idea", "question", "state", "mentor_comment", "submitted_at"]
    readonly_fields = fields
    ordering = ["-round"]
    show_change_link = True
    verbose_name_plural = "research problem, every round (newest first)"


class DateShiftInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = DateShiftRequest
    fields = ["state", "dates", "reason", "created_at"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "alternative dates requests"

    @admin.display(description="dates")
    def dates(self, obj):
        return "; ".join(
            f"{e.user}: {e.start_date:%-d %b} to {e.end_date:%-d %b}" for e in obj.entries.all()
        )


class BookingInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Booking
    fields = ["slot", "kind", "booked_by", "cancelled_at"]
    readonly_fields = fields


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
        categories = IdeaCategory.objects.order_by("order", "name")
        if not request.user.is_superuser:
            categories = scope_queryset(categories, model_admin.managed_cohort_ids(request))
        return [("own", "Own proposal"), *((str(c.pk), c.name) for c in categories)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "own":
            return queryset.filter(
                current_problem__isnull=False, current_problem__idea__isnull=True
            )
        if value and value.isdigit():
            return queryset.filter(current_problem__idea__category_id=int(value))
        return queryset


class PairReviewForm(forms.ModelForm):
    writeup_url = forms.URLField(
        label="Write-up link", max_length=500, required=False, assume_scheme="https"
    )
    decision = forms.ChoiceField(
        label="Decision on the pending problem", choices=DECISIONS, required=False
    )
    comment = forms.CharField(
        label="Comment to the pair",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed to send back; the pair sees it on its sprint page.",
    )

    class Meta:
        model = Pair
        fields = ["ta", "score", "review_note", "help_publish", "writeup_url"]
        labels = {"ta": "TA"}

    def clean(self):
        data = super().clean()
        if data.get("decision"):
            problem = self.instance.current_problem
            check_decision(self, problem.state if problem else None, data)
        return data


CSV_HEADER = [
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


@admin.register(Pair)
class PairAdmin(CachedRowsMixin, QuickChangelistMixin, SprintsAdmin):
    form = PairReviewForm
    # Members' and TAs' names (people); pairs, their members and problems (pairs); the
    # category filter's choices (ideas).
    list_topics = ("people", "pairs", "ideas")
    list_display = [
        "members_display",
        "ta",
        "problem_display",
        "problem_state",
        "score",
        "writeup_display",
        "state_display",
    ]
    list_filter = [
        PairStateFilter,
        ProblemStateFilter,
        ProblemCategoryFilter,
        "ta",
        "score",
        "help_publish",
    ]
    search_fields = [
        "members__user__name",
        "members__user__email",
        "current_problem__title",
    ]
    list_select_related = ["ta", "cohort", "current_problem__idea__category"]
    user_roles = {"ta": frozenset({Role.TA})}
    inlines = [PairMemberInline, ProblemRoundInline, DateShiftInline, BookingInline]
    readonly_fields = [
        "cohort",
        "is_solo",
        "problem_review",
        "sprint_dates_display",
        "writeup_link",
        "formed_at",
        "dissolved_at",
    ]
    fieldsets = [
        (None, {"fields": ["cohort", "is_solo", "sprint_dates_display"]}),
        ("Current problem", {"fields": ["problem_review", "decision", "comment"]}),
        ("Review", {"fields": ["ta", "score", "review_note", "help_publish"]}),
        ("Write-up", {"fields": ["writeup_link", "writeup_url"]}),
        ("History", {"fields": ["formed_at", "dissolved_at"], "classes": ["collapse"]}),
    ]
    actions = ["approve_problems", "send_back_problems", "export_csv", "dissolve_pairs"]

    # A round has at most 75 pairs: two pages at most, one count query (no "of N in all").
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        pairs = super().get_queryset(request)
        if self.rows_are_kept(request):
            return pairs
        return pairs.select_related(
            "ta", "cohort", "current_problem__idea__category"
        ).prefetch_related(
            # Unnamed, so that str(pair) (the admin's checkbox label) uses it too.
            Prefetch("members", queryset=PairMember.objects.select_related("user"))
        )

    # Pairs form on the sprint page, by invitation; the mentor dissolves them (members told).
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        decision = form.cleaned_data.get("decision")
        if decision and obj.current_problem:
            try:
                services.decide_problem(
                    submission=obj.current_problem,
                    approve=decision == "approve",
                    comment=form.cleaned_data.get("comment", ""),
                    by=request.user,
                )
            except SprintError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                done = "approved" if decision == "approve" else "sent back with your comment"
                self.message_user(request, f"The problem was {done}; the pair is told.")

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
        if obj.dissolved_at:
            return "Dissolved"
        return "Solo" if obj.is_solo else "Active"

    @admin.display(description="sprint dates")
    def sprint_dates_display(self, obj):
        return "; ".join(
            f"{d.user}: {d.start:%-d %b} to {d.end:%-d %b}{' (alternative)' if d.shifted else ''}"
            for d in queries.sprint_dates(obj)
        )

    @admin.display(description="problem")
    def problem_review(self, obj):
        problem = obj.current_problem
        if problem is None:
            return "Not chosen yet."
        parts = [
            ("Title", problem.title),
            ("State", problem.get_state_display()),
            ("From the ideas list", problem.idea.title if problem.idea else "No, their own"),
            ("Question", problem.question),
            ("Why", problem.why),
            ("Plan", problem.plan),
            ("Risks", problem.risks),
            ("Your last comment", problem.mentor_comment),
        ]
        parts = [(label, text) for label, text in parts if text]
        return format_html(
            '<dl class="pair-problem">{}</dl>',
            format_html_join(
                "", '<dt><strong>{}</strong></dt><dd style="white-space: pre-line">{}</dd>', parts
            ),
        )

    @admin.display(description="write-up")
    def writeup_link(self, obj):
        if not obj.writeup_url:
            return "Not shared yet."
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            obj.writeup_url,
            obj.writeup_url,
        )

    def _pending(self, queryset):
        return [
            p.current_problem
            for p in queryset
            if p.current_problem and p.current_problem.state == ProblemState.PENDING
        ]

    @admin.action(description="Approve the selected pairs' pending problems")
    def approve_problems(self, request, queryset):
        approve_all(self, request, self._pending(queryset))

    @admin.action(description="Send the selected pairs' pending problems back…")
    def send_back_problems(self, request, queryset):
        return send_back_with_comment(self, request, self._pending(queryset))

    @admin.action(description="Export the selected pairs as CSV")
    def export_csv(self, request, queryset):
        return csv_response("sprint-pairs.csv", CSV_HEADER, map(self._csv_row, queryset))

    def _csv_row(self, pair):
        problem = pair.current_problem
        category = problem.idea.category.name if problem and problem.idea else ""
        return [
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

    @admin.action(description="Dissolve the selected pairs (the members are told)")
    def dissolve_pairs(self, request, queryset):
        done = 0
        for pair in queryset.filter(dissolved_at__isnull=True):
            services.dissolve_pair(pair=pair, by=request.user, as_mentor=True)
            done += 1
        self.message_user(request, f"{done} pair(s) dissolved.", messages.SUCCESS)
