from django import forms

from cohort.validation import BoundedForm
from events import queries


class TakeSlotForm(BoundedForm):
    talk_title = forms.CharField(label="Talk title", max_length=200)
    partner = forms.ModelChoiceField(
        label="Giving it with a partner? (optional)",
        queryset=None,
        required=False,
        empty_label="No, on my own",
    )

    def __init__(self, *args, cohort, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = queries.participants_of(cohort).exclude(pk=user.pk)
        self.fields["partner"].label_from_instance = lambda u: u.display_name


class AttendanceRegisterForm(BoundedForm):
    present = forms.ModelMultipleChoiceField(
        label="Who attended", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = queries.participants_of(cohort)
        self.fields["present"].label_from_instance = lambda u: u.display_name
