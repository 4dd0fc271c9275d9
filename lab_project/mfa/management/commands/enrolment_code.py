from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lab_project.mfa import enrolment


class Command(BaseCommand):
    help = ("Issue a single-use MFA enrolment code for USERNAME (exercise 4: a privileged user past the "
            "grace period needs one to set up a second factor). The code is printed once and emailed to the user.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=float, default=enrolment.VALID_FOR.total_seconds() / 3600,
                            help="how long the code stays valid (default: %(default)g)")

    def handle(self, username, hours, **options):
        if hours <= 0:
            raise CommandError("--hours must be more than 0.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}. `python manage.py shell` can list them.")
        code = enrolment.issue(user, issued_by="manage.py enrolment_code", valid_for=timedelta(hours=hours))
        self.stdout.write(f"Enrolment code for {username} (valid {hours:g} h, single use; shown only now): {code}")
