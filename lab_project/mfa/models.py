"""The lab's own tables: the outbox, privilege history and the lab clock."""

from django.conf import settings
from django.db import models
from django_otp.models import Device


class OutboxMessage(models.Model):
    """A text message, voice call or email the lab 'sent'. Nothing leaves the machine."""

    SMS, CALL, EMAIL = "sms", "call", "email"
    CHANNELS = [(SMS, "SMS"), (CALL, "Voice call"), (EMAIL, "Email")]

    channel = models.CharField(max_length=5, choices=CHANNELS)
    to = models.CharField(max_length=254)
    body = models.TextField()
    token = models.CharField(max_length=16, blank=True, help_text="The one-time code in the message, if any.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.channel} to {self.to}: {self.body[:40]}"


class PrivilegeRecord(models.Model):
    """When a user became privileged (staff, superuser or finance): the grace period's start."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privilege")
    privileged_since = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: privileged since {self.privileged_since}"


class LabClock(models.Model):
    """A clock tests and notebooks can freeze; `lab_project.mfa.clock.now()` reads it."""

    frozen_at = models.DateTimeField(null=True, blank=True)


class BackupCode(models.Model):
    """One backup code of exercise 3: only a salted, slow hash of it (`digest`) is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"backup code of {self.user} ({'used' if self.used_at else 'unused'})"


class BackupCodeThrottle(models.Model):
    """Exercise 3's throttle: consecutive wrong backup codes and when the last one came."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="backup_code_throttle")
    failure_count = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)


class BackupCodeDevice(Device):
    """The login wizard's backup step as a django-otp device.

    verify_token() hands the code to exercise 3's verify_backup_code(); while that is
    not written, it checks django-otp's plaintext backup tokens (StaticDevice) instead,
    as a naive setup does. The device itself stores nothing secret.
    """

    def verify_token(self, token):
        from .backup import verify_code

        return verify_code(self.user, token)


class EnrolmentCode(models.Model):
    """A single-use, time-limited code an administrator issues so that a privileged user past
    the grace period may enrol a device (exercise 4). Only a SHA-256 digest is kept: the code
    has 80 random bits, so a fast hash is enough (no one can try 2**80 guesses)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"enrolment code for {self.user} ({'used' if self.used_at else 'unused'})"
