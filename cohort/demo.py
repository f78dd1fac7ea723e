"""The demo cohort: people, resources, FAQ and announcements, all written for the demo.

Other apps add their own demo records in a `demo.py` module with a `seed(demo: DemoCohort)`
function; `seed_demo` calls them in the order of INSTALLED_APPS. Everything is keyed on natural
keys so that running the seed again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cohort.models import (
    Announcement,
    Channel,
    Cohort,
    FAQEntry,
    Invitation,
    Membership,
    Resource,
    ResourceSection,
    Role,
    User,
)
from cohort.services import refresh_staff_status
from cohort.timeline import round_dates

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo on purpose

FIRST_NAMES = [
    "Amara", "Bastian", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonah",
    "Kavya", "Lorenzo", "Maren", "Nikhil", "Odile", "Pavel", "Quinn", "Rosa", "Sipho", "Tamsin",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Anouk", "Bram", "Carmen", "Dario",
    "Esther", "Felix", "Gabriela", "Hugo", "Isla", "Jakob", "Leila", "Mateo", "Noor", "Oskar",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Romano", "Volkov", "Demir", "Haddad", "Berg", "Tanaka", "Moreau",
    "Whitfield", "Iyer", "Bianchi", "Jansen", "Kapoor", "Laurent", "Novak", "Adeyemi", "Ortega",
    "Dlamini", "Hughes", "Raman", "Kowalski", "Zhang", "Salazar", "Aydin", "Mazur", "de Vries",
    "Peeters", "Navarro", "Conti", "Goldberg", "Schneider", "Castillo", "Lefebvre", "Fraser",
    "Eriksen", "Rahimi", "Herrera", "Siddiqui", "Nilsson",
]  # fmt: skip
TIMEZONES = [
    "Europe/London", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
    "America/Los_Angeles", "Asia/Kolkata", "Asia/Singapore", "Africa/Johannesburg", "Europe/Madrid",
]  # fmt: skip
STAFF = [
    ("mentor@demo.test", "Morgan Ashdown", Role.MENTOR),
    ("ops@demo.test", "Priya Castellano", Role.OPERATIONS),
    ("ta1@demo.test", "Tomasz Reyes", Role.TA),
    ("ta2@demo.test", "Hannah Oyelaran", Role.TA),
    ("ta3@demo.test", "Lukas Fenwick", Role.TA),
]
NOT_SIGNED_UP = ["late.joiner@demo.test", "still.deciding@demo.test", "ta.backup@demo.test"]


@dataclass
class DemoCohort:
    cohort: Cohort
    mentor: User
    operations: User
    tas: list[User]
    participants: list[User]
    today: date
    extra: dict = field(default_factory=dict)

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(cohort=self.cohort, user=user)


def demo_dates(today: date) -> dict:
    """A real round's shape, shifted so that its preparation phase began yesterday."""
    return round_dates(today - timedelta(days=1))


def participant_accounts() -> list[tuple[str, str, str]]:
    return [
        (f"p{n:02d}@demo.test", f"{FIRST_NAMES[n - 1]} {LAST_NAMES[n - 1]}", TIMEZONES[n % 10])
        for n in range(1, 41)
    ]


def _person(email, name, tz, password_hash) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "timezone": tz, "password": password_hash}
    )
    if not created and not user.has_usable_password():
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _join(cohort, user, role):
    Membership.objects.get_or_create(cohort=cohort, user=user, defaults={"role": role})
    Invitation.objects.update_or_create(
        cohort=cohort,
        email=user.email,
        defaults={"role": role, "accepted_at": user.date_joined, "accepted_by": user},
    )


