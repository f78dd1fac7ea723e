"""The participants app's part of a person's data download, and of a closed cohort's deletion."""

from pathlib import PurePosixPath

from cohort import fragments
from cohort.models import Cohort, User
from cohort.personal_data import ExportPart, PersonalFile, delete_files, rows
from participants.models import (
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    PairingJoin,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Withdrawal,
)


def export(user: User) -> ExportPart:
    profiles = Profile.objects.filter(membership__user=user).select_related("membership__cohort")
    files = [
        PersonalFile(
            storage="default",
            name=profile.photo.name,
            archive_name=(
                f"photos/{profile.membership.cohort.slug}{PurePosixPath(profile.photo.name).suffix}"
            ),
        )
        for profile in profiles
        if profile.photo
    ]
    return ExportPart(
        data={
            "profiles": rows(profiles),
            "goals_answers": rows(GoalsAnswer.objects.filter(membership__user=user)),
            "withdrawals": rows(Withdrawal.objects.filter(membership__user=user)),
            "partner_board_entries": rows(PartnerEntry.objects.filter(user=user)),
            "partner_interests": rows(PartnerInterest.objects.filter(user=user)),
            "pairing_topics": rows(PairingTopic.objects.filter(owner=user)),
            "pairing_joins": rows(PairingJoin.objects.filter(user=user)),
            "ta_assignments": rows(TAAssignment.objects.filter(participant=user)),
            "help_requests": rows(HelpRequest.objects.filter(requester=user)),
            "help_comments": rows(HelpComment.objects.filter(author=user)),
        },
        files=files,
    )


def purge_personal(cohort: Cohort) -> dict[str, int]:
    """Photos (their files and thumbnails), introductions, goals answers, partner and pairing
    boards."""
    profiles = Profile.objects.filter(membership__cohort=cohort)
    with_photo = profiles.exclude(photo="", thumbnail="")
    file_names = [
        name for pair in with_photo.values_list("photo", "thumbnail") for name in pair if name
    ]
    photos = with_photo.exclude(photo="").count()
    with_photo.update(photo="", thumbnail="", thumbnail_of="")
    delete_files("default", file_names)
    introductions = profiles.exclude(introduction="").update(introduction="", introduced_at=None)
    fragments.bump(cohort.pk, "people")
    _, goals = GoalsAnswer.objects.filter(membership__cohort=cohort).delete()
    _, partner = PartnerEntry.objects.filter(cohort=cohort).delete()
    _, pairing = PairingTopic.objects.filter(cohort=cohort).delete()
    return {
        "photos": photos,
        "introductions": introductions,
        "goals answers": goals.get(GoalsAnswer._meta.label, 0),
        "partner board entries": partner.get(PartnerEntry._meta.label, 0),
        "partner board interests": partner.get(PartnerInterest._meta.label, 0),
        "pairing board topics": pairing.get(PairingTopic._meta.label, 0),
        "pairing board joins": pairing.get(PairingJoin._meta.label, 0),
    }
