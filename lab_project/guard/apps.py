from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "lab_project.guard"
    label = "guard"
    verbose_name = "Second-factor checks with the learner's code"
    default_auto_field = "django.db.models.BigAutoField"
