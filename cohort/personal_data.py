"""Personal data with an end: what each app holds about a person (for their download), and what
each app deletes when a closed cohort reaches its deletion dates.

The core knows no app: each app registers its part in its `ready()`:

    personal_data.register(
        "participants",
        export=lambda user: personal_data.ExportPart(...),
        purge_personal=lambda cohort: {"photos": 3, ...},   # on the cohort's personal date
        purge_finance=lambda cohort: {"claims": 12, ...},    # after finance's period
    )

Every deletion is recorded as a `RetentionRecord` (what, how many, when).
"""

import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core import serializers
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cohort import visitors
from cohort.models import Cohort, RetentionRecord, RetentionStage, SlackAccount, User

FORMAT = 1


@dataclass(frozen=True)
class PersonalFile:
    storage: str  # "default" or "private"
    name: str  # the stored name in that storage
    archive_name: str  # where it goes in the zip, under files/


@dataclass
class ExportPart:
    data: dict = field(default_factory=dict)
    files: list[PersonalFile] = field(default_factory=list)


Exporter = Callable[[User], ExportPart]
Purger = Callable[[Cohort], dict[str, int]]


@dataclass(frozen=True)
class Registration:
    export: Exporter | None
    purge_personal: Purger | None
    purge_finance: Purger | None


_registry: dict[str, Registration] = {}


def register(
    name: str,
    *,
    export: Exporter | None = None,
    purge_personal: Purger | None = None,
    purge_finance: Purger | None = None,
) -> None:
    _registry[name] = Registration(export, purge_personal, purge_finance)


def registered() -> dict[str, Registration]:
    return dict(_registry)


# --- Export -----------------------------------------------------------------------------------


def rows(queryset: models.QuerySet, *, exclude: Iterable[str] = ()) -> list[dict]:
    """The rows as plain dicts of their fields (foreign keys as ids), for the JSON file."""
    skipped = set(exclude)
    out = []
    for item in serializers.serialize("python", queryset.order_by("pk")):
        values = {k: v for k, v in item["fields"].items() if k not in skipped}
        out.append({"id": item["pk"], **values})
    return out


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_archive_name(name: str) -> str:
    cleaned = SAFE_NAME.sub("_", name).strip("._")
    return cleaned[:120] or "file"


def export_for(user: User) -> dict:
    """Everything the registered apps hold about `user`, and the files to go with it."""
    data: dict = {}
    files: list[PersonalFile] = []
    for name, registration in _registry.items():
        if registration.export is None:
            continue
        part = registration.export(user)
        data[name] = part.data
        files.extend(part.files)
    return {"data": data, "files": files}


def write_export(user: User, *, now: datetime | None = None) -> tempfile.SpooledTemporaryFile:
    """A zip with personal-data.json and the person's files; reads every app, writes nothing."""
    collected = export_for(user)
    document = {
        "format": FORMAT,
        "exported_at": (now or timezone.now()).isoformat(),
        "person": user.email,
        "data": collected["data"],
        "files": [],
    }
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - returned
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for item in collected["files"]:
            arcname = f"files/{item.archive_name}"
            if arcname in used:
                continue
            try:
                with storages[item.storage].open(item.name, "rb") as handle:
                    archive.writestr(arcname, handle.read())
            except FileNotFoundError:
                document["files"].append({"file": arcname, "missing": True})
                continue
            used.add(arcname)
            document["files"].append({"file": arcname})
        archive.writestr(
            "personal-data.json",
            json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        )
    spool.seek(0)
    return spool


def core_export(user: User) -> ExportPart:
    from cohort.models import (
        Invitation,
        Membership,
        Notification,
        NotificationPreference,
        ReminderSent,
        SlackMessage,
    )

    account = rows(User.objects.filter(pk=user.pk), exclude=["password", "groups"])
    return ExportPart(
        data={
            "account": account,
            "memberships": rows(Membership.objects.filter(user=user)),
            "invitations": rows(Invitation.objects.filter(accepted_by=user), exclude=["token"]),
            "notifications": rows(Notification.objects.filter(user=user)),
            "notification_settings": rows(
                NotificationPreference.objects.filter(membership__user=user)
            ),
            "slack_account": rows(SlackAccount.objects.filter(user=user)),
            "slack_direct_messages": rows(SlackMessage.objects.filter(recipient=user)),
            "reminders_sent": rows(ReminderSent.objects.filter(user=user)),
        }
    )


