from allauth.account.models import EmailAddress

from cohort.services import accept_pending_invitations


def accept_invitations_on_login(sender, request, user, **kwargs):
    """A person who logs in with a verified address joins every cohort it was invited to."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    for email in verified:
        accept_pending_invitations(user=user, email=email)
