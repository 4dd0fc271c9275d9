"""mfalab.enforcement: the route inventory, access tables, code entropy; and that the
graded tests of exercises 2 and 4 give half-right code some points, never all."""


from mfalab import enforcement



def test_routes_cover_the_lab_and_the_public_list_names_real_routes(lab):
    found = {route.name: route for route in enforcement.routes(number="40000001")}
    assert found["bank:statement"].path == "/statement/40000001.csv"
    assert found["bank:dashboard"].public is False and found["bank:home"].public is True
    assert set(enforcement.PUBLIC_ROUTES) <= set(found), set(enforcement.PUBLIC_ROUTES) - set(found)
    assert set(enforcement.FACTOR_CHANGING_ROUTES) <= set(found), set(enforcement.FACTOR_CHANGING_ROUTES) - set(found)
    assert not set(enforcement.PUBLIC_ROUTES) & set(enforcement.FACTOR_CHANGING_ROUTES), "a factor change is never public"
    assert any(name.startswith("admin:auth_user") for name in found)


def test_the_access_table_of_the_naive_protections(lab):
    table = enforcement.access_table(lab)
    assert table["login_required"] == {"anonymous": "302 -> /account/login/", "no device": "200",
                                       "device, not verified": "200", "verified": "200"}
    assert table["otp_required"]["no device"] == "302 -> /account/login/"
    assert table["otp_required(if_configured=True)"]["no device"] == "200"
    assert table["OTPRequiredMixin"]["no device"] == "403"
    assert table["AdminSite (two-factor's patch)"]["device, not verified"] == "200"
    assert table["AdminSiteOTPRequired"]["device, not verified"] == "302 -> /admin/login/"
    assert all(row["verified"] == "200" for row in table.values())
    text = enforcement.format_table(table)
    assert text.splitlines()[0].split() == ["anonymous", "no", "device", "device,", "not", "verified", "verified"]


def test_entropy_of_codes():
    assert enforcement.alphabet_of(["12345678"]) == ("digits", 10)
    assert enforcement.alphabet_of(["ABCXY-23456"]) == ("base32", 32)
    assert round(enforcement.entropy_bits(["abcde-fghij"])) == 50
    assert round(enforcement.entropy_bits(["00ff00ff"])) == 32
    assert enforcement.normalise_code(" Ab-C d ") == "abcd"


def test_codes_on_a_page():
    from mfalab.client import Page

    page = Page(200, "/", '<ul class="backup-codes"><li><code>ab&amp;c</code></li><li><code>x</code></li></ul>')
    assert enforcement.codes_on(page) == ["ab&c", "x"]


def test_settings_lines_quote_the_lab():
    assert 'LOGIN_URL = "two_factor:login"' in enforcement.settings_lines("LOGIN_URL")
    assert any("two_factor_patterns" in line for line in enforcement.settings_lines("two_factor_patterns",
                                                                                  path="lab_project/urls.py"))


HALF_RIGHT_EX02 = '''
    """Half right: otp_required as it comes (users without a device loop), the admin left alone."""
    from django_otp.decorators import otp_required


    def require_mfa(view):
        return otp_required(view)


    def secure_admin(site):
        raise NotImplementedError
'''

HALF_RIGHT_EX04 = '''
    """Half right: privileged users need MFA, but there is no grace period and no warning."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse
    from django_otp import user_has_device

    from lab_project.mfa.policy import is_privileged


    class MFAPolicyMiddleware:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            user, path = request.user, request.path
            if (not is_privileged(user) or user.is_verified() or path.startswith("/account/")
                    or path.startswith("/static/") or path.startswith("/accounts/logout/")):
                return self.get_response(request)
            target = "two_factor:login" if user_has_device(user) else "two_factor:setup"
            return redirect_to_login(request.get_full_path(), reverse(target))
'''


HALF_RIGHT_EX06 = '''
    """Half right: a password-only session is refused, but an old session is not, and nobody is told."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse
    from django_otp import user_has_device


    def require_step_up(view):
        @wraps(view)
        def verified(request, *args, **kwargs):
            if request.user.is_authenticated and (request.user.is_verified() or not user_has_device(request.user)):
                return view(request, *args, **kwargs)
            return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))

        return verified


    def notify_factor_change(user, change, when):
        pass
'''


def test_a_half_right_exercise_6_earns_some_points_but_not_all(grade_submission):
    report = grade_submission("ex06", HALF_RIGHT_EX06)
    points, most = report.score, report.max_score
    assert most == 20 and 0 < points < 20, f"{points}/{most}"


def test_a_half_right_exercise_2_earns_some_points_but_not_all(grade_submission):
    report = grade_submission("ex02", HALF_RIGHT_EX02)
    points, most = report.score, report.max_score
    assert most == 20 and 0 < points < 20, f"{points}/{most}"


def test_a_half_right_exercise_4_earns_some_points_but_not_all(grade_submission):
    report = grade_submission("ex04", HALF_RIGHT_EX04)
    points, most = report.score, report.max_score
    assert most == 20 and 0 < points < 20, f"{points}/{most}"
