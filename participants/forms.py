from django import forms

from cohort.models import TIMEZONE_CHOICES
from cohort.validation import BoundedForm, BoundedModelForm
from cohort.widgets import TimezoneInput
from participants.images import clean_photo
from participants.models import (
    Experience,
    GoalsAnswer,
    HelpRequest,
    PairingTopic,
    PartnerEntry,
    Profile,
    WantsPartner,
    WithdrawalScope,
    join_tags,
    split_tags,
)

HOUR_CHOICES = [(h, f"{h:02d}:00") for h in range(24)]
UNTIL_CHOICES = [(h, f"{h:02d}:00") for h in range(1, 25)]


class TagsField(forms.CharField):
    """Interests typed as a comma-separated list; stored as normalised tags."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault(
            "help_text", "Separate with commas, e.g. circuits, sparse autoencoders, probing."
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith(","):
            return ", ".join(t for t in value.split(",") if t)
        return value

    def clean(self, value):
        value = super().clean(value)
        tags = split_tags(value)
        if len(tags) > 12:
            raise forms.ValidationError("Up to 12 interests, please.")
        return join_tags(tags)


class ProfileForm(BoundedModelForm):
    name = forms.CharField(label="Display name", max_length=150)
    timezone = forms.ChoiceField(
        label="Your timezone",
        choices=TIMEZONE_CHOICES,
        widget=TimezoneInput(choices=TIMEZONE_CHOICES),
        error_messages={
            "invalid_choice": "“%(value)s” is not a timezone we know: type a city such as "
            "New York or Kolkata and pick it from the list."
        },
        help_text="Type a city (e.g. New York, Berlin, Kolkata) and pick it from the list. Times "
        "on the portal are shown in it, and others see it on your slide.",
    )
    interests = TagsField(label="Research interests", required=False)
    photo = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP, at most 5 MB and 4000 x 4000 pixels.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    github = forms.URLField(label="GitHub", required=False, assume_scheme="https")
    scholar = forms.URLField(label="Google Scholar", required=False, assume_scheme="https")

    class Meta:
        model = Profile
        fields = [
            "pronouns",
            "bio",
            "background",
            "interests",
            "website",
            "github",
            "scholar",
            "hidden_from_gallery",
        ]
        labels = {"hidden_from_gallery": "Hide my slide from the gallery and slideshow"}
        help_texts = {
            "pronouns": "Optional, e.g. she/her, they/them.",
            "bio": "Two or three sentences: who you are and what you're curious about.",
            "background": "Your studies or work so far.",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["name", "pronouns", "photo", "remove_photo", "timezone", "bio", "background"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = user.name
        self.fields["timezone"].initial = user.timezone

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return clean_photo(upload)

    def user_fields(self) -> dict:
        return {"name": self.cleaned_data["name"], "timezone": self.cleaned_data["timezone"]}

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IntroductionForm(BoundedForm):
    text = forms.CharField(
        label="Your introduction",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="A few lines to the cohort: where you are, what brought you here, what you'd "
        "like to find in others. Everyone in the cohort can read it.",
    )


class GoalsForm(BoundedModelForm):
    hours_per_week = forms.IntegerField(
        label="Hours per week you expect to give",
        min_value=1,
        max_value=80,
        help_text="During the preparation weeks; we suggest about 20.",
    )
    # A blank first choice: an unanswered question must not look like its first answer.
    experience = forms.ChoiceField(
        label="Your experience level", choices=[("", "Choose one"), *Experience.choices]
    )
    wants_partner = forms.ChoiceField(
        label="Would you like a sprint partner?",
        choices=[("", "Choose one"), *WantsPartner.choices],
    )

    class Meta:
        model = GoalsAnswer
        fields = [
            "hopes",
            "hours_per_week",
            "experience",
            "topics",
            "wants_partner",
            "sprint_hopes",
        ]
        widgets = {
            "hopes": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "sprint_hopes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hopes", "topics", "sprint_hopes"):
            self.fields[name].required = True


class WithdrawalForm(BoundedForm):
    scope = forms.ChoiceField(
        label="What are you withdrawing from?",
        choices=WithdrawalScope.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the mentor reads it.",
    )
    confirm = forms.BooleanField(label="Yes, I want to withdraw")


class PartnerEntryForm(BoundedModelForm):
    interests = TagsField(label="Interests")
    available_from = forms.TypedChoiceField(
        label="Available from", choices=HOUR_CHOICES, coerce=int, initial=9
    )
    available_to = forms.TypedChoiceField(
        label="Available until",
        choices=UNTIL_CHOICES,
        coerce=int,
        initial=17,
        help_text="Hours of the day in your own timezone. An end before the start runs past "
        "midnight.",
    )

    class Meta:
        model = PartnerEntry
        fields = [
            "want_to_work_on",
            "interests",
            "available_from",
            "available_to",
            "skills_offered",
            "skills_wanted",
        ]
        widgets = {
            "want_to_work_on": forms.Textarea(attrs={"rows": 3}),
            "skills_offered": forms.Textarea(attrs={"rows": 2}),
            "skills_wanted": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_to")
        if start is not None and end is not None and start % 24 == end % 24:
            raise forms.ValidationError("Choose a start and an end that differ.")
        return data


class InterestForm(BoundedForm):
    note = forms.CharField(
        label="A short note to them",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PairingTopicForm(BoundedModelForm):
    class Meta:
        model = PairingTopic
        fields = ["title", "kind", "details", "when"]
        labels = {"title": "What to pair on", "kind": "Kind", "when": "When suits you"}
        widgets = {"details": forms.Textarea(attrs={"rows": 2})}


class HelpRequestForm(BoundedModelForm):
    class Meta:
        model = HelpRequest
        fields = ["topic", "tried", "urgency"]
        labels = {"topic": "What do you need help with?", "urgency": "How urgent is it?"}
        widgets = {"tried": forms.Textarea(attrs={"rows": 4})}


class CommentForm(BoundedForm):
    body = forms.CharField(
        label="Comment", max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )
