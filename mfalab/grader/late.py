"""Late submissions: days past a deadline and the penalty they cost.

A submission's time is the newest modification time of the modules graded (a folder's
files, a zip's entries, a Canvas download's files). Each day or part of a day past the
deadline costs `per_day` percent of the total, down to 0. A submission with no time is
not marked late, and its row says so.
"""

import math
from datetime import datetime, timezone

DAY = 86400


class DeadlineError(ValueError):
    """The deadline is not an ISO 8601 date and time."""


def parse_deadline(text):
    """An aware datetime (UTC when `text` names no zone) from ISO 8601 text."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DeadlineError(f"deadline {text!r}: write it as ISO 8601, e.g. 2026-03-01T23:59 or "
                            "2026-03-01T23:59+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def days_late(submitted_at, deadline):
    """Whole days (each part of a day counts) between the deadline and the submission; 0 if on time."""
    seconds = submitted_at - deadline.timestamp()
    return math.ceil(seconds / DAY) if seconds > 0 else 0


def penalty(days, per_day):
    """The share of the total a submission `days` late loses (0 to 1)."""
    return min(1.0, max(0.0, days * per_day / 100))


def assess(submitted_at, deadline, per_day):
    """(days late, penalty, note or "") for one submission."""
    if submitted_at is None:
        return 0, 0.0, "no submission time found; not checked against the deadline"
    days = days_late(submitted_at, deadline)
    if not days:
        return 0, 0.0, ""
    cost = penalty(days, per_day)
    when = datetime.fromtimestamp(submitted_at, timezone.utc).strftime("%Y-%m-%dT%H:%M")
    return days, cost, (f"submitted {when} UTC, {days} day(s) late" + (f": {cost:.0%} off the total" if cost else ""))