def seed_core(today: date | None = None) -> DemoCohort:
    today = today or timezone.localdate()
    cohort, _ = Cohort.objects.update_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Interpretability Cohort: Demo Round",
            "timezone": "Europe/London",
            "meeting_link": "https://meet.example.org/demo-cohort",
            # Made-up channel ids: without a Slack token the posts only go to the log.
            "slack_channel_announcements": "C0DEMOANNOUNCE",
            "slack_channel_random": "C0DEMORANDOM",
            "slack_channel_questions": "C0DEMOQUESTION",
            "slack_channel_research_updates": "C0DEMORESEARCH",
            **demo_dates(today),
        },
    )
    password_hash = make_password(DEMO_PASSWORD)

    staff = {}
    for email, name, role in STAFF:
        user = _person(email, name, "Europe/London", password_hash)
        _join(cohort, user, role)
        refresh_staff_status(user=user)
        staff[email] = user
    participants = []
    for email, name, tz in participant_accounts():
        user = _person(email, name, tz, password_hash)
        _join(cohort, user, Role.PARTICIPANT)
        participants.append(user)
    for email in NOT_SIGNED_UP:
        role = Role.TA if email.startswith("ta.") else Role.PARTICIPANT
        Invitation.objects.get_or_create(
            cohort=cohort,
            email=email,
            defaults={"role": role, "invited_by": staff["mentor@demo.test"]},
        )

    mentor = staff["mentor@demo.test"]
    _seed_resources(cohort)
    _seed_faq(cohort)
    _seed_announcements(cohort, mentor, today)
    return DemoCohort(
        cohort=cohort,
        mentor=mentor,
        operations=staff["ops@demo.test"],
        tas=[staff[f"ta{n}@demo.test"] for n in (1, 2, 3)],
        participants=participants,
        today=today,
    )


RESOURCES = [
    (
        "Start here",
        "The three things to read in your first days.",
        [
            ("The getting-started guide", "https://www.neelnanda.io/mechanistic-interpretability/getting-started",
             "The main map of the field we follow during preparation: what to learn, in what order, and when to stop learning and start doing."),
            ("A pragmatic vision for interpretability", "https://www.neelnanda.io/vision",
             "The research philosophy behind the program. Worth reading before you choose a sprint problem."),
            ("Project ideas for mini-projects and sprints", "https://www.neelnanda.io/mechanistic-interpretability/getting-started",
             "Also listed, with filters, on the Ideas page of this portal."),
        ],
    ),
    (
        "Coding",
        "",
        [
            ("ARENA tutorials", "https://arena-chapter1-transformer-interp.streamlit.app/",
             "Hands-on notebooks. Chapter 1 covers transformers and interpretability tooling."),
            ("TransformerLens", "https://github.com/TransformerLensOrg/TransformerLens",
             "Load a model, cache every activation, and patch them. The default library for small models."),
            ("nnsight and NDIF", "https://nnsight.net/",
             "Interpret large hosted models without renting the GPUs yourself."),
        ],
    ),
    (
        "Tooling",
        "Tools that past cohorts found saved them the most time.",
        [
            ("OpenRouter", "https://openrouter.ai/", "One API key for most large language models; handy for quick baselines."),
            ("Runpod", "https://www.runpod.io/", "Rent a GPU by the hour. Keep the receipt for your compute claim."),
            ("Vast.ai", "https://vast.ai/", "A cheaper GPU marketplace, with less polish."),
            ("Tuple", "https://tuple.app/", "Remote pair programming with low latency screen sharing."),
        ],
    ),
    (
        "Background on AGI safety",
        "",
        [
            ("Why alignment could be hard with modern deep learning", "https://www.cold-takes.com/why-ai-alignment-could-be-hard-with-modern-deep-learning/",
             "A readable case for why we care about understanding models from the inside."),
            ("80,000 Hours podcast on interpretability", "https://80000hours.org/podcast/",
             "A long conversation about the field's big picture; good for a walk."),
        ],
    ),
]  # fmt: skip

