"""Every CSV export goes through cohort.csv_export: formulas defused, UTF-8 with a BOM."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from cohort.csv_export import BOM, safe_cell, write_rows
from compute.models import Claim
from participants.models import GoalsAnswer
from sprints.models import Selection

FORMULA = '=HYPERLINK("http://evil.example/x","click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Zoë Ørsted", "Zoë Ørsted"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_cell_defuses_formulas_only(value, written):
    assert safe_cell(value) == written


def test_write_rows_starts_with_a_bom_and_defuses_the_header_too():
    out = io.StringIO()

    write_rows(out, ["=name"], [["Zoë", "-1"]])

    assert out.getvalue() == f"{BOM}'=name\r\nZoë,'-1\r\n"


def _rows(response):
    body = response.content
    assert body.startswith(BOM.encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _export(client, url, ids, action="export_csv"):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: ids})


def test_pairs_export_defuses_a_formula_title(client, cohorts):
    from sprints.models import Pair

    a, _b = cohorts
    pair = a.row(Pair)
    pair.current_problem.title = FORMULA
    pair.current_problem.save()
    client.force_login(a.mentor)

    response = _export(client, reverse("admin:sprints_pair_changelist"), [pair.pk])

    rows = _rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[4] for row in rows[1:]] == [f"'{FORMULA}"]


def test_goals_export_defuses_formulas_and_keeps_accents(client, cohorts):
    a, _b = cohorts
    answer = a.row(GoalsAnswer)
    answer.hopes = FORMULA
    answer.save()
    user = answer.membership.user
    user.name = "Zoë Ørsted"
    user.save()
    client.force_login(a.mentor)

    response = _export(client, reverse("admin:participants_goalsanswer_changelist"), [answer.pk])

    rows = _rows(response)
    assert rows[1][0] == "Zoë Ørsted"
    assert rows[1][rows[0].index("hopes")] == f"'{FORMULA}"


def test_selection_export_defuses_a_formula_referral(client, cohorts):
    a, _b = cohorts
    selection = a.row(Selection)
    selection.referred_to = "@cmd"
    selection.save()
    client.force_login(a.mentor)

    response = _export(client, reverse("admin:sprints_selection_changelist"), [selection.pk])

    assert _rows(response)[1:] == [
        [
            selection.user.display_name,
            selection.user.email,
            "Undecided",
            "'@cmd",
            "",
        ]
    ]


def test_claims_export_in_the_admin_defuses_a_formula_vendor(client, cohorts):
    a, _b = cohorts
    claim = a.row(Claim)
    Claim.objects.filter(pk=claim.pk).update(vendor=FORMULA)
    client.force_login(a.operations)

    response = _export(client, reverse("admin:compute_claim_changelist"), [claim.pk])

    rows = _rows(response)
    assert rows[1][rows[0].index("vendor")] == f"'{FORMULA}"


def test_claims_export_for_finance_defuses_a_formula_vendor(client, cohorts):
    a, _b = cohorts
    claim = a.row(Claim)
    Claim.objects.filter(pk=claim.pk).update(vendor=FORMULA)
    client.force_login(a.operations)

    response = client.get(reverse("compute:review_export", kwargs={"slug": a.cohort.slug}))

    rows = _rows(response)
    assert [row[rows[0].index("vendor")] for row in rows[1:]] == [f"'{FORMULA}"]
