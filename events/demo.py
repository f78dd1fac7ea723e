"""The demo cohort's schedule: talks, workshops, Q&As, research sessions and three
lightning-talk rounds, mostly between 3 and 8 pm UK time, with a few past events that have
recordings, attendance and recording opt-outs."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from events.models import Attendance, Event, EventKind, LightningSlot, RecordingOptOut
from events.services import ensure_lightning_slots

# (day offset from the start of preparation, start hour, minutes, kind, title, host, description)
SCHEDULE = [
    (-3, 17, 60, EventKind.SOCIAL, "Meet the cohort", "mentor",
     "An informal hello before the program begins. Bring a drink and one sentence about what you hope to find out."),
    (-2, 16, 90, EventKind.WORKSHOP, "Setup clinic: GPUs, notebooks and TransformerLens", "ta1",
     "Bring your laptop. We get everyone to the point of caching activations on a small model, and sort out GPU rental accounts."),
    (0, 15, 60, EventKind.TALK, "Kick-off: how the five weeks work", "mentor",
     "The shape of the program: preparation, the sprint, interviews and what selection looks at. Questions welcome throughout."),
    (0, 17, 60, EventKind.QA, "Ask me anything: getting started", "mentor",
     "No question is too basic. If you are unsure where to begin, this is the hour for it."),
    (1, 15, 60, EventKind.TALK, "Reading a paper in an afternoon", "ta2",
     "A practical method for getting the useful part of an interpretability paper without reading every appendix."),
    (1, 18, 90, EventKind.RESEARCH, "Watch the mentor do research: probing a toy model", "mentor",
     "Live, unedited research on a small problem, thinking out loud, including the dead ends."),
    (2, 16, 60, EventKind.DROP_IN, "Goals form drop-in", "ta3",
     "Stuck on the goals form? Drop in for a few minutes and talk it through before it closes tonight."),
    (3, 15, 90, EventKind.WORKSHOP, "Activation patching, hands on", "ta1",
     "We patch activations between clean and corrupted prompts and read the results together."),
    (3, 18, 60, EventKind.TALK, "Sparse autoencoders: what they can and cannot tell you", "mentor",
     "Where SAEs have helped, where they mislead, and how to sanity-check a feature before you build on it."),
    (4, 18, 60, EventKind.LIGHTNING, "Lightning talks: round 1", "mentor",
     "Five minutes on anything you tried this week: a plot, a bug, a surprise. Not assessed."),
    (7, 15, 60, EventKind.QA, "Q&A: choosing a sprint problem", "mentor",
     "How to judge whether a problem fits in two weeks, and what a good first experiment looks like."),
    (8, 16, 90, EventKind.WORKSHOP, "Writing up research clearly", "ta2",
     "Structure, figures and the one-paragraph summary. We rewrite a real (anonymised) draft together."),
    (8, 19, 60, EventKind.SOCIAL, "Partner-finding mixer", "ta3",
     "Short rounds in small breakout rooms to meet people you might sprint with."),
    (9, 17, 90, EventKind.RESEARCH, "Watch the mentor do research: an attention head in the wild", "mentor",
     "Following a hypothesis about one attention head in a real model from first plot to first result."),
    (10, 15, 60, EventKind.TALK, "Linear probes and their pitfalls", "ta1",
     "Why a probe working is weaker evidence than it looks, with small experiments you can run yourself."),
    (11, 18, 60, EventKind.LIGHTNING, "Lightning talks: round 2", "mentor",
     "Second round: mini-project results, half-finished ideas and useful failures."),
    (14, 15, 60, EventKind.QA, "Q&A: sprint logistics and interviews", "mentor",
     "Pairs, problems, alternative dates, compute and how the final interview runs."),
    (15, 16, 60, EventKind.TALK, "Steering vectors in practice", "ta2",
     "Finding, applying and evaluating steering vectors without fooling yourself."),
    (16, 17, 90, EventKind.RESEARCH, "Watch the mentor do research: debugging a surprising result", "mentor",
     "What to do when an experiment disagrees with your story."),
    (18, 18, 60, EventKind.LIGHTNING, "Lightning talks: round 3", "mentor",
     "Last round before the sprint: tell everyone what you plan to work on and with whom."),
    (22, 15, 30, EventKind.DROP_IN, "Sprint drop-in: first days", "mentor",
     "Short advice slots for pairs in their first days of the sprint."),
    (26, 15, 30, EventKind.DROP_IN, "Sprint drop-in: halfway", "mentor",
     "Short advice slots for pairs at the halfway point."),
]  # fmt: skip

RECORDINGS = "https://recordings.example.org/demo/"
TALK_TITLES = [
    "A probe that worked too well",
    "Three bugs in my activation cache",
    "Attention patterns in a 2-layer model",
    "What my SAE features actually fire on",
    "Replicating a result in an afternoon",
    "Induction heads, seen for myself",
]


def _at(cohort, day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)), cohort.tzinfo)


def seed(demo) -> None:
    cohort = demo.cohort
    hosts = {"mentor": demo.mentor, **{f"ta{n}": ta for n, ta in enumerate(demo.tas, start=1)}}
    now = timezone.now()
    events = []
    for offset, hour, minutes, kind, title, host, description in SCHEDULE:
        starts_at = _at(cohort, cohort.preparation_start + timedelta(days=offset), hour)
        ends_at = starts_at + timedelta(minutes=minutes)
        event, _ = Event.objects.update_or_create(
            cohort=cohort,
            title=title,
            defaults={
                "kind": kind,
                "description": description,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "host": hosts[host],
                "optional": kind in (EventKind.SOCIAL, EventKind.RESEARCH),
                "recorded": kind not in (EventKind.SOCIAL, EventKind.DROP_IN),
                "recording_url": (
                    f"{RECORDINGS}{offset + 3:02d}-{hour}"
                    if ends_at <= now and kind not in (EventKind.SOCIAL, EventKind.DROP_IN)
                    else ""
                ),
            },
        )
        events.append(event)
        ensure_lightning_slots(event=event)

    participants = demo.participants
    past = [e for e in events if e.ends_at <= now]
    for index, event in enumerate(past):
        # A realistic spread: some people come to almost everything, some to very little.
        for n, person in enumerate(participants):
            if (n * 7 + index * 3) % 10 < 4 + (n % 4):
                Attendance.objects.get_or_create(
                    event=event, user=person, defaults={"marked_by": event.host}
                )

    for person in participants[30:33]:
        RecordingOptOut.objects.get_or_create(cohort=cohort, user=person, event=None)
    recorded_upcoming = [e for e in events if e.recorded and e.starts_at > now][:3]
    for event, person in zip(recorded_upcoming, participants[10:13], strict=False):
        RecordingOptOut.objects.get_or_create(cohort=cohort, user=person, event=event)

    first_round = next(e for e in events if e.kind == EventKind.LIGHTNING)
    speakers = [participants[n] for n in (0, 2, 6, 11)]
    for number, (person, talk) in enumerate(zip(speakers, TALK_TITLES, strict=False), start=1):
        slot = LightningSlot.objects.get(event=first_round, number=number)
        if slot.is_free and not first_round.slots.filter(speaker=person).exists():
            LightningSlot.objects.filter(pk=slot.pk).update(
                speaker=person, talk_title=talk, taken_at=now
            )
