"""Demo records for the sprints app, written for the demo: ideas, mini-project logs, pairs in
different states, problems, alternative dates, slots and bookings. Idempotent."""

from datetime import datetime, time, timedelta

from django.db import transaction

from sprints.models import (
    DEFAULT_CATEGORIES,
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    Idea,
    IdeaCategory,
    InvitationState,
    MiniProject,
    Pair,
    PairInvitation,
    PairMember,
    ProblemState,
    ProblemSubmission,
    RequestState,
    Slot,
    SlotKind,
)
from sprints.queries import settings_for
from sprints.signals import pair_formed

# (title, category index, difficulty, kind, description, links)
IDEAS = [
    ("Find the features a tiny model uses for dates", 0, "A", "mini",
     "Train a sparse autoencoder on a small model's residual stream and hunt for latents that fire on calendar dates. Are months, weekdays and years separate features, or one shared 'time' direction?",
     "https://github.com/TransformerLensOrg/TransformerLens"),
    ("Do sparse autoencoder latents split when the dictionary grows?", 0, "B", "sprint",
     "Compare dictionaries of several sizes trained on the same layer and trace how one latent in the small dictionary breaks into several in the larger ones. Is the splitting predictable?",
     ""),
    ("Features for code versus prose", 0, "A", "both",
     "Look for latents that tell source code apart from natural language. Start with the simplest probe you can, then check whether the autoencoder found the same direction.",
     ""),
    ("Reverse-engineer modular addition from scratch", 1, "B", "sprint",
     "Train a one-layer transformer on addition modulo a prime until it generalises, then work out the algorithm it uses. Write down each step you can verify with an intervention.",
     "https://arena-chapter1-transformer-interp.streamlit.app/"),
    ("How does a small model sort a list?", 1, "C", "sprint",
     "Train a two-layer attention model to sort short lists of digits. Which heads find the next-smallest token, and how do they break ties?",
     ""),
    ("Balanced brackets, one head at a time", 1, "A", "mini",
     "A model trained to check bracket balance is small enough to inspect completely. Map what each attention head attends to and test your story with ablations.",
     ""),
    ("Induction heads in a two-layer attention-only model", 2, "A", "mini",
     "Reproduce the induction head finding on a tiny attention-only model: find the previous-token head and the head that copies, and show the circuit breaks when you remove either.",
     ""),
    ("What does a toy model learn first?", 2, "B", "both",
     "Save checkpoints while training a toy language model and track when bigram statistics, induction and longer patterns appear. Do phase changes line up with loss bumps?",
     ""),
    ("Positional information in a model without position embeddings", 2, "C", "sprint",
     "Some models learn position from the causal mask alone. Find out where and how a small model without position embeddings works out where it is in the sequence.",
     ""),
    ("Which heads handle indirect objects in a mid-sized model?", 3, "B", "sprint",
     "Pick a sentence pattern like 'When Ana and Ben went out, Ben gave the book to' and find the heads that pick the right name. How much of the known circuit carries over to a newer model?",
     ""),
    ("Trace a factual recall in a real model", 3, "C", "sprint",
     "Choose a set of simple facts and use activation patching to find where the model looks them up. Is the fact retrieved at the subject token, or later?",
     "https://nnsight.net/"),
    ("Refusal in a chat model: one direction or several?", 3, "B", "both",
     "Find the direction that makes a chat model refuse, then check whether it is the same across kinds of requests. Steering experiments make quick mini-projects.",
     ""),
    ("Attribution patching versus real patching", 4, "B", "mini",
     "Attribution patching is a fast linear approximation. Measure where it agrees with full activation patching and where it misleads on a circuit you already know.",
     ""),
    ("Probing for truthfulness with the simplest possible probe", 4, "A", "mini",
     "Start with the difference of means between true and false statements before anything fancier. How far does the simplest method go, and where does it fail?",
     ""),
    ("Does steering survive a fine-tune?", 4, "C", "sprint",
     "Find a steering vector on a base model, fine-tune the model a little, and check whether the same vector still works. What changes when it stops working?",
     ""),
    ("A notebook that runs the standard checks on any circuit claim", 5, "B", "both",
     "Build a small tool that takes a proposed circuit and runs the usual sanity checks: ablations, random baselines and a faithfulness score. Useful for everyone in the cohort.",
     ""),
    ("Let a language model label your latents", 5, "A", "mini",
     "Automate latent explanations: show a model the top activating examples and ask for a label, then score the labels by predicting activations on new text.",
     "https://openrouter.ai/"),
    ("How many features fit in two dimensions?", 6, "A", "mini",
     "Train the classic toy model of superposition and vary sparsity and importance. Reproduce the geometry plots and explain what you see in your own words.",
     ""),
    ("Polysemantic neurons in a vision model", 6, "C", "sprint",
     "Pick neurons in a small image classifier that respond to unrelated things and check whether a sparse dictionary separates them cleanly.",
     ""),
    ("Your own question", 7, "B", "both",
     "Have a question that fits none of these? Write it up as a proposal on your sprint page with why it matters and how you would start; the mentor reads each one.",
     ""),
]  # fmt: skip

