"""Exercise 3's hook: backup codes, from the learner's module or django-otp's naive tokens.

The lab asks exercise 3 for generate_backup_codes / verify_backup_code /
remaining_backup_codes. While those raise NotImplementedError (or are missing) it
falls back to django-otp's StaticDevice: plaintext tokens, shown on every visit.
"""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .exercise_code import call, implementation

NAIVE_COUNT = 10


def naive_device(user):
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    return device


def naive_generate(user, count=NAIVE_COUNT):
    device = naive_device(user)
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(count)]
    for token in tokens:
        device.token_set.create(token=token)
    return tokens


def naive_verify(user, code):
    device = StaticDevice.objects.filter(user=user).first()
    if device is None:
        return False
    allowed, _ = device.verify_is_allowed()
    return bool(allowed) and device.verify_token(code)


def naive_remaining(user):
    return StaticToken.objects.filter(device__user=user).count()


def naive_tokens(user):
    """The plaintext tokens django-otp shows again on every visit (naive only)."""
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def implemented():
    """True when exercise 3's module has the functions (they may still raise)."""
    return implementation("ex03", "generate_backup_codes") is not None


def generate_codes(user, count=NAIVE_COUNT):
    return call("ex03", "generate_backup_codes", user, count, fallback=naive_generate)


def verify_code(user, code):
    return bool(call("ex03", "verify_backup_code", user, code, fallback=naive_verify))


def remaining_codes(user):
    return call("ex03", "remaining_backup_codes", user, fallback=naive_remaining)
