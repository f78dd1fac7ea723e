"""Personal data with an end: each member downloads everything the portal holds about them; a
closed cohort's personal data is deleted on its date and its finance records after finance's
period, each deletion recorded; other cohorts are never touched. Time is frozen."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from cohort.models import Cohort, RetentionRecord, Role, SlackAccount
from cohort.personal_data import apply_retention
from cohort.tasks import task_apply_retention
from compute.models import AuditEntry, Claim, Receipt
from participants.models import GoalsAnswer, PairingTopic, PartnerEntry, Profile
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.factories.compute import ClaimFactory, make_receipt
from tests.factories.participants import PairingTopicFactory, PartnerEntryFactory
from tests.participants.conftest import image_bytes

LONDON = ZoneInfo("Europe/London")
INTERVIEWS_END = date(2026, 3, 8)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _cohort(slug: str) -> Cohort:
    return CohortFactory(
        slug=slug,
        preparation_start=date(2026, 2, 2),
        preparation_end=date(2026, 2, 20),
        goals_form_due=date(2026, 2, 4),
        partner_deadline=date(2026, 2, 20),
        sprint_start=date(2026, 2, 23),
        sprint_end=date(2026, 3, 6),
        interview_start=date(2026, 3, 7),
        interview_end=INTERVIEWS_END,
    )


def _person_with_everything(cohort: Cohort, name: str, *, photo: bytes):
    """A participant with a photo, introduction, goals answer, board entries, a Slack id and a
    claim with a receipt and its audit trail."""
    user = UserFactory(name=name)
    membership = MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    profile, _ = Profile.objects.get_or_create(membership=membership)
    profile.photo.save("me.png", ContentFile(photo), save=False)
    profile.introduction = f"Hello, I am {name}."
    profile.save()
    GoalsAnswer.objects.update_or_create(
        membership=membership, defaults={"hopes": f"{name} hopes to learn probing."}
    )
    PartnerEntryFactory(cohort=cohort, user=user)
    PairingTopicFactory(cohort=cohort, owner=user)
    SlackAccount.objects.create(user=user, slack_user_id=f"U{user.pk:08d}")
    claim = ClaimFactory(cohort=cohort, owner=user)
    receipt = make_receipt(claim)
    AuditEntry.objects.create(cohort=cohort, claim=claim, actor=user, action="submitted")
    return user, profile, receipt


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- download ---------------------------------------------------------------------------------


def test_my_data_download_holds_my_rows_and_files_and_nobody_elses(client, db):
    cohort, other = _cohort("round-1"), _cohort("round-2")
    me, profile, receipt = _person_with_everything(cohort, "Pat Owner", photo=image_bytes("PNG"))
    _person_with_everything(cohort, "Quinn Classmate", photo=image_bytes("PNG", color=(1, 2, 3)))
    stranger, _, _ = _person_with_everything(other, "Sam Stranger", photo=image_bytes("JPEG"))
    client.force_login(me)

    response = client.get(reverse("cohort:my_data", kwargs={"slug": cohort.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = _zip(response)
    photo_name = "files/photos/round-1.png"
    receipt_name = f"files/receipts/claim-{receipt.claim_id}-{receipt.pk}-receipt.png"
    assert sorted(archive.namelist()) == sorted(["personal-data.json", photo_name, receipt_name])
    with storages["default"].open(profile.photo.name) as handle:
        assert archive.read(photo_name) == handle.read()
    with storages["private"].open(receipt.stored_name) as handle:
        assert archive.read(receipt_name) == handle.read()
    text = archive.read("personal-data.json").decode()
    document = json.loads(text)
    assert document["person"] == me.email
    assert [a["email"] for a in document["data"]["cohort"]["account"]] == [me.email]
    assert "password" not in document["data"]["cohort"]["account"][0]
    assert [g["hopes"] for g in document["data"]["participants"]["goals_answers"]] == [
        "Pat Owner hopes to learn probing."
    ]
    assert [c["id"] for c in document["data"]["compute"]["claims"]] == [receipt.claim_id]
    assert len(document["data"]["compute"]["audit_trail"]) == 1
    assert document["data"]["cohort"]["slack_account"][0]["slack_user_id"] == f"U{me.pk:08d}"
    assert sorted(document["data"]) == ["cohort", "compute", "events", "participants", "sprints"]
    for leak in ("Quinn Classmate", "Sam Stranger", stranger.email, "Quinn"):
        assert leak not in text


def test_my_data_download_of_a_mentor_without_claims_is_complete_and_small(client, db):
    cohort = _cohort("round-1")
    mentor = UserFactory(name="Maria Mentor")
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    client.force_login(mentor)

    response = client.get(reverse("cohort:my_data", kwargs={"slug": cohort.slug}))

    archive = _zip(response)
    assert archive.namelist() == ["personal-data.json"]
    document = json.loads(archive.read("personal-data.json"))
    assert [m["role"] for m in document["data"]["cohort"]["memberships"]] == ["mentor"]
    assert document["data"]["compute"]["claims"] == []


# --- closing ----------------------------------------------------------------------------------


def test_mentor_closes_the_cohort_with_the_default_date(client, db):
    cohort = _cohort("round-1")
    mentor = UserFactory()
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    client.force_login(mentor)
    url = reverse("cohort:close", kwargs={"slug": cohort.slug})

    page = client.get(url)
    response = client.post(url, {"delete_on": "2026-06-06", "confirm": "on"})

    assert 'value="2026-06-06"' in page.content.decode()  # 90 days after 8 March
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.closed_by, cohort.personal_data_due, cohort.finance_data_due) == (
        mentor,
        date(2026, 6, 6),
        date(2033, 3, 8),
    )


@pytest.mark.parametrize(
    ("delete_on", "message"),
    [
        ("2026-03-07", "Personal data can only be deleted after the interviews end."),
        ("9999-12-31", "Personal data cannot be kept longer than the finance records"),
        ("not a date", "Enter a valid date."),
        ("2026-06-06\x00", "Enter a valid date."),
    ],
)
def test_closing_with_a_bad_date_refuses_and_keeps_the_cohort_open(client, db, delete_on, message):
    cohort = _cohort("round-1")
    mentor = UserFactory()
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    client.force_login(mentor)

    response = client.post(
        reverse("cohort:close", kwargs={"slug": cohort.slug}),
        {"delete_on": delete_on, "confirm": "on"},
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.closed_at is None


def test_closing_twice_changes_nothing_the_second_time(client, db):
    cohort = _cohort("round-1")
    mentor = UserFactory()
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    client.force_login(mentor)
    url = reverse("cohort:close", kwargs={"slug": cohort.slug})
    client.post(url, {"delete_on": "2026-06-06", "confirm": "on"})

    client.post(url, {"delete_on": "2027-01-01", "confirm": "on"})

    cohort.refresh_from_db()
    assert cohort.personal_data_delete_on == date(2026, 6, 6)


def test_closing_without_confirming_refuses(client, db):
    cohort = _cohort("round-1")
    mentor = UserFactory()
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    client.force_login(mentor)

    response = client.post(
        reverse("cohort:close", kwargs={"slug": cohort.slug}), {"delete_on": "2026-06-06"}
    )

    assert response.status_code == 422
    cohort.refresh_from_db()
    assert cohort.closed_at is None


# --- retention --------------------------------------------------------------------------------


def _state(cohort: Cohort) -> dict:
    profiles = Profile.objects.filter(membership__cohort=cohort)
    return {
        "photos": profiles.exclude(photo="").count(),
        "introductions": profiles.exclude(introduction="").count(),
        "goals": GoalsAnswer.objects.filter(membership__cohort=cohort).count(),
        "partner": PartnerEntry.objects.filter(cohort=cohort).count(),
        "pairing": PairingTopic.objects.filter(cohort=cohort).count(),
        "slack": SlackAccount.objects.filter(user__memberships__cohort=cohort).count(),
        "claims": Claim.objects.filter(cohort=cohort).count(),
        "receipts": Receipt.objects.filter(claim__cohort=cohort).count(),
        "audit": AuditEntry.objects.filter(cohort=cohort).count(),
    }


def _files(alias: str) -> list[str]:
    _folders, files = storages[alias].listdir("photos" if alias == "default" else "receipts")
    return sorted(files)


@pytest.fixture
def two_cohorts(db):
    closed, open_ = _cohort("round-1"), _cohort("round-2")
    people = [
        _person_with_everything(closed, f"Closed {n}", photo=image_bytes("PNG", color=(n, 0, 0)))
        for n in range(2)
    ]
    others = [
        _person_with_everything(open_, f"Open {n}", photo=image_bytes("PNG", color=(0, n, 0)))
        for n in range(2)
    ]
    closed.closed_at = datetime(2026, 3, 9, 12, tzinfo=LONDON)
    closed.personal_data_delete_on = date(2026, 6, 6)
    closed.save()
    return closed, open_, people, others


EVERYTHING = {
    "photos": 2,
    "introductions": 2,
    "goals": 2,
    "partner": 2,
    "pairing": 2,
    "slack": 2,
    "claims": 2,
    "receipts": 2,
    "audit": 2,
}


def test_retention_before_the_date_deletes_nothing(two_cohorts):
    closed, open_, _, _ = two_cohorts

    with time_machine.travel(datetime(2026, 6, 5, 23, 59, tzinfo=LONDON), tick=False):
        records = apply_retention()

    assert records == []
    assert _state(closed) == EVERYTHING
    assert _state(open_) == EVERYTHING


def test_retention_on_the_date_deletes_personal_data_keeps_finance_and_records_it(
    two_cohorts, django_capture_on_commit_callbacks
):
    closed, open_, _people, others = two_cohorts
    kept_photos = sorted(p.photo.name.split("/")[1] for _, p, _ in others)
    moment = datetime(2026, 6, 6, 0, 5, tzinfo=LONDON)

    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task_apply_retention.delay()

    assert _state(closed) == {
        **EVERYTHING,
        "photos": 0,
        "introductions": 0,
        "goals": 0,
        "partner": 0,
        "pairing": 0,
        "slack": 0,
    }
    assert _state(open_) == EVERYTHING
    assert _files("default") == kept_photos
    assert len(_files("private")) == 4
    recorded = {
        (r.stage, r.what, r.count, r.at)
        for r in RetentionRecord.objects.filter(cohort=closed)
        if r.count
    }
    assert recorded == {
        ("personal", what, 2, moment)
        for what in (
            "photos",
            "introductions",
            "goals answers",
            "partner board entries",
            "pairing board topics",
            "Slack ids",
        )
    }
    assert RetentionRecord.objects.filter(cohort=open_).count() == 0


def test_retention_keeps_the_slack_id_of_someone_still_in_an_open_cohort(two_cohorts):
    _closed, open_, people, _ = two_cohorts
    both = people[0][0]
    MembershipFactory(cohort=open_, user=both, role=Role.PARTICIPANT)

    with time_machine.travel(datetime(2026, 6, 6, 9, tzinfo=LONDON), tick=False):
        apply_retention()

    assert list(SlackAccount.objects.filter(user__in=[p[0] for p in people])) == [
        both.slack_account
    ]


def test_retention_twice_deletes_and_records_once(two_cohorts):
    _closed, _, _, _ = two_cohorts

    with time_machine.travel(datetime(2026, 6, 7, 9, tzinfo=LONDON), tick=False):
        first = apply_retention()
        second = apply_retention()

    assert len(first) == RetentionRecord.objects.count()
    assert len(first) > 0
    assert second == []


def test_finance_records_go_after_seven_years_and_are_recorded(
    two_cohorts, django_capture_on_commit_callbacks
):
    closed, open_, _, others = two_cohorts
    with time_machine.travel(datetime(2026, 6, 6, 9, tzinfo=LONDON), tick=False):
        apply_retention()

    with time_machine.travel(datetime(2033, 3, 7, 23, 0, tzinfo=LONDON), tick=False):
        too_early = apply_retention()
    moment = datetime(2033, 3, 8, 0, 30, tzinfo=LONDON)
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        apply_retention()

    assert too_early == []
    assert {k: v for k, v in _state(closed).items() if k in ("claims", "receipts", "audit")} == {
        "claims": 0,
        "receipts": 0,
        "audit": 0,
    }
    assert _state(open_) == EVERYTHING
    assert _files("private") == sorted(r.stored_name.split("/")[1] for _, _, r in others)
    finance = {
        (r.what, r.count, r.at)
        for r in RetentionRecord.objects.filter(cohort=closed, stage="finance")
        if r.count
    }
    assert finance == {
        ("audit entries", 2, moment),
        ("receipts", 2, moment),
        ("claims", 2, moment),
    }


def test_an_open_cohort_long_past_its_dates_keeps_everything(two_cohorts):
    _, open_, _, _ = two_cohorts

    with time_machine.travel(datetime(2040, 1, 1, tzinfo=LONDON), tick=False):
        apply_retention()

    assert _state(open_) == EVERYTHING


def test_retention_runs_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["cohort-apply-retention"]

    assert entry == {"task": "cohort.tasks.task_apply_retention", "schedule": 3600.0}
    assert timedelta(seconds=entry["schedule"]) <= timedelta(days=1)
