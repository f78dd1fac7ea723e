"""The input tests reuse the permission matrix's world: one cohort with a record behind every
URL, and a second cohort whose mentor is the outsider."""

import os

from hypothesis import HealthCheck, settings

from tests.compute.conftest import private_files  # noqa: F401  (fixtures, used by name)
from tests.test_permission_matrix import world  # noqa: F401

# Bounded run time: `dev` is the default, `ci` tries more; HYPOTHESIS_PROFILE picks one.
settings.register_profile(
    "dev",
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_terminal_summary(terminalreporter):
    from tests.input.crawl import FIGURES

    if FIGURES["requests"]:
        terminalreporter.write_line(
            f"input property: {FIGURES['cells']} cells in {FIGURES['requests']} requests, "
            f"{len(FIGURES['forms'])} forms, {len(FIGURES['parameters'])} query parameters, "
            f"{FIGURES['server_errors']} server errors"
        )
