from datetime import date

from allauth.account.forms import SignupForm
from django import forms
from django.shortcuts import redirect

from cohort.adapters import NOT_INVITED
from cohort.models import Cohort, Role
from cohort.services import invitation_for_signup, parse_email_list, send_invitation
from cohort.validation import (
    EARLIEST_DATE,
    LATEST_DATE,
    BoundedForm,
    BoundedFormMixin,
    DateWindowValidator,
)


class InvitedSignupForm(BoundedFormMixin, SignupForm):
    """allauth's sign-up form, refusing addresses that have not been invited."""

    name = forms.CharField(
        label="Your name", max_length=150, help_text="As you would like the cohort to see it."
    )
    field_order = ["name", "email", "password1", "password2"]

    def clean_email(self):
        email = super().clean_email()
        if email and invitation_for_signup(email) is None:
            raise forms.ValidationError(NOT_INVITED.format(email=email))
        return email

    def try_save(self, request):
        """Without the invitation link the address is not proven: create nothing, and send the
        link (again) to that address, so only its owner can go on."""
        email = (self.cleaned_data.get("email") or "").lower()
        linked = (request.session.get("invited_email") or "").lower() == email
        if email and not linked and not self.account_already_exists:
            invitation = invitation_for_signup(email)
            if invitation is not None:
                send_invitation(invitation=invitation)
            return None, redirect("account_email_verification_sent")
        return super().try_save(request)

    def save(self, request):
        user = super().save(request)
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
        return user


class BulkInvitationForm(BoundedForm):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none())
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
        help_text="Paste addresses separated by new lines, commas or spaces.",
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts

    def clean_emails(self):
        valid, invalid = parse_email_list(self.cleaned_data["emails"])
        if invalid:
            raise forms.ValidationError(
                "These are not e-mail addresses: %(bad)s. Nothing was sent; correct them and "
                "try again.",
                params={"bad": ", ".join(invalid)},
            )
        if not valid:
            raise forms.ValidationError("Paste at least one e-mail address.")
        return valid


class RemindForm(BoundedForm):
    """The people ticked on the work list: `u<user id>` for people, `i<invitation id>` for
    invitations still open. The service checks that each belongs to the cohort."""

    MAX_PEOPLE = 1000

    person = forms.MultipleChoiceField(
        error_messages={"required": "Tick at least one person to remind."}
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(key, key) for key in keys]
        self.fields["person"].error_messages["invalid_choice"] = (
            "Someone ticked is no longer on the list; reload the page and try again."
        )

    def user_ids(self) -> list[int]:
        return [int(k[1:]) for k in self.cleaned_data["person"] if k.startswith("u")]

    def invitation_ids(self) -> list[int]:
        return [int(k[1:]) for k in self.cleaned_data["person"] if k.startswith("i")]


class _DeleteOnWindow(DateWindowValidator):
    """The portal's date window, naming the reason when the day is far in the future."""

    def __call__(self, value):
        if isinstance(value, date) and value > self.last:
            raise forms.ValidationError(
                "Personal data cannot be kept longer than the finance records.",
                code="date_window",
            )
        super().__call__(value)


class CloseCohortForm(BoundedForm):
    delete_on = forms.DateField(
        validators=[_DeleteOnWindow(EARLIEST_DATE, LATEST_DATE)],
        label="Delete personal data on",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Photos, goals answers, introductions, board entries and Slack ids are "
        "deleted on this day.",
    )
    confirm = forms.BooleanField(
        label="I understand that closing cannot be undone here, and that the data listed is "
        "deleted for good on that day.",
    )
