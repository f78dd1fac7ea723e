"""The benchmark's cohort: 150 participants with the shape of a real round at its busiest.

Built with the test factories for people and the apps' own demo seeds and services for their
records (slides, boards, pairs, events, claims), then topped up to the issue's figures: 150
participants, 134 photos, 122 claims (110 submitted), 60 events and 30 announcements. Run by
`tools/bench.py`; `build()` changes nothing when the cohort is there already.
"""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cohort.demo import FIRST_NAMES, LAST_NAMES, TIMEZONES, DemoCohort, demo_dates
from cohort.models import Announcement, Channel, Membership, Role, User
from cohort.services import refresh_staff_status
from compute import services as compute_services
from compute.models import Claim, ClaimState
from compute.receipts import check_receipt
from compute.samples import make_image
from events.models import Event, EventKind
from participants.demo import INTERESTS, SKILLS, WANT_TO_WORK_ON
from participants.models import PartnerEntry, Profile, join_tags
from sprints.models import PairMember
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.factories.events import EventFactory
from tools.bench import PASSWORD, SLUG

PARTICIPANTS = 150
PHOTOS = 134
CLAIMS, SUBMITTED = 122, 110
EVENTS = 60
ANNOUNCEMENTS = 30
ANNOUNCEMENT_BODY = """\
## What happens this week

Thanks to everyone who came to **{title}**. A few things for the days ahead:

1. Finish the *goals form* if you have not yet; the countdown is on your home page.
2. Add your slide to the gallery, with a photo, so that partners can find you.
3. Pick one small experiment and write down what would change your mind.

| day | what | where |
| --- | --- | --- |
| Monday | office hours | the video link |
| Wednesday | paper club | the random channel |
| Friday | lightning talks | the video link |

> Good research is mostly choosing the next small question well.

Links: [the getting-started guide](https://example.org/start) and
[the resource library](https://example.org/resources). Ask in the questions channel, `anytime`.
"""


def build() -> dict:
    """Create the bench cohort unless it exists; return the figures of what is there."""
    if not Membership.objects.filter(cohort__slug=SLUG).exists():
        with transaction.atomic():
            _build()
    return figures()


def figures() -> dict:
    cohort_filter = {"cohort__slug": SLUG}
    claims = Claim.objects.filter(**cohort_filter)
    return {
        "participants": Membership.objects.filter(role=Role.PARTICIPANT, **cohort_filter).count(),
        "photos": Profile.objects.filter(membership__cohort__slug=SLUG).exclude(photo="").count(),
        "claims": claims.count(),
        "submitted claims": claims.filter(state=ClaimState.SUBMITTED).count(),
        "events": Event.objects.filter(**cohort_filter).count(),
        "announcements": Announcement.objects.filter(**cohort_filter).count(),
        "partner board entries": PartnerEntry.objects.filter(
            paired_at__isnull=True, **cohort_filter
        ).count(),
    }


def _person(email: str, name: str, tz: str):
    # One slow password hash for everyone, set in _build(), instead of one per person.
    return UserFactory(email=email, name=name, timezone=tz, password=None)


def _build() -> None:
    today = timezone.localdate()
    cohort = CohortFactory(
        slug=SLUG,
        name="Benchmark round: 150 participants",
        meeting_link="https://meet.example.org/bench",
        **demo_dates(today),
    )
    staff = {}
    for key, email, name, role in [
        ("mentor", "mentor@bench.test", "Morgan Ashdown", Role.MENTOR),
        ("operations", "ops@bench.test", "Priya Castellano", Role.OPERATIONS),
        ("ta1", "ta1@bench.test", "Tomasz Reyes", Role.TA),
        ("ta2", "ta2@bench.test", "Hannah Oyelaran", Role.TA),
        ("ta3", "ta3@bench.test", "Lukas Fenwick", Role.TA),
    ]:
        staff[key] = _person(email, name, "Europe/London")
        MembershipFactory(cohort=cohort, user=staff[key], role=role)
        refresh_staff_status(user=staff[key])
    participants = []
    for n in range(1, PARTICIPANTS + 1):
        name = f"{FIRST_NAMES[n % 40]} {LAST_NAMES[(n * 7) % 40]}"
        user = _person(f"p{n:03d}@bench.test", name, TIMEZONES[n % 10])
        MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
        participants.append(user)
    User.objects.filter(memberships__cohort=cohort).update(password=make_password(PASSWORD))
    demo = DemoCohort(
        cohort=cohort,
        mentor=staff["mentor"],
        operations=staff["operations"],
        tas=[staff["ta1"], staff["ta2"], staff["ta3"]],
        participants=participants,
        today=today,
    )
    for config in apps.get_app_configs():
        if config.name == "cohort":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.seed(demo)
    _photos(cohort)
    _partner_board(demo)
    _events(demo)
    _claims(demo)
    _announcements(demo)


