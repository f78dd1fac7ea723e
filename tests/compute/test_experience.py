"""Claim form wording and history labels (issue 12)."""

from decimal import Decimal

from django.urls import reverse

from compute import services
from compute.models import Claim
from tests.factories.compute import ClaimFactory, make_receipt


def _url(cohort, name, **kwargs):
    return reverse(f"compute:{name}", kwargs={"slug": cohort.slug, **kwargs})


def _form(**overrides):
    data = {
        "spent_on": "2026-12-01",
        "vendor": "RunPod",
        "category": "gpu",
        "description": "Four hours of an A100.",
        "amount": "18.40",
        "currency": "USD",
        "amount_usd": "",
    }
    return {**data, **overrides}


def test_a_claim_in_usd_needs_no_second_amount(client, cohort, participant):
    client.force_login(participant)

    client.post(_url(cohort, "claim_new"), _form())

    assert list(Claim.objects.values_list("amount", "currency", "amount_usd")) == [
        (Decimal("18.40"), "USD", Decimal("18.40"))
    ]


def test_a_claim_in_another_currency_asks_for_usd_and_keeps_the_input(client, cohort, participant):
    client.force_login(participant)

    response = client.post(_url(cohort, "claim_new"), _form(currency="GBP", amount="15.00"))

    assert Claim.objects.count() == 0
    assert response.context["form"].errors == {
        "amount_usd": ["You paid in GBP: give the amount in USD too."]
    }
    html = response.content.decode()
    assert 'value="RunPod"' in html and 'value="15.00"' in html
    assert '<label for="id_amount_usd">The same amount in USD</label>' in html
    assert "Amount in USD" not in html


def test_claim_edit_shows_its_date_in_iso(client, cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    client.force_login(participant)

    html = client.get(_url(cohort, "claim_edit", pk=claim.pk)).content.decode()

    assert '<input type="date" name="spent_on" value="2026-02-10"' in html


def test_claim_history_names_fields_and_states_as_people_read_them(
    client, cohort, participant, operations
):
    claim = ClaimFactory(cohort=cohort, owner=participant)
    make_receipt(claim)
    services.submit_claim(claim=claim, actor=participant)
    services.approve_claim(claim_id=claim.pk, actor=operations, approved_usd=Decimal("35.00"))
    client.force_login(participant)

    response = client.get(_url(cohort, "claim", pk=claim.pk))

    # PostgreSQL's jsonb keeps no key order within one entry, hence the sets.
    changes = [set(entry.change_list) for entry in response.context["audit"]]
    assert changes == [
        {("State", "Draft", "Submitted")},
        {
            ("State", "Submitted", "Approved"),
            ("Approved (USD)", "", "35.00"),
            ("Amount in USD", "40.00", "35.00"),
        },
    ]
    html = response.content.decode()
    assert "approved_usd" not in html and "<code>" not in html
