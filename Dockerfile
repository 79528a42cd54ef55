# Production image: gunicorn serving review.wsgi with prod settings.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=review.settings.prod
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic and compilemessages need settings but no real secrets or database.
# (A throwaway key, random: production settings refuse a weak one.)
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    sh -c "python manage.py compilemessages --ignore=.venv -v0 && python manage.py collectstatic --noinput -v0"
RUN useradd --create-home review && mkdir -p /app/media /app/var/pending-uploads && chown -R review /app/media /app/var /app/staticfiles
USER review
EXPOSE 8000
CMD ["gunicorn", "review.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
