"""ASGI entry point for Kazoom."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazoom_site.settings")
application = get_asgi_application()
