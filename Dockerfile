# The portal's image: one image for the web processes, the workers and beat (compose.yaml).
# Assets come from the npm registry at build time (no CDN); Python packages from PyPI, pinned
# and hash-checked (requirements.txt).
FROM node:22-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production LOG_FORMAT=json
# WeasyPrint's Pango and the PDFs' font; pg_dump/pg_restore for `manage.py backup` and `restore`.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 portail
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Static files are collected into the image (WhiteNoise serves them, hashed and compressed);
# the placeholders below exist only for this build step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput
USER portail
EXPOSE 8000
CMD ["gunicorn", "cress.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--timeout=60", "--access-logfile=-"]
