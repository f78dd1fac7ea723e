"""docker-compose.yml runs the same commands as the stack test (tests/stack/test_stack.py)."""

import shlex
from pathlib import Path

import yaml

from tests.stack.commands import COMPOSE_VALUES, SERVICES, filled

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def _commands(command) -> list[list[str]]:
    """A compose command as the list of commands it runs (`sh -c "a && b"` is two)."""
    words = command if isinstance(command, list) else shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in words[2].split("&&")]
    return [words]


def test_compose_services_run_the_commands_the_stack_test_runs():
    services = yaml.safe_load(COMPOSE.read_text())["services"]

    ran = {name: _commands(services[name]["command"]) for name in SERVICES}

    assert ran == {
        name: [filled(command, COMPOSE_VALUES) for command in commands]
        for name, commands in SERVICES.items()
    }


def test_compose_stack_has_postgres_redis_and_shared_settings():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]

    assert sorted(services) == ["beat", "db", "redis", "web", "worker"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == "postgres://portal:portal@db:5432/portal"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
