"""The sprints app's part of a person's data download."""

from django.db.models import Q

from cohort.models import User
from cohort.personal_data import ExportPart, rows
from sprints.models import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    MiniProject,
    PairInvitation,
    PairMember,
    ProblemSubmission,
    Selection,
)


def export(user: User) -> ExportPart:
    pairs = PairMember.objects.filter(user=user).values("pair_id")
    return ExportPart(
        data={
            "pair_seats": rows(PairMember.objects.filter(user=user)),
            "pair_invitations": rows(
                PairInvitation.objects.filter(Q(from_user=user) | Q(to_user=user))
            ),
            "problem_submissions": rows(ProblemSubmission.objects.filter(pair_id__in=pairs)),
            "date_shift_requests": rows(DateShiftRequest.objects.filter(requested_by=user)),
            "date_shift_days": rows(DateShiftEntry.objects.filter(user=user)),
            "bookings": rows(Booking.objects.filter(pair_id__in=pairs)),
            "mini_projects": rows(MiniProject.objects.filter(author=user)),
            "selection": rows(Selection.objects.filter(user=user)),
        }
    )
