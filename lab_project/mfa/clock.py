"""The lab's clock: real time, unless a notebook or test froze it (LabClock row)."""

from django.utils import timezone


def now(using="default"):
    from .models import LabClock

    frozen = LabClock.objects.using(using).filter(frozen_at__isnull=False).values_list("frozen_at", flat=True).first()
    return frozen or timezone.now()


def freeze(at, using="default"):
    """Freeze the lab clock at `at` (an aware datetime), or unfreeze it with None."""
    from .models import LabClock

    LabClock.objects.using(using).all().delete()
    if at is not None:
        LabClock.objects.using(using).create(frozen_at=at)
