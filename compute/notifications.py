"""The compute app's notifications: one function per event. They land on the person's home
page through `cohort.services.notify`; the Slack work delivers them as direct messages."""

from cohort.services import notify
from compute.models import Claim, ClaimState, TopUpRequest, TopUpState


def notify_claim_decided(claim: Claim):
    """Tell a claim's owner it was approved (for how much) or rejected (and why)."""
    if claim.state == ClaimState.REJECTED:
        title = f"Your claim for {claim.vendor} was not approved"
        body = f"Reason: {claim.rejection_reason}"
    else:
        title = f"Your claim for {claim.vendor} was approved"
        body = f"{claim.approved_usd} USD approved"
        if claim.approved_usd != claim.amount_usd:
            body += f" (you claimed {claim.amount_usd} USD)"
        body += "."
    return notify(
        cohort=claim.cohort,
        user=claim.owner,
        kind="compute.claim_decided",
        title=title,
        body=body,
        url=claim.get_absolute_url(),
    )


def notify_top_up_decided(top_up: TopUpRequest):
    """Tell a top-up's requester how much of it was approved."""
    if top_up.state == TopUpState.DECLINED:
        title = "Your top-up request was declined"
        body = ""
    else:
        title = f"{top_up.approved_usd} USD added to your compute budget"
        body = f"You asked for {top_up.estimate_usd} USD."
    if top_up.comment:
        body = f"{body} {top_up.comment}".strip()
    return notify(
        cohort=top_up.cohort,
        user=top_up.owner,
        kind="compute.top_up_decided",
        title=title,
        body=body,
        url=top_up.get_absolute_url(),
    )
