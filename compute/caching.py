"""The claims review's cached parts (cohort/fragments.py): which changes make them stale.

The review's claims table and top-up lists show claims, their receipts, top-ups, the ledger
figures made of them, and their owners' names. Every such row is saved through the compute
services with save() (no update() or bulk_create()), so watching the models is enough; a
person's new name reaches the table through `fragments.watch_users`.
"""

from cohort import fragments

TOPIC = "compute"


def _cohort_of_receipt(receipt):
    from compute.models import Claim

    # The claim may be gone already (a cascade); its own deletion bumps the topic then.
    return Claim.objects.filter(pk=receipt.claim_id).values_list("cohort_id", flat=True).first()


def watch() -> None:
    from compute.models import Claim, Receipt, TopUpRequest

    fragments.watch(Claim, TOPIC)
    fragments.watch(TopUpRequest, TOPIC)
    fragments.watch(Receipt, TOPIC, cohort_of=_cohort_of_receipt)
    # A person's name or address shows in the table: every cohort of theirs is stale.
    fragments.watch_users(TOPIC, ignoring=("last_login", "password"))
