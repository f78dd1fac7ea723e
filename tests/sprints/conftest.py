from datetime import timedelta

import pytest
import time_machine

from cohort.models import Role


@pytest.fixture
def people(make_member):
    """Six participants of the test cohort."""
    return [make_member(Role.PARTICIPANT, name=f"Person {n}") for n in range(1, 7)]


@pytest.fixture
def after_sprint_start(cohort):
    with time_machine.travel(cohort.start_of(cohort.sprint_start) + timedelta(hours=1)):
        yield