MINI_PROJECTS = [
    (0, [], "Bracket checker: two heads do all the work", 5, 3, "https://example.org/notes/brackets",
     "One head counts open brackets, the other spots the first mismatch."),
    (2, [3], "Induction heads on a toy model", 6, 2, "https://example.org/notes/induction",
     "The copying head broke completely when the previous-token head was ablated."),
    (4, [5, 6], "Difference-of-means truth probe", 13, 4, "",
     "The simplest probe beat our fancier one on held-out topics."),
    (7, [], "Labelling latents with a chat model", 16, 1, "https://example.org/notes/labels",
     "Labels were vague until we showed the model counter-examples too."),
    (9, [10], "Superposition in two dimensions", 17, 5, "",
     "The pentagon appeared right at the sparsity the paper describes."),
]  # fmt: skip

# (member indices, problem plan, TA index) — indices into demo.participants.
PAIRS = [
    ((0, 1), ("idea", 3), 0),
    ((2, 3), ("pending",), 0),
    ((4, 5), ("sent_back",), 1),
    ((6, 7), ("approved_after_two",), 1),
    ((8, 9), ("idea", 9), 2),
    ((10, 11), None, None),
    ((12, 13), ("idea", 6), 2),
    ((14, 15), ("idea", 12), None),
    ((16, 17), None, None),
    ((18, 19), ("idea", 17), 0),
    ((20,), ("idea", 7), None),
    ((21, 22), ("approved",), 1),
]


def seed(demo) -> None:
    with transaction.atomic():
        cohort = demo.cohort
        settings_for(cohort)
        categories = _categories(cohort)
        ideas = _ideas(cohort, categories)
        _mini_projects(demo, ideas)
        pairs = _pairs(demo, ideas)
        _dissolved_pair_and_invitations(demo)
        _dates(demo, pairs)
        _slots_and_bookings(demo, pairs)


def _categories(cohort):
    return [
        IdeaCategory.objects.get_or_create(cohort=cohort, name=name, defaults={"order": i})[0]
        for i, name in enumerate(DEFAULT_CATEGORIES)
    ]


def _ideas(cohort, categories):
    ideas = []
    for title, cat, difficulty, kind, description, links in IDEAS:
        idea, _ = Idea.objects.update_or_create(
            cohort=cohort,
            title=title,
            defaults={
                "category": categories[cat],
                "difficulty": difficulty,
                "kind": kind,
                "description": description,
                "links": links,
            },
        )
        ideas.append(idea)
    return ideas


def _mini_projects(demo, ideas):
    people = demo.participants
    for author, collaborators, title, idea, days, url, takeaway in MINI_PROJECTS:
        log, _ = MiniProject.objects.update_or_create(
            cohort=demo.cohort,
            author=people[author + 24],
            title=title,
            defaults={
                "idea": ideas[idea],
                "start_date": demo.today - timedelta(days=1) + timedelta(days=author % 3),
                "days": days,
                "result_url": url,
                "takeaway": takeaway,
            },
        )
        log.collaborators.set([people[c + 24] for c in collaborators])


def _pair(demo, members) -> Pair:
    cohort = demo.cohort
    users = [demo.participants[i] for i in members]
    seat = PairMember.objects.filter(cohort=cohort, user=users[0], active=True).first()
    if seat is not None:
        return seat.pair
    pair = Pair.objects.create(cohort=cohort, is_solo=len(users) == 1)
    for slot, user in enumerate(users, start=1):
        PairMember.objects.create(pair=pair, cohort=cohort, user=user, slot=slot)
    transaction.on_commit(lambda: pair_formed.send(sender=Pair, pair=pair, users=users))
    return pair


def _round(pair, number, **fields):
    submission, _ = ProblemSubmission.objects.update_or_create(
        pair=pair, round=number, defaults=fields
    )
    return submission


