from django.apps import AppConfig


class BankConfig(AppConfig):
    name = "lab_project.bank"
    label = "bank"
    verbose_name = "Bank"
