"""The partner board's cards are cached (participants/board.py): every change shows on the next
view, and nothing of one cohort or one viewer reaches another."""

from django.urls import reverse

from cohort.models import Role
from participants import services
from participants.models import PartnerEntry
from sprints import services as sprint_services
from tests.factories.participants import PartnerEntryFactory


def _board(client, cohort, who, **params):
    client.force_login(who)
    return client.get(reverse("participants:partners", kwargs={"slug": cohort.slug}), params)


def _names(response):
    return [row.card.name for row in response.context["entries"]]


def test_board_cache_shows_a_new_entry_on_the_next_view(client, cohort, make_member):
    viewer = make_member(Role.PARTICIPANT)
    first = make_member(Role.PARTICIPANT, name="Ada First")
    PartnerEntryFactory(cohort=cohort, user=first)
    assert _names(_board(client, cohort, viewer)) == ["Ada First"]
    newcomer = make_member(Role.PARTICIPANT, name="Ben Newcomer")

    services.save_partner_entry(
        cohort=cohort,
        user=newcomer,
        fields={"want_to_work_on": "Probing for truth", "interests": ",probing,",
                "available_from": 9, "available_to": 17},
    )  # fmt: skip
    response = _board(client, cohort, viewer)

    assert sorted(_names(response)) == ["Ada First", "Ben Newcomer"]
    assert "Probing for truth" in response.content.decode()


def test_board_cache_shows_an_edited_entry_and_a_renamed_person(client, cohort, make_member):
    viewer = make_member(Role.PARTICIPANT)
    owner = make_member(Role.PARTICIPANT, name="Old Name")
    entry = PartnerEntryFactory(cohort=cohort, user=owner, want_to_work_on="Circuits first")
    _board(client, cohort, viewer)

    entry.want_to_work_on = "Steering vectors now"
    entry.save()
    owner.name = "New Name"
    owner.timezone = "Asia/Tokyo"
    owner.save()
    page = _board(client, cohort, viewer).content.decode()

    assert ("Steering vectors now" in page, "Circuits first" in page) == (True, False)
    assert ("New Name" in page, "Old Name" in page, "Asia/Tokyo" in page) == (True, False, True)


def test_board_cache_drops_people_who_pair_or_withdraw(
    client, cohort, make_member, django_capture_on_commit_callbacks
):
    viewer = make_member(Role.PARTICIPANT)
    a, b, c = (make_member(Role.PARTICIPANT, name=n) for n in ("Ann", "Bob", "Cat"))
    for person in (a, b, c):
        PartnerEntryFactory(cohort=cohort, user=person)
    assert sorted(_names(_board(client, cohort, viewer))) == ["Ann", "Bob", "Cat"]

    with django_capture_on_commit_callbacks(execute=True):
        invitation = sprint_services.invite_partner(cohort=cohort, from_user=a, to_user=b)
        sprint_services.accept_invitation(invitation_id=invitation.pk, user=b)
    after_pair = _names(_board(client, cohort, viewer))
    services.withdraw(membership=c.memberships.get(), scope="program")
    after_withdrawal = _names(_board(client, cohort, viewer))

    assert (after_pair, after_withdrawal) == (["Cat"], [])


def test_board_cache_never_shows_another_cohorts_entries(client, cohort, other_cohort, make_member):
    here = make_member(Role.PARTICIPANT)
    there = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    PartnerEntryFactory(cohort=cohort, user=make_member(Role.PARTICIPANT, name="Here Person"))
    PartnerEntryFactory(
        cohort=other_cohort,
        user=make_member(Role.PARTICIPANT, name="There Person", in_cohort=other_cohort),
    )

    mine = [_names(_board(client, cohort, here)) for _ in range(2)]
    theirs = [_names(_board(client, other_cohort, there)) for _ in range(2)]

    assert mine == [["Here Person"], ["Here Person"]]
    assert theirs == [["There Person"], ["There Person"]]


