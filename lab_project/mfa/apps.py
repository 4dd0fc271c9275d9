from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "lab_project.mfa"
    label = "mfa"
    verbose_name = "MFA lab plumbing"

    def ready(self):
        from . import signals  # noqa: F401  (records when a user becomes privileged)
        from .upstream import strip_script_prefix_in_is_otp_view

        strip_script_prefix_in_is_otp_view()
