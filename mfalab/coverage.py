"""What the learner's check covers, so that "all public tests pass" is not read as full marks.

Each exercise is worth TOTAL points: the public tests (tests/exercises/, what the check
runs) hold part of them, hidden tests (the instructor's) the rest. The check names the
hidden tests' topics, never their content; tests/toolkit/test_check.py keeps the points
in step with the tests.
"""

TOTAL = 20

HIDDEN_TOPICS = {
    "ex01": "other digests and digit counts, time steps and T0, window sizes, replays inside the window, "
            "URIs with special characters, more invalid arguments",
    "ex02": "the admin site for every staff user, money moved by POST, every route of the lab",
    "ex03": "single use across a whole set, a new set cancelling the old one, the throttle's timing",
    "ex04": "the ways out that must never loop, the grace period's end on the lab clock, the finance group "
            "and demotion, privileged users who already have a device, new superusers",
    "ex05": "each flag bit and extensions, malformed data, the ceremony type, the RP ID hash, user presence "
            "and verification, signatures for each algorithm, sign-count rules, unsupported algorithms",
    "ex06": "the five-minute boundary, every factor-changing route, verifying again, emails on removal and "
            "users without an email address",
}


def coverage_line(exercise, public_points):
    """'Public tests: 12 of 20 points; hidden tests check the other 8: ...'."""
    hidden = TOTAL - public_points
    if hidden <= 0:
        return f"Public tests: all {TOTAL:g} points."
    topics = HIDDEN_TOPICS.get(exercise, "")
    return (f"Public tests: {public_points:g} of {TOTAL} points; hidden tests check the other {hidden:g}"
            + (f" ({topics})." if topics else "."))
