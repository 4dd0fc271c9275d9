from django.core.management.base import BaseCommand

from lab_project.mfa.personas import PERSONAS, seed


class Command(BaseCommand):
    help = "Create or reset the lab's personas (LAB ONLY: the passwords are public)."

    def handle(self, *args, **options):
        seed()
        for p in PERSONAS.values():
            self.stdout.write(f"{p.username:8} {p.password:16} {p.factor or '-':6} {p.role}")