def _pairs(demo, ideas):
    proposal = {
        "question": "Do the heads that track quotation marks also decide when a quote ends?",
        "why": "Quotes are a clean test of whether models keep nested state, and the answer "
        "tells us how far a simple circuit story stretches.",
        "plan": "Week one: find the heads with patching on a small model. Week two: test the "
        "story on longer and nested quotes.",
        "risks": "The behaviour may be spread over many heads; then we narrow to one kind of "
        "quote.",
    }
    pairs = []
    for members, plan, ta in PAIRS:
        pair = _pair(demo, members)
        pair.ta = demo.tas[ta] if ta is not None else None
        current = None
        if plan and plan[0] == "idea":
            idea = ideas[plan[1]]
            current = _round(pair, 1, idea=idea, title=idea.title, state=ProblemState.APPROVED)
        elif plan and plan[0] == "pending":
            current = _round(pair, 1, title="Where do quotes end?", **proposal)
        elif plan and plan[0] == "sent_back":
            current = _round(
                pair,
                1,
                title="Understanding all of GPT-2",
                question="How does GPT-2 work?",
                why="It would explain a lot.",
                plan="Look at every layer.",
                risks="It may take longer than two weeks.",
                state=ProblemState.SENT_BACK,
                mentor_comment="Far too broad for two weeks. Pick one behaviour you can "
                "measure and say how you would test your explanation.",
            )
        elif plan and plan[0] == "approved_after_two":
            _round(
                pair,
                1,
                title="Memorisation in small models",
                question="Which facts does a small model memorise?",
                state=ProblemState.SENT_BACK,
                mentor_comment="Say how you would tell memorised from generalised.",
            )
            current = _round(
                pair,
                2,
                title="Telling memorised from generalised facts",
                question="Do memorised and generalised facts use different layers?",
                why="It would help decide which facts can be edited safely.",
                plan="Build two matched sets of facts, then patch layer by layer.",
                risks="The sets may not be cleanly separable.",
                state=ProblemState.APPROVED,
                mentor_comment="Much sharper. Good luck!",
            )
        elif plan and plan[0] == "approved":
            current = _round(
                pair,
                1,
                title="Counting objects in a small vision-language model",
                question="Is there a count direction that carries across object kinds?",
                why="Counting is simple to measure and common across tasks.",
                plan="Probe, then steer, on images with one to six objects.",
                risks="The model may count badly to begin with.",
                state=ProblemState.APPROVED,
                mentor_comment="Approved: start with the probe.",
            )
        pair.current_problem = current
        pair.save(update_fields=["ta", "current_problem"])
        pairs.append(pair)
    return pairs


def _dissolved_pair_and_invitations(demo):
    cohort, people = demo.cohort, demo.participants
    if not Pair.objects.filter(cohort=cohort, dissolved_at__isnull=False).exists():
        pair = Pair.objects.create(cohort=cohort, dissolved_at=demo.cohort.start_of(demo.today))
        for slot, user in enumerate([people[23], people[24]], start=1):
            PairMember.objects.create(pair=pair, cohort=cohort, user=user, slot=slot, active=False)
    for a, b in [(25, 26), (27, 26)]:
        PairInvitation.objects.get_or_create(
            cohort=cohort,
            from_user=people[a],
            to_user=people[b],
            state=InvitationState.PENDING,
        )


def _dates(demo, pairs):
    cohort = demo.cohort
    for pair, state, shift in [(pairs[3], RequestState.APPROVED, 2), (pairs[4], "pending", 3)]:
        if DateShiftRequest.objects.filter(pair=pair).exists():
            continue
        request = DateShiftRequest.objects.create(
            pair=pair,
            state=state,
            reason="One of us has a family event in the first days of the sprint.",
            decided_at=cohort.start_of(demo.today) if state == RequestState.APPROVED else None,
        )
        for seat in pair.members.all():
            DateShiftEntry.objects.create(
                request=request,
                user=seat.user,
                start_date=cohort.sprint_start + timedelta(days=shift),
                end_date=cohort.sprint_end + timedelta(days=shift),
            )


def _slots_and_bookings(demo, pairs):
    cohort = demo.cohort
    tz = cohort.tzinfo

    def slots(kind, day, start_hour, count, minutes):
        made = []
        for n in range(count):
            starts = datetime.combine(day, time(start_hour), tzinfo=tz) + timedelta(
                minutes=n * minutes
            )
            slot, _ = Slot.objects.get_or_create(
                cohort=cohort,
                kind=kind,
                starts_at=starts,
                defaults={"ends_at": starts + timedelta(minutes=minutes), "host": demo.mentor},
            )
            made.append(slot)
        return made

    dropins = slots(SlotKind.DROPIN, cohort.sprint_start + timedelta(days=2), 14, 6, 10)
    dropins += slots(SlotKind.DROPIN, cohort.sprint_start + timedelta(days=6), 15, 6, 10)
    interviews = slots(SlotKind.INTERVIEW, cohort.interview_start, 9, 8, 60)
    interviews += slots(SlotKind.INTERVIEW, cohort.interview_end, 10, 4, 90)
    for slot, pair in [
        (interviews[0], pairs[0]),
        (interviews[3], pairs[6]),
        (dropins[0], pairs[0]),
        (dropins[7], pairs[9]),
    ]:
        if not Booking.objects.filter(slot=slot, cancelled_at__isnull=True).exists():
            Booking.objects.create(
                slot=slot, pair=pair, kind=slot.kind, booked_by=pair.members.first().user
            )
