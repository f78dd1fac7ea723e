"""Demo records for the participants app: slides with drawn avatars, goals answers (most in,
a few missing, one late), introductions, both boards, TA assignments and help requests."""

from datetime import timedelta

from django.utils import timezone

from cohort.models import Membership
from participants import services
from participants.images import placeholder_avatar
from participants.models import (
    Experience,
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    HelpState,
    PairingJoin,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Urgency,
    WantsPartner,
    join_tags,
)

INTERESTS = [
    ["sparse autoencoders", "feature splitting", "superposition"],
    ["circuits", "attention heads", "induction"],
    ["probing", "linear representations", "steering"],
    ["toy models", "grokking", "modular arithmetic"],
    ["model organisms", "deception", "reasoning models"],
    ["tooling", "visualisation", "transformerlens"],
    ["chain of thought", "reasoning models", "steering"],
    ["superposition", "toy models", "circuits"],
]
BACKGROUNDS = [
    "Final-year PhD in computational neuroscience; spent two years recording from mouse visual cortex.",
    "Software engineer at a payments company, mostly distributed systems in Go.",
    "Master's in statistics; thesis on causal inference in observational studies.",
    "Physics undergraduate who fell into machine learning through a summer project.",
    "Former data scientist in public health, now doing a career change into AI safety.",
    "Research engineer on a small language-model team; likes building evaluation tools.",
]
BIOS = [
    "I like taking a model apart until one small thing makes sense, then writing it up clearly.",
    "Curious about what features look like when they are not neatly aligned with neurons.",
    "Happiest with a notebook, a small model and a hypothesis I can kill in an afternoon.",
    "Here to learn how to do research that changes my mind, not just confirms a hunch.",
    "Interested in whether what we find in toy models survives contact with real ones.",
]
INTROS = [
    "Hi all! I'm joining from {tz}. Outside work I run slowly and bake bread badly. I'd love to find "
    "someone who enjoys careful ablations as much as I do.",
    "Hello from {tz}. I came to interpretability through a reading group last year and haven't "
    "looked back. Happy to pair on ARENA exercises in the evenings.",
    "Hey everyone, I'm based in {tz}. I'm most excited about replicating a recent paper end to end, "
    "and I'm glad to help with anything involving plotting or dashboards.",
]
HOPES = [
    "Get to the point where I can run a small experiment end to end without a tutorial holding my hand.",
    "Find out whether research is something I want to do full time, and meet people who do it well.",
    "Leave with one write-up I'm proud of and a clearer sense of which questions matter.",
]
SPRINT_HOPES = [
    "Something on feature geometry in sparse autoencoders, with a partner who likes theory.",
    "A careful replication with one new twist, so that we learn the methods properly.",
    "Study how steering vectors behave across layers in a mid-sized open model.",
]
WANT_TO_WORK_ON = [
    "Looking into why some SAE features split as the dictionary grows, and whether that helps or hurts interpretability.",
    "Hunting for a circuit in a small model that does something surprising, then stress-testing the explanation.",
    "Probing reasoning models for signs that the written chain of thought differs from what the model computes.",
    "Building better tools to look at attention patterns at scale, and using them on a real question.",
]
SKILLS = [
    ("PyTorch, clean experiment code", "someone comfortable with linear algebra"),
    ("Maths background, writing", "strong engineering habits"),
    ("Visualisation and dashboards", "a person who enjoys reading papers closely"),
    ("Statistics, careful evaluation", "GPU and infrastructure know-how"),
]
PAIRING = [
    ("ARENA chapter 1.2: indirect object identification", "tutorial", "Weekday evenings, UK time"),
    ("Replicate the toy models of superposition plots", "paper", "Saturday mornings"),
    ("TransformerLens hooks exercise set", "exercise", "Lunchtimes, any weekday"),
]
HELP = [
    ("CUDA out of memory loading a 7B model on a rented GPU", "Tried half precision and a smaller batch.", Urgency.URGENT, HelpState.OPEN, 2),
    ("Which layer should I look at for my probe?", "Read the getting-started guide; still unsure how to choose.", Urgency.LOW, HelpState.OPEN, 0),
    ("Hooks return None in TransformerLens", "Followed the docs example, but my hook function never fires.", Urgency.NORMAL, HelpState.CLAIMED, 1),
    ("Feedback on my mini-project plan", "Wrote a half-page plan; would like a sanity check on scope.", Urgency.NORMAL, HelpState.RESOLVED, 3),
]  # fmt: skip


