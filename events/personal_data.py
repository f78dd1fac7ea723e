"""The events app's part of a person's data download."""

from django.db.models import Q

from cohort.models import User
from cohort.personal_data import ExportPart, rows
from events.models import Attendance, LightningSlot, RecordingOptOut


def export(user: User) -> ExportPart:
    return ExportPart(
        data={
            "recording_opt_outs": rows(RecordingOptOut.objects.filter(user=user)),
            "attendance": rows(Attendance.objects.filter(user=user)),
            "lightning_talk_slots": rows(
                LightningSlot.objects.filter(Q(speaker=user) | Q(partner=user))
            ),
        }
    )
