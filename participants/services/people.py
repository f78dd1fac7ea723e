"""Writes about a participant's own record: profile, introduction, goals form, withdrawal."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cohort import fragments, visitors
from cohort.models import Cohort, Membership, User
from cohort.validation import TEXT_MAX_LENGTH, without_control_characters
from participants import thumbnails
from participants.models import (
    GoalsAnswer,
    PairingJoin,
    PairingTopic,
    Profile,
    Withdrawal,
    WithdrawalScope,
)
from participants.services.partners import remove_from_partner_board

GOALS_FIELDS = ["hopes", "hours_per_week", "experience", "topics", "wants_partner", "sprint_hopes"]


class DeadlinePassed(Exception):
    """The goals form has closed for this person and the mentor has not reopened it."""


# --- Profiles --------------------------------------------------------------------------------


def update_profile(
    *,
    membership: Membership,
    user_fields: dict,
    profile_fields: dict,
    photo=None,
    remove_photo: bool = False,
) -> Profile:
    """Save a member's slide and their name and timezone; replaces and deletes the old photo
    and its thumbnail."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(membership=membership)
        user = membership.user
        for name, value in user_fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_fields))
        for name, value in profile_fields.items():
            setattr(profile, name, value)
        old_files = [profile.photo.name, profile.thumbnail.name]
        if photo is not None:
            profile.photo.save(photo.name, photo, save=False)
            thumbnails.attach(profile, source=photo)
        elif remove_photo:
            profile.photo = profile.thumbnail = ""
            profile.thumbnail_of = ""
        profile.save()
        kept = (profile.photo.name or "", profile.thumbnail.name or "")
        gone = [name for name in old_files if name and name not in kept]
        storage = profile.photo.storage

        def delete_replaced():
            for name in gone:
                storage.delete(name)

        transaction.on_commit(delete_replaced)
    return profile


def save_introduction(*, membership: Membership, text: str) -> Profile:
    """Save the introduction shown on the person's slide and in the cohort's list."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(membership=membership)
        profile.introduction = text.strip()
        profile.introduced_at = timezone.now() if profile.introduction else None
        profile.save(update_fields=["introduction", "introduced_at", "updated_at"])
    return profile


# --- Goals form ------------------------------------------------------------------------------


def goals_deadline(cohort: Cohort) -> datetime:
    return cohort.end_of(cohort.goals_form_due)


def goals_open_for(answer: GoalsAnswer | None, cohort: Cohort, now: datetime) -> bool:
    """Before the deadline everyone may submit; afterwards only those the mentor reopened."""
    return now <= goals_deadline(cohort) or (answer is not None and answer.reopened_at is not None)


def save_goals_draft(*, membership: Membership, data: dict) -> GoalsAnswer:
    """Keep what the person typed, submitted or not, whatever the deadline; sends nothing."""
    clean = {
        name: without_control_characters(str(data.get(name, "")))[:TEXT_MAX_LENGTH]
        for name in GOALS_FIELDS
    }
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        answer.draft = clean
        answer.draft_saved_at = timezone.now()
        answer.save(update_fields=["draft", "draft_saved_at"])
    return answer


def submit_goals(
    *, membership: Membership, answers: dict, now: datetime | None = None
) -> GoalsAnswer:
    """Submit the goals form, marked late after the deadline; clears the draft.

    Raises DeadlinePassed (after keeping the text as a draft) when the form is closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        if not goals_open_for(answer, membership.cohort, now):
            answer.draft = {name: _draftable(answers.get(name)) for name in GOALS_FIELDS}
            answer.draft_saved_at = now
            answer.save(update_fields=["draft", "draft_saved_at"])
            closed = True
        else:
            closed = False
            for name in GOALS_FIELDS:
                setattr(answer, name, answers.get(name) if answers.get(name) is not None else "")
            if answer.hours_per_week == "":
                answer.hours_per_week = None
            answer.submitted_at = now
            answer.is_late = now > goals_deadline(membership.cohort)
            answer.draft = {}
            answer.draft_saved_at = None
            answer.save()
    if closed:
        raise DeadlinePassed
    return answer


def _draftable(value) -> str:
    return "" if value is None else str(value)


def reopen_goals(*, membership: Membership, by: User) -> GoalsAnswer:
    """Let one person submit the goals form after its deadline (marked late)."""
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        answer.reopened_at = timezone.now()
        answer.reopened_by = by
        answer.save(update_fields=["reopened_at", "reopened_by"])
    return answer


def close_goals(*, membership: Membership) -> None:
    """Withdraw a reopening: the person can no longer submit after the deadline."""
    GoalsAnswer.objects.filter(membership=membership).update(reopened_at=None, reopened_by=None)
    fragments.bump(membership.cohort_id, "people")


# --- Withdrawal ------------------------------------------------------------------------------


def withdraw(*, membership: Membership, scope: str, reason: str = "") -> Withdrawal:
    """Record a withdrawal; leaving the program also takes the person off both boards."""
    with transaction.atomic():
        withdrawal, _ = Withdrawal.objects.update_or_create(
            membership=membership,
            defaults={
                "scope": scope,
                "reason": reason.strip(),
                "withdrawn_at": timezone.now(),
                "reversed_at": None,
                "reversed_by": None,
            },
        )
        if scope == WithdrawalScope.PROGRAM:
            remove_from_partner_board(cohort=membership.cohort, users=[membership.user])
            PairingTopic.objects.filter(cohort=membership.cohort, owner=membership.user).delete()
            PairingJoin.objects.filter(
                topic__cohort=membership.cohort, user=membership.user
            ).delete()
    return withdrawal


def reverse_withdrawal(*, withdrawal: Withdrawal, by: User) -> None:
    """Undo a withdrawal (mentor only); the person rejoins the gallery, not the boards."""
    with transaction.atomic():
        Withdrawal.objects.filter(pk=withdrawal.pk, reversed_at__isnull=True).update(
            reversed_at=timezone.now(), reversed_by=by
        )
        fragments.bump(withdrawal.membership.cohort_id, "people")
        visitors.renew([withdrawal.membership.user_id])
