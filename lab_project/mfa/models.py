"""The lab's own tables: the outbox, privilege history and the lab clock."""

from django.conf import settings
from django.db import models


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
