"""django-otp's throttle, checked and counted atomically.

django-otp reads a device's failure count, checks a code, then writes the count: requests
sent in parallel all read the same count and all get their code checked. Here a request
first *claims* its check: a conditional UPDATE that counts the failure in advance and only
succeeds if the count is still the one it read. Of requests in parallel, one claims; the
others are refused unchecked. A code that then proves right resets the count.
"""

from django.utils import timezone


class Throttled(Exception):
    def __init__(self, info):
        super().__init__(info)
        self.info = info  # django-otp's data: reason, failure_count, locked_until


def claim(device):
    """Take the right to check one code on `device` (a fresh row, read inside a transaction)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise Throttled(info)
    count, stamp = device.throttling_failure_count, device.throttling_failure_timestamp
    rows = type(device).objects.filter(pk=device.pk, throttling_failure_count=count)
    rows = rows.filter(throttling_failure_timestamp__isnull=True) if stamp is None else \
        rows.filter(throttling_failure_timestamp=stamp)
    if rows.update(throttling_failure_count=count + 1, throttling_failure_timestamp=timezone.now()) != 1:
        raise Throttled({"reason": "parallel", "failure_count": count + 1})
    device.throttling_failure_count = count + 1


def locked(device):
    """The device's row, read again under a lock for the rest of the transaction."""
    return type(device).objects.select_for_update().get(pk=device.pk)


RESET = {"throttling_failure_count": 0, "throttling_failure_timestamp": None}
