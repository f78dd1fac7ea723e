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

    assert sorted(services) == ["beat", "db", "proxy", "redis", "web", "worker"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == "postgres://portal:portal@db:5432/portal"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_compose_proxy_sends_photo_bytes_from_the_uploads_volume_after_the_portal_checks():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    env = services["web"]["environment"]
    conf = (COMPOSE.parent / "deploy" / "nginx.conf").read_text()

    internal = (
        f"location {env['PHOTO_ACCEL_REDIRECT']} {{\n        internal;\n"
        f"        alias {env['MEDIA_ROOT']}/;"
    )
    assert internal in conf
    assert services["proxy"]["volumes"] == [
        "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro",
        "uploads:/data:ro",
    ]
    assert services["proxy"]["ports"] == ["8000:80"]
    assert "ports" not in services["web"]  # every request comes through the proxy
