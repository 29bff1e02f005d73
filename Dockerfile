FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 EXCHANGE_VAR_DIR=/app/var
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock: every package pinned, each file checked against the hash PyPI published for it.
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN SECRET_KEY=build python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build python manage.py collectstatic --no-input -v0
RUN useradd --create-home exchange && mkdir -p /app/var && chown -R exchange /app/var
USER exchange
EXPOSE 8000
CMD ["gunicorn", "exchange.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
