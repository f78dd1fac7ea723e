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