def _photos(cohort) -> None:
    """The demo seed gives almost everyone a drawn avatar; keep exactly PHOTOS of them."""
    with_photo = list(
        Profile.objects.filter(membership__cohort=cohort).exclude(photo="").order_by("-pk")
    )
    for profile in with_photo[: max(0, len(with_photo) - PHOTOS)]:
        profile.photo = ""
        profile.save(update_fields=["photo"])


def _partner_board(demo) -> None:
    """Everyone the sprints seed did not pair is on the board, as a week before the deadline."""
    paired = set(
        PairMember.objects.filter(cohort=demo.cohort, active=True).values_list("user_id", flat=True)
    )
    for n, user in enumerate(demo.participants):
        if user.pk in paired:
            continue
        PartnerEntry.objects.get_or_create(
            cohort=demo.cohort,
            user=user,
            defaults={
                "want_to_work_on": WANT_TO_WORK_ON[n % len(WANT_TO_WORK_ON)],
                "interests": join_tags(INTERESTS[n % len(INTERESTS)]),
                "available_from": [9, 14, 18, 7][n % 4],
                "available_to": [17, 22, 23, 12][n % 4],
                "skills_offered": SKILLS[n % len(SKILLS)][0],
                "skills_wanted": SKILLS[n % len(SKILLS)][1],
            },
        )


def _events(demo) -> None:
    cohort = demo.cohort
    start = cohort.start_of(cohort.preparation_start) + timedelta(hours=15)
    kinds = [EventKind.TALK, EventKind.WORKSHOP, EventKind.QA, EventKind.RESEARCH]
    for n in range(Event.objects.filter(cohort=cohort).count(), EVENTS):
        starts_at = start + timedelta(days=n // 2, hours=3 * (n % 2))
        EventFactory(
            cohort=cohort,
            title=f"Session {n + 1}: reading and discussion",
            kind=kinds[n % len(kinds)],
            host=demo.mentor,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
        )


def _claims(demo) -> None:
    cohort = demo.cohort
    have = Claim.objects.filter(cohort=cohort).count()
    submitted = Claim.objects.filter(cohort=cohort, state=ClaimState.SUBMITTED).count()
    owners = demo.participants[8:]
    for n in range(CLAIMS - have):
        owner = owners[n % len(owners)]
        image = make_image([f"Bench receipt {n + 1}", owner.email], "PNG")
        claim = compute_services.create_claim(
            cohort=cohort,
            owner=owner,
            data={
                "spent_on": demo.today - timedelta(days=n % 20),
                "vendor": ["RunPod", "Lambda", "OpenAI", "Modal"][n % 4],
                "category": ["gpu", "api", "gpu", "other"][n % 4],
                "description": f"GPU hours for experiment {n + 1} of the preparation phase.",
                "amount": Decimal(10 + n % 40),
                "currency": "USD",
                "amount_usd": Decimal(10 + n % 40),
            },
            checked_receipts=[check_receipt(SimpleUploadedFile("receipt.png", image))],
        )
        if submitted < SUBMITTED:
            compute_services.submit_claim(claim=claim, actor=owner)
            submitted += 1


def _announcements(demo) -> None:
    cohort = demo.cohort
    now = timezone.now()
    channels = list(Channel.values)
    for n in range(Announcement.objects.filter(cohort=cohort).count(), ANNOUNCEMENTS):
        title = f"Week note {n + 1}"
        Announcement.objects.create(
            cohort=cohort,
            title=title,
            body=ANNOUNCEMENT_BODY.format(title=title),
            channel=channels[n % len(channels)],
            author=demo.mentor,
            published_at=now - timedelta(hours=n + 1),
        )
