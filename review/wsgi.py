"""WSGI entry point; production serves it with gunicorn (see docker-compose.yml)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "review.settings.prod")

application = get_wsgi_application()
