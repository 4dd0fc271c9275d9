"""The lab's own errors: something about the lab itself is off, and the message says what to do."""


class LabError(RuntimeError):
    """Something about the lab itself is off; the message says what to do."""


class LoginFailed(LabError):
    """A wizard step refused a persona's sign-in; the message says which and why."""
