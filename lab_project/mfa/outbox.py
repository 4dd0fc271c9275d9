"""Where the lab's SMS, voice calls and emails go: a table, never the network.

`OutboxGateway` is a django-two-factor-auth gateway (TWO_FACTOR_SMS_GATEWAY,
TWO_FACTOR_CALL_GATEWAY); `OutboxEmailBackend` is a Django email backend. Notebooks
and tests read the messages with `messages()`.
"""

import re

from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage

CODE = re.compile(r"\b(\d{6,8})\b")


def _token_in(text):
    match = CODE.search(text)
    return match.group(1) if match else ""


def _note(device, token):
    """Tell the lab's phone-code record (send limit, single use) about a code sent to a saved device."""
    if device.pk is not None:
        from lab_project.guard.phone import record_send

        record_send(device, token)


class OutboxGateway:
    """Send a one-time code to a phone: here, write it to the outbox."""

    def send_sms(self, device, token):
        _note(device, token)
        body = f"MFA Lab Bank: your sign-in code is {token}. Never share it."
        OutboxMessage.objects.create(channel=OutboxMessage.SMS, to=str(device.number), body=body, token=token)

    def make_call(self, device, token):
        _note(device, token)
        spoken = ", ".join(token)
        body = f"This is MFA Lab Bank. Your code is {spoken}. Again: {spoken}."
        OutboxMessage.objects.create(channel=OutboxMessage.CALL, to=str(device.number), body=body, token=token)


class OutboxEmailBackend(BaseEmailBackend):
    """A Django email backend that files every message in the outbox."""

    def send_messages(self, email_messages):
        for message in email_messages:
            body = message.body
            for recipient in message.recipients():
                OutboxMessage.objects.create(
                    channel=OutboxMessage.EMAIL, to=recipient, body=f"{message.subject}\n\n{body}", token=_token_in(body)
                )
        return len(email_messages)


def messages(channel=None, to=None, using="default"):
    """The outbox, oldest first, optionally for one channel and one recipient."""
    query = OutboxMessage.objects.using(using).all()
    if channel:
        query = query.filter(channel=channel)
    if to:
        query = query.filter(to=str(to))
    return list(query)
