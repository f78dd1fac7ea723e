from cohort import fragments


def test_a_bump_changes_only_its_own_cohort_and_topic(db):
    before = fragments.generations(1, ["board", "schedule"])
    other = fragments.generations(2, ["board"])

    fragments.bump(1, "board")

    after = fragments.generations(1, ["board", "schedule"])
    assert after["board"] != before["board"]
    assert after["schedule"] == before["schedule"]
    assert fragments.generations(2, ["board"]) == other


def test_a_bump_happens_again_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    start = fragments.generations(1, ["board"])["board"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fragments.bump(1, "board")
    in_transaction = fragments.generations(1, ["board"])["board"]
    assert in_transaction != start

    for callback in callbacks:
        callback()

    assert fragments.generations(1, ["board"])["board"] not in (start, in_transaction)


def test_a_lost_generation_comes_back_different_from_the_first(db):
    first = fragments.generations(1, ["board"])["board"]
    fragments.cache.delete(fragments._key(1, "board"))
    fragments.bump(1, "board")
    assert fragments.generations(1, ["board"])["board"] != first


def test_a_change_of_the_cohort_renews_every_topic(cohort):
    fragments.bump(cohort.pk, "board")  # a topic this process has heard of
    before = fragments.generations(cohort.pk, ["board", "schedule"])

    cohort.name = "Renamed round"
    cohort.save()

    after = fragments.generations(cohort.pk, ["board", "schedule"])
    assert after["board"] != before["board"]
    assert after["schedule"] != before["schedule"]


def test_a_persons_save_renews_the_topics_of_what_it_wrote_in_every_cohort_of_theirs(
    participant, cohort, other_cohort, django_assert_num_queries
):
    from tests.factories.cohort import MembershipFactory

    MembershipFactory(cohort=other_cohort, user=participant)
    topics = ["people", "compute", "last-seen"]

    def now():
        return fragments.generations(cohort.pk, topics), fragments.generations(
            other_cohort.pk, topics
        )

    start = now()
    participant.save(update_fields=["last_login"])  # a login
    login = now()
    participant.name = "A New Name"
    # The save, one query for their cohorts whatever the topics, one for the events they host.
    with django_assert_num_queries(3):
        participant.save(update_fields=["name"])
    renamed = now()

    for index in (0, 1):  # both cohorts of theirs
        assert login[index]["last-seen"] != start[index]["last-seen"]
        assert login[index]["people"] == start[index]["people"]
        assert login[index]["compute"] == start[index]["compute"]
        assert renamed[index]["people"] != login[index]["people"]
        assert renamed[index]["compute"] != login[index]["compute"]
        assert renamed[index]["last-seen"] == login[index]["last-seen"]
