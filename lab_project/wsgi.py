"""WSGI entry point of the lab bank."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_project.settings")
application = get_wsgi_application()
