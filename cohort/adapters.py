"""django-allauth adapters: only invited addresses may create an account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from cohort.services import invitation_for_signup

NOT_INVITED = (
    "This portal is by invitation only, and {email} has not been invited. "
    "Use the address your invitation was sent to, or ask the mentor to invite you."
)


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return reverse("cohort:landing")


class InvitationOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        """A Google sign-up is open only to a verified, invited address."""
        return any(
            address.verified and invitation_for_signup(address.email) is not None
            for address in sociallogin.email_addresses
        )
