"""Record when a user becomes privileged, so the grace period has a start."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from . import clock
from .models import PrivilegeRecord
from .policy import is_privileged


def update_privilege(user, using="default"):
    record, _ = PrivilegeRecord.objects.using(using).get_or_create(user=user)
    privileged = user.is_active and is_privileged(user)
    if privileged and record.privileged_since is None:
        record.privileged_since = clock.now(using)
        record.save(update_fields=["privileged_since"])
    elif not privileged and record.privileged_since is not None:
        record.privileged_since = None
        record.save(update_fields=["privileged_since"])


@receiver(post_save, sender=get_user_model())
def user_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        update_privilege(instance, using)


@receiver(m2m_changed, sender=get_user_model().groups.through)
def groups_changed(sender, instance, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, get_user_model()):
        update_privilege(instance, using)