def test_board_cache_keeps_each_viewers_interest_and_entry_their_own(client, cohort, make_member):
    owner = make_member(Role.PARTICIPANT, name="Olga Owner")
    fan = make_member(Role.PARTICIPANT, name="Finn Fan")
    bystander = make_member(Role.PARTICIPANT, name="Bea Bystander")
    entry = PartnerEntryFactory(cohort=cohort, user=owner, want_to_work_on="Olga's plan")
    PartnerEntryFactory(cohort=cohort, user=fan, want_to_work_on="Finn's plan")
    _board(client, cohort, bystander)  # the cards are cached before any interest

    services.mark_interest(entry=entry, user=fan, note="Count me in")
    fan_page = _board(client, cohort, fan)
    owner_page = _board(client, cohort, owner)
    bystander_page = _board(client, cohort, bystander)

    said = "You said you're interested: “Count me in”."
    assert [row.my_interest is not None for row in fan_page.context["entries"]] == [True]
    assert (said in fan_page.content.decode(), said in bystander_page.content.decode()) == (
        True,
        False,
    )
    # The note reaches the owner's own entry section, and nobody else's page.
    assert "Count me in" in owner_page.content.decode()
    assert "Count me in" not in bystander_page.content.decode()
    # Each viewer's own entry is theirs, not a card on their board.
    assert _names(fan_page) == ["Olga Owner"]
    assert _names(owner_page) == ["Finn Fan"]
    assert fan_page.context["mine"].name == "Finn Fan"


def test_board_cards_hold_no_token_of_any_viewer(client, cohort, make_member):
    a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    PartnerEntryFactory(cohort=cohort, user=make_member(Role.PARTICIPANT))

    rows = _board(client, cohort, a).context["entries"]

    card = rows[0].card
    cached = card.html + card.interest_html + card.invite_html
    assert ("csrfmiddlewaretoken" in cached, "once_token" in cached) == (False, False)
    page = _board(client, cohort, b).content.decode()
    cards = page[page.index('<div class="entries">') :]
    assert cards.count("csrfmiddlewaretoken") == 0
    # The cards' buttons post through the two forms that carry the viewer's tokens.
    assert page.count('id="partner-interest"') == page.count('id="partner-invite"') == 1


def test_board_interest_form_sends_the_note_of_the_pressed_card(
    client, cohort, participant, make_member
):
    a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    entry_a = PartnerEntryFactory(cohort=cohort, user=a)
    entry_b = PartnerEntryFactory(cohort=cohort, user=b)
    client.force_login(participant)
    url = reverse("participants:partner_board_interest", kwargs={"slug": cohort.slug})

    client.post(url, {"entry": entry_b.pk, f"note-{entry_a.pk}": "", f"note-{entry_b.pk}": "Hi B"})
    sent = list(entry_b.interests_received.values_list("user_id", "note"))
    client.post(url, {"withdraw": entry_b.pk})

    assert sent == [(participant.pk, "Hi B")]
    assert (entry_a.interests_received.count(), entry_b.interests_received.count()) == (0, 0)
    assert PartnerEntry.objects.count() == 2


def test_board_filter_and_sort_work_on_cached_cards(client, cohort, make_member):
    me = make_member(Role.PARTICIPANT, timezone="Europe/London")
    PartnerEntryFactory(
        cohort=cohort, user=me, interests=",circuits,probing,", available_from=9, available_to=17
    )
    far = make_member(Role.PARTICIPANT, name="Far Away", timezone="Pacific/Auckland")
    near = make_member(Role.PARTICIPANT, name="Near By", timezone="Europe/Paris")
    PartnerEntryFactory(cohort=cohort, user=far, interests=",circuits,", available_from=9,
                        available_to=17)  # fmt: skip
    PartnerEntryFactory(cohort=cohort, user=near, interests=",circuits,probing,",
                        available_from=9, available_to=17)  # fmt: skip

    best = _names(_board(client, cohort, me))
    newest = _names(_board(client, cohort, me, sort="newest"))
    probing = _names(_board(client, cohort, me, interest="Probing"))

    assert (best, newest, probing) == (
        ["Near By", "Far Away"],
        ["Near By", "Far Away"],
        ["Near By"],
    )
