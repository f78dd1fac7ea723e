from django.urls import reverse

from cohort.models import Role
from participants.models import PairingJoin, PairingTopic
from tests.factories.participants import PairingTopicFactory


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_pairing_post_topic_puts_owner_in(client, cohort, participant):
    client.force_login(participant)

    client.post(
        _url(cohort, "pairing"), {"title": "IOI notebook", "kind": "tutorial", "when": "Evenings"}
    )

    topic = PairingTopic.objects.get()
    assert (topic.title, list(topic.joins.values_list("user", flat=True))) == (
        "IOI notebook",
        [participant.pk],
    )


def test_pairing_join_then_leave(client, cohort, participant, make_member):
    topic = PairingTopicFactory(cohort=cohort, owner=make_member(Role.PARTICIPANT))
    client.force_login(participant)

    client.post(_url(cohort, "pairing_join", pk=topic.pk))
    joined = PairingJoin.objects.filter(topic=topic, user=participant).count()
    client.post(_url(cohort, "pairing_join", pk=topic.pk))
    left = PairingJoin.objects.filter(topic=topic, user=participant).count()

    assert (joined, left) == (1, 0)


def test_pairing_shows_how_far_apart_clocks_are(client, cohort, make_member):
    owner = make_member(Role.PARTICIPANT, timezone="UTC")
    viewer = make_member(Role.PARTICIPANT, timezone="UTC")
    PairingTopicFactory(cohort=cohort, owner=owner, title="Hooks")
    client.force_login(viewer)

    html = client.get(_url(cohort, "pairing")).content.decode()

    assert "UTC, same time as you" in html


def test_pairing_only_owner_removes_topic(client, cohort, participant, make_member):
    topic = PairingTopicFactory(cohort=cohort, owner=make_member(Role.PARTICIPANT))
    client.force_login(participant)

    response = client.post(_url(cohort, "pairing_remove", pk=topic.pk))

    assert response.status_code == 404
    assert PairingTopic.objects.filter(pk=topic.pk).exists() is True
