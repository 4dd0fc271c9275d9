"""Exercise 4's hook: the MFA policy for privileged users, and its grace period.

PrivilegedUserPolicy sits in settings.MIDDLEWARE. It hands each request to the
exercise's `MFAPolicyMiddleware`; while that is not written (NotImplementedError, or
no module), it lets every request through, as a naive setup does.
"""

from datetime import timedelta

from django.conf import settings

from . import clock
from .exercise_code import implementation, say_once

FINANCE_GROUP = "finance"


def grace_period_days():
    return settings.LAB_MFA_GRACE_PERIOD_DAYS


def grace_period():
    return timedelta(days=grace_period_days())


def is_privileged(user):
    """Staff, superusers and members of the finance group hold privileges."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.pk is not None and user.groups.filter(name=FINANCE_GROUP).exists()


def privileged_since(user):
    """When the user became privileged (None if never recorded)."""
    from .models import PrivilegeRecord

    record = PrivilegeRecord.objects.filter(user=user).first()
    return record.privileged_since if record else None


def grace_period_ends(user):
    since = privileged_since(user)
    return since + grace_period() if since else None


def in_grace_period(user, now=None):
    ends = grace_period_ends(user)
    return ends is not None and (now or clock.now()) < ends


class PrivilegedUserPolicy:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = None
        policy_class = implementation("ex04", "MFAPolicyMiddleware")
        if policy_class is not None:
            try:
                self.policy = policy_class(get_response)
            except NotImplementedError:
                say_once("ex04: MFAPolicyMiddleware is not implemented yet; privileged users need no MFA.")

    def __call__(self, request):
        if self.policy is not None:
            try:
                return self.policy(request)
            except NotImplementedError:
                say_once("ex04: MFAPolicyMiddleware is not implemented yet; privileged users need no MFA.")
                self.policy = None
        return self.get_response(request)