# --- Retention --------------------------------------------------------------------------------


def core_purge_personal(cohort: Cohort) -> dict[str, int]:
    """Slack ids of people in no other cohort whose data is still kept; the cohort's DMs."""
    from cohort.models import Membership, SlackMessage

    members = Membership.objects.filter(cohort=cohort).values("user_id")
    elsewhere = Membership.objects.filter(
        user_id__in=members, cohort__personal_data_deleted_at__isnull=True
    ).exclude(cohort=cohort)
    accounts = SlackAccount.objects.filter(user_id__in=members).exclude(
        user_id__in=elsewhere.values("user_id")
    )
    slack_ids = accounts.delete()[1].get(SlackAccount._meta.label, 0)
    direct = SlackMessage.objects.filter(cohort=cohort, recipient__isnull=False)
    messages = direct.delete()[1].get(SlackMessage._meta.label, 0)
    return {"Slack ids": slack_ids, "Slack direct messages": messages}


def _run_stage(cohort: Cohort, stage: str, marker: str, now: datetime) -> list[RetentionRecord]:
    with transaction.atomic():
        claimed = Cohort.objects.filter(pk=cohort.pk, **{f"{marker}__isnull": True}).update(
            **{marker: now}
        )
        if not claimed:
            return []  # another run got there first
        visitors.cohort_changed(cohort.pk)  # the close page shows the stage as done
        records = []
        for name, registration in _registry.items():
            purger = (
                registration.purge_personal
                if stage == RetentionStage.PERSONAL
                else registration.purge_finance
            )
            if purger is None:
                continue
            for what, count in purger(cohort).items():
                records.append(
                    RetentionRecord(
                        cohort=cohort, stage=stage, app=name, what=what, count=count, at=now
                    )
                )
        return RetentionRecord.objects.bulk_create(records)


def apply_retention(*, now: datetime | None = None) -> list[RetentionRecord]:
    """Delete what closed cohorts keep past their dates; records each deletion. Safe to run
    twice: each stage of each cohort is claimed once by a conditional UPDATE."""
    now = now or timezone.now()
    done: list[RetentionRecord] = []
    for cohort in Cohort.objects.filter(closed_at__isnull=False).order_by("pk"):
        today = timezone.localdate(now, cohort.tzinfo)
        if cohort.personal_data_deleted_at is None and cohort.personal_data_due <= today:
            done += _run_stage(cohort, RetentionStage.PERSONAL, "personal_data_deleted_at", now)
        if cohort.finance_data_deleted_at is None and cohort.finance_data_due <= today:
            done += _run_stage(cohort, RetentionStage.FINANCE, "finance_data_deleted_at", now)
    return done


def delete_files(storage: str, names: Iterable[str]) -> None:
    """Delete stored files after the transaction that removed their rows commits."""
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: [storages[storage].delete(n) for n in names])


def close_cohort(*, cohort: Cohort, actor: User, delete_on) -> Cohort:
    """Close a cohort and set the day its personal data is deleted; deletes nothing now."""
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.closed_at is not None:
            raise ValidationError("This cohort is closed already.")
        if delete_on < locked.interview_end:
            raise ValidationError("Personal data can only be deleted after the interviews end.")
        if delete_on > locked.finance_data_due:
            raise ValidationError(
                "Personal data cannot be kept longer than the finance records "
                f"({locked.finance_data_due:%d %B %Y})."
            )
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.personal_data_delete_on = delete_on
        locked.save(update_fields=["closed_at", "closed_by", "personal_data_delete_on"])
    return locked
