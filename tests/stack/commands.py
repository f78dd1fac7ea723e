"""The commands the production stack runs: docker-compose.yml's services run exactly these (a test
parses the file and compares), and the stack test starts them as separate processes."""

BIND = "{bind}"
SCHEDULE = "{schedule}"

MIGRATE = ["python", "manage.py", "migrate", "--no-input"]
WEB = [
    "gunicorn",
    "cohort.wsgi:application",
    "--bind",
    BIND,
    "--workers",
    "2",
    "--access-logfile",
    "-",
]
WORKER = ["celery", "-A", "cohort", "worker", "--loglevel=INFO", "--concurrency=2"]
BEAT = ["celery", "-A", "cohort", "beat", "--loglevel=INFO", "--schedule", SCHEDULE]

# docker-compose.yml's service -> the commands it runs, one after the other.
SERVICES = {"web": [MIGRATE, WEB], "worker": [WORKER], "beat": [BEAT]}
# The values compose fills in; the stack test uses a free port and a temporary folder instead.
COMPOSE_VALUES = {BIND: "0.0.0.0:8000", SCHEDULE: "/tmp/celerybeat-schedule"}  # noqa: S108 - in the container


def filled(command: list[str], values: dict[str, str]) -> list[str]:
    return [values.get(part, part) for part in command]
