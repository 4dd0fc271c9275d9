"""The lab's backup-code wiring (exercise 3) and the naive lab's pages.

- Every named route of the naive lab answers without a server error.
- The naive backup page is django-otp's: plaintext tokens, shown on every visit.
- A half-right exercise 3 (unsalted SHA-256, no throttle) scores strictly between 0 and 20.
"""


import pytest

from mfalab.enforcement import BACKUP_PAGE, codes_on, generate_backup_codes, routes



def test_every_named_route_renders_in_the_naive_lab(lab):
    visitors = {"anonymous": lab.client(), "alice (verified)": lab.login("alice"),
                "root (verified)": lab.login("root"), "root (password only)": lab.login_password_only("root")}
    broken = []
    for who, client in visitors.items():
        for route in routes(number=lab.persona("alice").account):
            page = client.get(route.path)
            if page.status >= 500:
                broken.append(f"{route.path} for {who}: {page.status}")
    assert not broken, broken


def test_the_naive_backup_page_shows_plaintext_tokens_every_time(lab):
    from django_otp.plugins.otp_static.models import StaticToken

    client = lab.login("alice")
    codes = generate_backup_codes(client)
    assert len(codes) == 10
    assert codes_on(client.get(BACKUP_PAGE)) == codes, "django-otp shows them again"
    stored = set(StaticToken.objects.filter(device__user__username="alice").values_list("token", flat=True))
    assert stored == set(codes), "and keeps them in plaintext"


def test_the_naive_login_wizard_takes_a_plaintext_token_once(lab):
    from mfalab.lab import LoginFailed

    code = generate_backup_codes(lab.login("alice"))[0]
    assert lab.login("alice", "backup", code=code).get("/dashboard/").status == 200
    with pytest.raises(LoginFailed):
        lab.login("alice", "backup", code=code)


def test_the_backup_page_needs_a_verified_session(lab):
    page = lab.login_password_only("alice").get(BACKUP_PAGE)
    assert page.status == 302 and "/account/login/" in page.location


HALF_RIGHT_EX03 = '''
    """Half right: random codes and single use, but an unsalted SHA-256 and no throttle."""
    import hashlib
    import secrets

    from lab_project.mfa.models import BackupCode


    def digest(code):
        return hashlib.sha256("".join(code.split()).replace("-", "").lower().encode()).hexdigest()


    def generate_backup_codes(user, count=10):
        BackupCode.objects.filter(user=user).delete()
        codes = [secrets.token_hex(6) for _ in range(count)]
        for code in codes:
            BackupCode.objects.create(user=user, digest=digest(code))
        return codes


    def verify_backup_code(user, code):
        return bool(BackupCode.objects.filter(user=user, digest=digest(code), used_at__isnull=True)
                    .update(used_at="2030-01-01T00:00:00Z"))


    def remaining_backup_codes(user):
        return BackupCode.objects.filter(user=user, used_at__isnull=True).count()
'''


def test_a_half_right_exercise_3_earns_some_points_but_not_all(grade_submission):
    report = grade_submission("ex03", HALF_RIGHT_EX03)
    points, most = report.score, report.max_score
    assert most == 20 and 0 < points < 20, f"{points}/{most}"
