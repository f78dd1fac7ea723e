import socket

import pytest
from django.core.cache import cache

from cohort.celery import app as celery_app
from cohort.models import Role
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory

ROLES = [Role.PARTICIPANT, Role.TA, Role.MENTOR, Role.OPERATIONS]


@pytest.fixture(autouse=True)
def _isolated_test(settings):
    """Fast hashing, a clean cache (allauth's rate limits live there) and in-process tasks."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Private uploads (receipts) go to a temporary folder, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    """Any connection that leaves this machine fails the test that makes it."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")
        ):
            raise RuntimeError(f"A test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    socket.socket.connect = guarded_connect
    yield
    socket.socket.connect = real_connect


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