FAQ = [
    (
        "How many hours a week should I put in during preparation?",
        "We suggest about **20 hours a week** for the three preparation weeks. The sprint itself is "
        "full time. If your week is tighter, tell your TA: it changes what we suggest, not whether "
        "you belong here.",
    ),
    (
        "Do I need a partner for the sprint?",
        "Sprints are done in pairs of exactly two. A solo sprint is allowed but flagged to the "
        "mentor, and groups of three are not possible. Use the partner board, and if you have no "
        "partner by the partner deadline the mentor will help match you.",
    ),
    (
        "What does the compute budget cover?",
        "Each participant has **$500** for the exploration phase: GPU rental, model API calls and "
        "tool subscriptions. Submit a claim with the receipt on the Compute page. If you need more, "
        "ask for a top-up with a short description and a cost estimate.",
    ),
    (
        "Are events recorded? Can I opt out?",
        "Most events are recorded by default so people in other timezones can catch up. You can "
        "opt out of being recorded for all events or for one, and the host will see it.",
    ),
    (
        "How many events should I attend?",
        "Somewhere between 10% and 80% of them. Events are there to help; your own work matters "
        "more. Most run between 3 and 8 pm UK time.",
    ),
    (
        "How is the research phase selection decided?",
        "Almost entirely on the research sprint. Up to 8 participants are selected; others may be "
        "referred to other mentors, and strong write-ups can be helped towards publication.",
    ),
    (
        "Is it fine to ask basic questions?",
        "Yes, please. The questions channel exists for this, and helping each other is part of a "
        "good research culture here, not a cost to your own chances.",
    ),
    (
        "Can I change my sprint dates?",
        "A pair may ask to shift its sprint as long as the two of you together still have about "
        "24 person-days and it ends no more than a few days after the official end.",
    ),
]

ANNOUNCEMENTS = [
    (
        "Welcome to the demo round",
        Channel.ANNOUNCEMENTS,
        1,
        "Welcome, everyone! This portal is where the program lives.\n\n"
        "1. Fill in your **goals form** before it closes (the countdown is on your home page).\n"
        "2. Add your slide to *names and faces*.\n"
        "3. Skim the resources, then pick something small to try.\n\n"
        "Ask anything in the questions channel.",
    ),
    (
        "First week office hours",
        Channel.ANNOUNCEMENTS,
        0,
        "TAs hold drop-in office hours every weekday this week. If you're stuck on setup, "
        "ask for help from your home page and your TA will pick it up.",
    ),
    (
        "Paper club: pick this week's paper",
        Channel.RANDOM,
        0,
        "Reply in the random channel with a paper you'd like to discuss on Friday. "
        "Shorter is better; we read it together for the first twenty minutes.",
    ),
    (
        "Draft: sprint logistics",
        Channel.ANNOUNCEMENTS,
        None,
        "Still being written: how sprint pairs, problems and interviews will work.",
    ),
]


def _seed_resources(cohort):
    for order, (title, intro, links) in enumerate(RESOURCES):
        section, _ = ResourceSection.objects.update_or_create(
            cohort=cohort, title=title, defaults={"intro": intro, "order": order}
        )
        for link_order, (link_title, url, description) in enumerate(links):
            Resource.objects.update_or_create(
                section=section,
                title=link_title,
                defaults={"url": url, "description": description, "order": link_order},
            )


def _seed_faq(cohort):
    for order, (question, answer) in enumerate(FAQ):
        FAQEntry.objects.update_or_create(
            cohort=cohort, question=question, defaults={"answer": answer, "order": order}
        )


def _seed_announcements(cohort, mentor, today):
    for title, channel, days_ago, body in ANNOUNCEMENTS:
        published = None
        if days_ago is not None:
            published = cohort.start_of(today - timedelta(days=days_ago)) + timedelta(hours=9)
        Announcement.objects.update_or_create(
            cohort=cohort,
            title=title,
            defaults={
                "body": body,
                "channel": channel,
                "author": mentor,
                "published_at": published,
            },
        )
