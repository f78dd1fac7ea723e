"""One function per sprint event that tells a person about it (home page, then Slack)."""

from django.urls import reverse

from cohort.services import notify


def _sprint_url(cohort) -> str:
    return reverse("sprints:sprint", kwargs={"slug": cohort.slug})


def notify_pair_invitation(invitation) -> None:
    """Tell the invited person that someone would like to sprint with them."""
    cohort = invitation.cohort
    via = " (suggested by the mentor)" if invitation.suggested_by_id else ""
    notify(
        cohort=cohort,
        user=invitation.to_user,
        kind="sprints.pair_invitation",
        title=f"{invitation.from_user.display_name} invites you to be sprint partners{via}",
        body="Accept or decline the invitation on your sprint page.",
        url=_sprint_url(cohort),
    )


def notify_problem_decided(submission, members) -> None:
    """Tell both members of a pair what the mentor decided about their research problem."""
    cohort = submission.pair.cohort
    if submission.state == "approved":
        title = f"Your research problem “{submission.title}” is approved"
    else:
        title = f"Your research problem “{submission.title}” was sent back"
    for user in members:
        notify(
            cohort=cohort,
            user=user,
            kind="sprints.problem_decided",
            title=title,
            body=submission.mentor_comment,
            url=_sprint_url(cohort),
        )


def notify_pair_dissolved(pair, user, by) -> None:
    """Tell the other member that their pair was dissolved and they are back on the board."""
    cohort = pair.cohort
    notify(
        cohort=cohort,
        user=user,
        kind="sprints.pair_dissolved",
        title=f"{by.display_name} dissolved your sprint pair",
        body="You can look for a new partner, or invite someone from your sprint page.",
        url=_sprint_url(cohort),
    )
