# The portal's image: gunicorn serves the web app, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# WeasyPrint (volunteer certificates, the 工作通报) draws with Pango; fonts-noto-cjk sets Chinese in the PDFs it
# embeds and in the circular's charts (matplotlib finds it through its font list or fontconfig's fc-match);
# postgresql-client (15, as the compose database) gives `manage.py backup` / `restore` their pg_dump and pg_restore
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-noto-cjk fontconfig postgresql-client && rm -rf /var/lib/apt/lists/*
# matplotlib keeps its font list in a writable place (the portal user has no home directory)
ENV MPLCONFIGDIR=/tmp/matplotlib

# The lock (make lock): the same transitive versions as every developer and CI, each checked against its hash
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock

COPY . .
# Static files hashed and compressed for whitenoise (CompressedManifestStaticFilesStorage) with the production
# settings, which need these three to start; none of them is used by collectstatic or kept in the image.
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 portal && mkdir -p /app/media && chown portal /app/media
USER portal

EXPOSE 8000
# Workers and timeout from WEB_WORKERS and WEB_TIMEOUT (deploy/gunicorn.conf.py).
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "league_portal.wsgi"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s CMD ["python", "deploy/healthcheck.py", "live"]
