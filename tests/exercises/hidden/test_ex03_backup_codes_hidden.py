"""Exercise 3 (hidden tests): single use, regeneration, throttling (7 of 20 points)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lab_project.mfa import clock
from mfalab.enforcement import generate_backup_codes
from mfalab.lab import LoginFailed

pytestmark = [pytest.mark.exercise("ex03"), pytest.mark.hidden]


def unused(lab, username):
    from lab_project.mfa.models import BackupCode

    return BackupCode.objects.using(lab.alias).filter(user__username=username, used_at__isnull=True).count()


def works(lab, code):
    try:
        lab.login("alice", "backup", code=code)
    except LoginFailed:
        return False
    return True


@pytest.mark.points(2, hint="Mark a code used (used_at) the moment it works, and refuse used codes.")
def test_each_code_works_exactly_once(graded_lab):
    """Every code of a set works exactly once"""
    codes = generate_backup_codes(graded_lab.login("alice"))
    assert unused(graded_lab, "alice") == 10, "one BackupCode row per code"
    assert [works(graded_lab, c) for c in codes] == [True] * 10
    assert unused(graded_lab, "alice") == 0
    assert [works(graded_lab, c) for c in codes[:3]] == [False] * 3


@pytest.mark.points(2, hint="generate_backup_codes replaces the user's earlier set: delete the old rows.")
def test_regenerating_cancels_the_old_set(graded_lab):
    """A new set of codes cancels the old one"""
    client = graded_lab.login("alice")
    old = generate_backup_codes(client)
    new = generate_backup_codes(client)
    assert unused(graded_lab, "alice") == 10
    assert works(graded_lab, new[0])
    assert not works(graded_lab, old[0]), "a code of the old set still works"


@pytest.mark.points(3, hint="After n wrong codes, refuse every code until 2**(n-1) seconds have passed on "
                            "lab_project.mfa.clock.now().")
def test_wrong_codes_are_throttled_for_a_while(graded_lab):
    """After wrong codes even a right one is refused for a while, and works after the wait"""
    codes = generate_backup_codes(graded_lab.login("alice"))
    start = timezone.now().replace(microsecond=0)
    clock.freeze(start, using=graded_lab.alias)
    for wrong in ("aaaaa-aaaaa", "bbbbb-bbbbb", "ccccc-ccccc"):
        assert not works(graded_lab, wrong)
    assert not works(graded_lab, codes[0]), "a right code was accepted straight after wrong ones"
    assert unused(graded_lab, "alice") == 10, "a refused code is not used up"
    clock.freeze(start + timedelta(hours=1), using=graded_lab.alias)
    assert works(graded_lab, codes[0]), "the throttle must end (no permanent lockout)"
    assert works(graded_lab, codes[1]), "a success resets the throttle"
