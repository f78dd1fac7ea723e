from datetime import timedelta

from django import forms

from cohort.models import Role, User
from cohort.validation import BoundedForm, BoundedModelForm, date_window
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
            "start_date": forms.DateInput(attrs={"type": "date"}),
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

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for user, start, end in members:
            self.fields[f"start_{user.pk}"] = forms.DateField(
                label=f"{user.display_name}: new start",
                initial=start,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"end_{user.pk}"] = forms.DateField(
                label=f"{user.display_name}: new end",
                initial=end,
                widget=forms.DateInput(attrs={"type": "date"}),
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
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label="Minutes per slot", min_value=5, max_value=120, help_text="5-10 or 60-120."
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
