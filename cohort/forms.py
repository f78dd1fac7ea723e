from allauth.account.forms import SignupForm
from django import forms
from django.shortcuts import redirect

from cohort.adapters import NOT_INVITED
from cohort.models import Cohort, NotificationPreference, Role
from cohort.services import invitation_for_signup, parse_email_list, send_invitation
from cohort.validation import BoundedForm, BoundedFormMixin, BoundedModelForm


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


class NotificationPreferenceForm(BoundedModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["slack_direct_messages", "reminders", "daily_digest"]
