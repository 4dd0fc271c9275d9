#!/usr/bin/env python
"""Django's command-line utility for the lab bank: `python manage.py runserver`."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_project.settings")
    # runserver's own default, 127.0.0.1, is no domain name: security keys (WebAuthn, RP ID
    # "localhost") refuse it. Serve and announce http://localhost:8000/ unless told otherwise.
    if sys.argv[1:2] == ["runserver"] and not [arg for arg in sys.argv[2:] if not arg.startswith("-")]:
        sys.argv.append("localhost:8000")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
