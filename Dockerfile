FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 1000 portal

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
RUN DJANGO_DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /data/media /data/private \
    && chown -R portal:portal /data

USER portal
EXPOSE 8000
# gunicorn reads its worker count from WEB_CONCURRENCY. On 2 cores `make bench` measured 2
# workers fastest on every page (3 and 4 only add switching); raise it with the cores.
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "cohort.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
