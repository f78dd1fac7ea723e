from datetime import timedelta

from django import forms

from cohort.models import Role, User
from cohort.validation import BoundedForm, BoundedModelForm, date_window
from cohort.widgets import IsoDateInput
from sprints.models import Difficulty, Idea, IdeaKind, MiniProject


class IdeaFilterForm(BoundedForm):
    category = forms.ModelChoiceField(queryset=None, required=False, empty_label="All categories")
    difficulty = forms.ChoiceField(
        choices=[("", "Any difficulty"), *Difficulty.choices], required=False
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *IdeaKind.choices], required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def apply(self, ideas):
        if not self.is_valid():
            return ideas
        data = self.cleaned_data
        if data["category"]:
            ideas = ideas.filter(category=data["category"])
        if data["difficulty"]:
            ideas = ideas.filter(difficulty=data["difficulty"])
        if data["kind"]:
            # An idea suited to both shows under either kind.
            ideas = ideas.filter(kind__in=[data["kind"], IdeaKind.BOTH])
        return ideas


class MiniProjectForm(BoundedModelForm):
    result_url = forms.URLField(
        label="Link to the result", max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = MiniProject
        fields = ["title", "idea", "collaborators", "start_date", "days", "result_url", "takeaway"]
        widgets = {
            "start_date": IsoDateInput(),
            "collaborators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, cohort, author, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = Idea.objects.filter(cohort=cohort)
        self.fields["idea"].required = False
        self.fields["collaborators"].queryset = (
            User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
            .exclude(pk=author.pk)
            .order_by("name")
        )
        self.fields["collaborators"].help_text = "Others from the cohort who worked on it."
        self.fields["days"].widget.attrs.update(min=1, max=5)
        date_window(
            self.fields["start_date"],
            cohort.preparation_start,
            cohort.interview_end,
            f"A mini-project starts during the program, between "
            f"{cohort.preparation_start:%-d %b} and {cohort.interview_end:%-d %b %Y}.",
        )


class InviteForm(BoundedForm):
    partner = forms.ModelChoiceField(
        queryset=None, label="Invite by name", empty_label="Choose a participant"
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = candidates


class ProblemForm(BoundedForm):
    idea = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Choose an idea from the list",
        empty_label="None: we propose our own problem",
    )
    title = forms.CharField(max_length=200, required=False)
    question = forms.CharField(label="Research question", widget=forms.Textarea, required=False)
    why = forms.CharField(label="Why it matters", widget=forms.Textarea, required=False)
    plan = forms.CharField(widget=forms.Textarea, required=False)
    risks = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = ideas
        for name in ("question", "why", "plan", "risks"):
            self.fields[name].widget.attrs["rows"] = 3

    def clean(self):
        data = super().clean()
        if not data.get("idea"):
            missing = [f for f in ("title", "question", "why", "plan") if not data.get(f)]
            for name in missing:
                self.add_error(name, "A proposal needs this.")
        return data


class DateShiftForm(BoundedForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, members, cohort=None, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members, self.cohort, self.rules = members, cohort, rules
        for user, start, end in members:
            self.fields[f"start_{user.pk}"] = forms.DateField(
                label=f"{user.display_name}: new start",
                initial=start,
                widget=IsoDateInput(),
            )
            self.fields[f"end_{user.pk}"] = forms.DateField(
                label=f"{user.display_name}: new end",
                initial=end,
                widget=IsoDateInput(),
            )
        if members:
            # Near the sprint: three weeks either side of the current dates.
            first = min(start for _u, start, _e in members) - timedelta(days=21)
            last = max(end for _u, _s, end in members) + timedelta(days=21)
            for name, field in self.fields.items():
                if name != "reason":
                    date_window(
                        field,
                        first,
                        last,
                        f"Choose a date near the sprint, between {first:%-d %b} and "
                        f"{last:%-d %b %Y}.",
                    )
        self.order_fields([*(k for k in self.fields if k != "reason"), "reason"])

    def clean(self):
        """Each end checked beside its own field (the service checks all again, with the
        person-days the pair needs together)."""
        data = super().clean()
        if self.cohort is None:
            return data
        latest = self.cohort.sprint_end + timedelta(days=self.rules.max_days_late)
        for user, _start, _end in self.members:
            start, end = data.get(f"start_{user.pk}"), data.get(f"end_{user.pk}")
            if start and end and end < start:
                self.add_error(f"end_{user.pk}", "The end must be on or after the start.")
            elif end and end > latest:
                self.add_error(
                    f"end_{user.pk}",
                    f"{end:%-d %b} is more than {self.rules.max_days_late} days after the "
                    f"sprint's official end ({self.cohort.sprint_end:%-d %b}): the latest "
                    f"possible end is {latest:%-d %b}.",
                )
        return data

    def dates(self) -> dict:
        data = self.cleaned_data
        return {
            user.pk: (data[f"start_{user.pk}"], data[f"end_{user.pk}"])
            for user, _s, _e in self.members
        }


class WriteupForm(BoundedForm):
    writeup_url = forms.URLField(
        label="Link to your write-up", max_length=500, assume_scheme="https"
    )


class PublishSlotsForm(BoundedForm):
    cohort = forms.ModelChoiceField(queryset=None)
    kind = forms.ChoiceField(choices=[("dropin", "Drop-in"), ("interview", "Final interview")])
    day = forms.DateField(widget=IsoDateInput())
    start = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label="Minutes per slot", min_value=5, max_value=120, help_text="5-10 or 60-120."
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