def seed(demo) -> None:
    cohort, now = demo.cohort, timezone.now()
    people = demo.participants
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(cohort=cohort).select_related("user", "cohort")
    }

    for n, user in enumerate([*people, *demo.tas, demo.mentor]):
        membership = memberships[user.pk]
        profile, _ = Profile.objects.get_or_create(membership=membership)
        if n % 9 == 8 and n < len(people):
            continue  # a few participants have not filled in their slide yet
        if not profile.photo:
            initials = "".join(w[0] for w in user.display_name.split()[:2]).upper()
            profile.photo.save(
                "avatar.png", placeholder_avatar(initials=initials, seed=n), save=False
            )
        profile.bio = profile.bio or BIOS[n % len(BIOS)]
        profile.background = profile.background or BACKGROUNDS[n % len(BACKGROUNDS)]
        profile.interests = profile.interests or join_tags(INTERESTS[n % len(INTERESTS)])
        profile.pronouns = profile.pronouns or ["she/her", "he/him", "they/them", ""][n % 4]
        if n % 3 != 2 and not profile.introduction:
            profile.introduction = INTROS[n % len(INTROS)].format(
                tz=user.timezone.replace("_", " ")
            )
            profile.introduced_at = now - timedelta(hours=n)
        profile.save()

    deadline = services.goals_deadline(cohort)
    for n, user in enumerate(people):
        answer, _ = GoalsAnswer.objects.get_or_create(membership=memberships[user.pk])
        if answer.submitted_at or n % 8 == 7:
            continue  # answered already, or one of the few still missing
        answer.hopes = HOPES[n % len(HOPES)]
        answer.hours_per_week = [20, 15, 25, 10, 20][n % 5]
        answer.experience = list(Experience.values)[n % 4]
        answer.topics = ", ".join(INTERESTS[n % len(INTERESTS)])
        answer.wants_partner = list(WantsPartner.values)[n % 3]
        answer.sprint_hopes = SPRINT_HOPES[n % len(SPRINT_HOPES)]
        answer.submitted_at = now - timedelta(hours=n + 1)
        if n == 5:  # one late submission, after the mentor reopened the form
            answer.submitted_at = deadline + timedelta(hours=3)
            answer.is_late = True
            answer.reopened_at = deadline + timedelta(hours=1)
            answer.reopened_by = demo.mentor
        answer.save()
    draft = GoalsAnswer.objects.get(membership=memberships[people[15].pk])
    if not draft.submitted_at and not draft.draft:
        draft.draft = {"hopes": "Mostly I want to learn how to pick a good question, and"}
        draft.draft_saved_at = now - timedelta(hours=2)
        draft.save()

    # People 24 onwards: the sprints demo pairs up the first 23, which takes them off the board.
    for n, user in enumerate(people[24:36]):
        PartnerEntry.objects.get_or_create(
            cohort=cohort,
            user=user,
            defaults={
                "want_to_work_on": WANT_TO_WORK_ON[n % len(WANT_TO_WORK_ON)],
                "interests": join_tags(INTERESTS[(n + 10) % len(INTERESTS)]),
                "available_from": [9, 14, 18, 7][n % 4],
                "available_to": [17, 22, 23, 12][n % 4],
                "skills_offered": SKILLS[n % len(SKILLS)][0],
                "skills_wanted": SKILLS[n % len(SKILLS)][1],
            },
        )
    board = list(PartnerEntry.objects.filter(cohort=cohort).order_by("pk"))
    if len(board) > 3:
        PartnerInterest.objects.get_or_create(
            entry=board[0], user=board[2].user,
            defaults={"note": "Our interests line up well. Fancy a quick call this week?"},
        )  # fmt: skip
        PartnerInterest.objects.get_or_create(
            entry=board[1], user=board[3].user,
            defaults={"note": "I'd like to hear more about what you have in mind."},
        )  # fmt: skip

    for n, (title, kind, when) in enumerate(PAIRING):
        owner = people[n * 4 + 1]
        topic, _ = PairingTopic.objects.get_or_create(
            cohort=cohort, title=title, defaults={"owner": owner, "kind": kind, "when": when}
        )
        for user in (topic.owner, people[n * 4 + 2], people[n * 4 + 3]):
            PairingJoin.objects.get_or_create(topic=topic, user=user)

    if not TAAssignment.objects.filter(cohort=cohort).exists():
        for n, user in enumerate(people):
            TAAssignment.objects.create(cohort=cohort, participant=user, ta=demo.tas[n % 3])

    for n, (topic, tried, urgency, state, days_ago) in enumerate(HELP):
        requester = people[n * 3]
        ta = demo.tas[(n * 3) % 3]
        created = now - timedelta(days=days_ago, hours=2)
        request, made = HelpRequest.objects.get_or_create(
            cohort=cohort,
            requester=requester,
            topic=topic,
            defaults={"tried": tried, "urgency": urgency, "created_at": created},
        )
        if not made:
            continue
        if state != HelpState.OPEN:
            request.state, request.claimed_by = state, ta
            request.claimed_at = created + timedelta(hours=3)
            if state == HelpState.RESOLVED:
                request.resolved_at = created + timedelta(hours=20)
            request.save()
            HelpComment.objects.create(
                request=request,
                author=ta,
                body="Looking at this now. Could you share the notebook or the exact error?",
                created_at=created + timedelta(hours=3),
            )
