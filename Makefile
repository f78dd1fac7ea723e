# The two commands a newcomer needs: `make run` and `make test`.
# Everything is installed into the project folder (.tools/ for uv, .venv/ for the portal).

PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: install install-dev run test lint format chromium worker beat clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)  ## the portal's locked runtime dependencies
	$(UV) sync --locked --no-dev

install-dev: $(UV)  ## runtime and test dependencies
	$(UV) sync --locked

run: install  ## migrate, seed the demo cohort and serve it on http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

chromium:  ## the browser the journeys drive (Debian's package)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser journeys..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser journeys need Chromium at $(CHROMIUM)."; \
		echo "Install it with: sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)"; \
		exit 1; \
	fi

lint: install-dev  ## ruff, and the import contracts of pyproject.toml (layers run one way)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install-dev chromium lint  ## ruff, then the whole pytest suite
	CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest $(PYTEST_ARGS)

# The worker as production runs it (docker-compose.yml runs the same command): it reconnects to
# Redis by itself after any outage; should the process still die (an OOM kill), it is started
# again after 5 seconds, as compose's `restart: unless-stopped` does. Ctrl-C stops both.
WORKER_CONCURRENCY ?= 2
worker: install  ## a Celery worker (needs REDIS_URL), restarted if it ever exits
	@while true; do \
		$(VENV)/bin/celery -A cohort worker --loglevel=INFO --concurrency=$(WORKER_CONCURRENCY) || true; \
		echo "The worker exited; starting it again in 5 s (Ctrl-C to stop)"; sleep 5; \
	done

beat: install  ## Celery beat (needs REDIS_URL)
	$(VENV)/bin/celery -A cohort beat --loglevel=INFO

clean:
	rm -rf .tools $(VENV) .pytest_cache .ruff_cache staticfiles
