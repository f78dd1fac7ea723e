"""A cohort with a row in every model the admin shows, every text of it carrying a tag, so that
a page of another cohort's mentor can be searched for the tag."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from cohort.models import (
    Announcement,
    FAQEntry,
    Invitation,
    Membership,
    Notification,
    Resource,
    ResourceSection,
    Role,
)
from cohort.services import notify, refresh_staff_status
from compute import services as compute_services
from compute.models import Claim, ComputeBudget, TopUpRequest
from events.models import Attendance, Event, EventKind, LightningSlot, RecordingOptOut
from participants.models import (
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Withdrawal,
)
from sprints.models import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    Idea,
    IdeaCategory,
    MiniProject,
    Pair,
    PairInvitation,
    ProblemSubmission,
    Selection,
    Slot,
    SlotKind,
    SprintSettings,
)
from tests.factories.cohort import MembershipFactory, UserFactory
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt
from tests.factories.events import EventFactory
from tests.factories.sprints import make_pair, make_slot


@dataclass
class CohortRecords:
    tag: str
    cohort: object
    mentor: object
    operations: object
    ta: object
    participants: list
    rows: dict = field(default_factory=dict)  # model -> one of its rows in this cohort

    def row(self, model):
        return self.rows[model]


def _member(cohort, role, tag, n):
    user = UserFactory(
        name=f"{tag} {role.label} {n}", email=f"{tag.lower()}-{role}-{n}@example.org"
    )
    MembershipFactory(cohort=cohort, user=user, role=role)
    if role in (Role.MENTOR, Role.OPERATIONS):
        refresh_staff_status(user=user)
    return user


def build(cohort, tag: str) -> CohortRecords:
    """Every kind of record in `cohort`, with `tag` in every name and title."""
    mentor = _member(cohort, Role.MENTOR, tag, 1)
    operations = _member(cohort, Role.OPERATIONS, tag, 1)
    ta = _member(cohort, Role.TA, tag, 1)
    people = [_member(cohort, Role.PARTICIPANT, tag, n) for n in range(1, 7)]
    p1, p2, p3, p4, p5, p6 = people
    rec = CohortRecords(tag, cohort, mentor, operations, ta, people)
    put = rec.rows.__setitem__
    membership = Membership.objects.get(cohort=cohort, user=p1)

    # cohort
    put(Membership, membership)
    put(
        Invitation, Invitation.objects.create(cohort=cohort, email=f"{tag.lower()}-new@example.org")
    )
    section = ResourceSection.objects.create(cohort=cohort, title=f"{tag} section")
    put(ResourceSection, section)
    put(
        Resource,
        Resource.objects.create(
            section=section, title=f"{tag} resource", url=f"https://example.org/{tag}"
        ),
    )
    put(FAQEntry, FAQEntry.objects.create(cohort=cohort, question=f"{tag} question?", answer="A."))
    put(
        Announcement,
        Announcement.objects.create(cohort=cohort, title=f"{tag} news", body="Body", author=mentor),
    )
    put(Notification, notify(cohort=cohort, user=p1, kind="test", title=f"{tag} notice"))

    # participants
    put(
        Profile,
        Profile.objects.update_or_create(membership=membership, defaults={"bio": f"{tag} bio"})[0],
    )
    put(
        GoalsAnswer,
        GoalsAnswer.objects.update_or_create(
            membership=Membership.objects.get(cohort=cohort, user=p2),
            defaults={"hopes": f"{tag} hopes"},
        )[0],
    )
    put(
        Withdrawal,
        Withdrawal.objects.create(
            membership=Membership.objects.get(cohort=cohort, user=p6),
            scope="research",
            reason=f"{tag} reason",
        ),
    )
    entry = PartnerEntry.objects.create(
        cohort=cohort,
        user=p5,
        want_to_work_on=f"{tag} plans",
        interests=f",{tag.lower()},",
        available_from=9,
        available_to=17,
    )
    put(PartnerEntry, entry)
    put(PartnerInterest, PartnerInterest.objects.create(entry=entry, user=p6, note=f"{tag} note"))
    put(PairingTopic, PairingTopic.objects.create(cohort=cohort, owner=p5, title=f"{tag} topic"))
    put(TAAssignment, TAAssignment.objects.create(cohort=cohort, participant=p1, ta=ta))
    help_request = HelpRequest.objects.create(cohort=cohort, requester=p1, topic=f"{tag} help")
    put(HelpRequest, help_request)
    put(
        HelpComment,
        HelpComment.objects.create(request=help_request, author=ta, body=f"{tag} comment"),
    )

    # sprints
    put(SprintSettings, SprintSettings.objects.get_or_create(cohort=cohort)[0])
    category = IdeaCategory.objects.create(cohort=cohort, name=f"{tag} category", order=99)
    put(IdeaCategory, category)
    idea = Idea.objects.create(
        cohort=cohort, title=f"{tag} idea", description="D", category=category, difficulty="A"
    )
    put(Idea, idea)
    mini = MiniProject.objects.create(
        cohort=cohort,
        author=p1,
        idea=idea,
        title=f"{tag} mini",
        start_date=date(2026, 2, 3),
        days=2,
    )
    mini.collaborators.add(p2)
    put(MiniProject, mini)
    pair = make_pair(cohort, p1, p2, ta=ta, review_note=f"{tag} note")
    put(Pair, pair)
    problem = ProblemSubmission.objects.create(
        pair=pair, round=1, title=f"{tag} problem", question=f"{tag} question", submitted_by=p1
    )
    pair.current_problem = problem
    pair.save(update_fields=["current_problem"])
    put(ProblemSubmission, problem)
    put(
        PairInvitation,
        PairInvitation.objects.create(cohort=cohort, from_user=p3, to_user=p4),
    )
    shift = DateShiftRequest.objects.create(pair=pair, reason=f"{tag} reason", requested_by=p1)
    put(DateShiftRequest, shift)
    put(
        DateShiftEntry,
        DateShiftEntry.objects.create(
            request=shift,
            user=p1,
            start_date=cohort.sprint_start,
            end_date=cohort.sprint_end,
        ),
    )
    slot = make_slot(cohort, kind=SlotKind.INTERVIEW)
    put(Slot, slot)
    put(Booking, Booking.objects.create(slot=slot, pair=pair, kind=slot.kind, booked_by=p1))
    put(
        Selection,
        Selection.objects.create(cohort=cohort, user=p3, referred_to=f"{tag} Mentor"),
    )

    # events
    event = EventFactory(cohort=cohort, title=f"{tag} talk", host=mentor)
    put(Event, event)
    rounds = EventFactory(
        cohort=cohort,
        title=f"{tag} lightning",
        kind=EventKind.LIGHTNING,
        starts_at=datetime.combine(cohort.sprint_end, time(17), tzinfo=cohort.tzinfo),
        ends_at=datetime.combine(cohort.sprint_end, time(17, 30), tzinfo=cohort.tzinfo),
    )
    put("lightning", rounds)
    lightning_slot = LightningSlot.objects.filter(event=rounds).first()
    lightning_slot.speaker, lightning_slot.talk_title = p1, f"{tag} talk title"
    lightning_slot.save()
    put(LightningSlot, lightning_slot)
    put(RecordingOptOut, RecordingOptOut.objects.create(cohort=cohort, user=p1, event=event))
    put(Attendance, Attendance.objects.create(event=event, user=p1, marked_by=mentor))

    # compute
    claim = ClaimFactory(cohort=cohort, owner=p1, vendor=f"{tag} vendor")
    make_receipt(claim)
    compute_services.submit_claim(claim=claim, actor=p1)
    put(Claim, claim)
    put(
        TopUpRequest,
        TopUpFactory(cohort=cohort, owner=p1, description=f"{tag} top-up", estimate_usd=Decimal(9)),
    )
    put(ComputeBudget, compute_services.lock_budget(cohort=cohort, user=p1))
    return rec
