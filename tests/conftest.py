import pytest
from django.contrib import admin
from django.core.cache import cache

from cohort.celery import app as celery_app
from cohort.models import Role
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.netguard import sitecustomize as netguard

ROLES = [Role.PARTICIPANT, Role.TA, Role.MENTOR, Role.OPERATIONS]


@pytest.fixture(autouse=True)
def _isolated_test(settings):
    """Fast hashing, a clean cache (allauth's rate limits live there) and in-process tasks."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    admin.site._app_lists.clear()  # the admin sidebar kept per set of rights (admin_site.py)
    admin.site._sidebars.clear()
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Private uploads (receipts) go to a temporary folder, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    """Any connection that leaves this machine fails the test that makes it (workers the
    tests start are guarded the same way: tests/netguard/)."""
    uninstall = netguard.install()
    yield
    uninstall()


@pytest.fixture
def get_in_queries(client, django_assert_num_queries):
    """GET a page as the logged-in `client` in exactly `count` database queries.

    The one query-count check of the suite: each list page's test runs at 1 and at 3 rows
    (parametrized) with one literal count, so a page whose queries grow with its rows fails."""

    def get(url: str, count: int):
        with django_assert_num_queries(count):
            response = client.get(url)
        assert response.status_code == 200
        return response

    return get


@pytest.fixture
def cohort(db):
    return CohortFactory(slug="demo-test", name="Test Cohort")


@pytest.fixture
def make_member(db, cohort):
    def make(role=Role.PARTICIPANT, *, in_cohort=None, **user_fields):
        user = UserFactory(**user_fields)
        MembershipFactory(cohort=in_cohort or cohort, user=user, role=role)
        if role in (Role.MENTOR, Role.OPERATIONS):
            from cohort.services import refresh_staff_status

            refresh_staff_status(user=user)
        return user

    return make


@pytest.fixture
def participant(make_member):
    return make_member(Role.PARTICIPANT, name="Pat Participant")


@pytest.fixture
def mentor(make_member):
    return make_member(Role.MENTOR, name="Maria Mentor")


@pytest.fixture
def other_cohort(db):
    return CohortFactory(slug="other", name="Other Cohort")


@pytest.fixture
def member_of_two(cohort):
    """A participant of `cohort` and of a second cohort "elsewhere" on the same time zone: the
    one visitor whose cached pages of two cohorts must never mix."""
    elsewhere = CohortFactory(slug="elsewhere", timezone=cohort.timezone)
    user = MembershipFactory(cohort=cohort, role=Role.PARTICIPANT).user
    MembershipFactory(cohort=elsewhere, user=user, role=Role.PARTICIPANT)
    return user, elsewhere


def assert_each_shows_only_its_own(pages: dict[str, str]) -> None:
    """Each page (keyed by the text only it should show) shows its own text and no other's."""
    for own, html in pages.items():
        assert own in html
        assert [other for other in pages if other != own and other in html] == []
