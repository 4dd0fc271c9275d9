"""One row per SMS or voice code the lab sent: when (lab clock), which time step, and
whether it was used. The send limit counts these rows; single use strikes them off."""

from django.db import models
from two_factor.plugins.phonenumber.models import PhoneDevice


class PhoneCode(models.Model):
    device = models.ForeignKey(PhoneDevice, on_delete=models.CASCADE, related_name="lab_codes")
    step = models.BigIntegerField(help_text="The TOTP time step of the code that was sent.")
    sent_at = models.DateTimeField(help_text="When it was sent, by the lab clock.")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["device", "sent_at"])]

    def __str__(self):
        return f"code of step {self.step} to {self.device.number} ({'used' if self.used_at else 'unused'})"
