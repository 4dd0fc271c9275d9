"""The lab bank's URLs.

/                  the bank (public pages and the sensitive ones, see bank/urls.py)
/account/...       django-two-factor-auth: login wizard, setup wizard, backup codes, phones;
                   the lab swaps in its own login, setup and backup-codes views (mfa/views.py)
                   and wraps every view that changes a factor with exercise 6's step-up
/account/enrol/    redeem an administrator's enrolment code (exercise 4)
/accounts/login/   Django's plain password-only login, left open as many tutorials do
/admin/            the staff admin; exercise 2 decides whether it demands a second factor
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from two_factor.urls import urlpatterns as two_factor_urls

from lab_project.mfa.exercise_code import secure_admin
from lab_project.mfa.routes import FACTOR_CHANGING_ROUTES
from lab_project.mfa.stepup import factor_change
from lab_project.mfa.views import BackupCodesView, EnrolmentCodeView, LabLoginView, LabSetupView

secure_admin(admin.site)
# The admin's own password change is a factor change too (exercise 6).
admin.site.password_change = factor_change(admin.site.password_change)

# two-factor's views the lab replaces with its own, by URL name.
LAB_VIEWS = {"login": LabLoginView.as_view(), "setup": LabSetupView.as_view(),
             "backup_tokens": BackupCodesView.as_view()}
# two-factor's views that add, remove or replace a factor: exercise 6 guards each one.
FACTOR_CHANGING = {name.split(":")[-1] for name in FACTOR_CHANGING_ROUTES if name.startswith("two_factor:")}


def lab_two_factor(patterns):
    """two-factor's URL patterns (plugins included) with the lab's views and guards."""
    result = []
    for p in patterns:
        if isinstance(p, URLResolver):
            result.append(URLResolver(p.pattern, lab_two_factor(p.url_patterns), p.default_kwargs, p.app_name,
                                      p.namespace))
            continue
        view = LAB_VIEWS.get(p.name, p.callback)
        if p.name in FACTOR_CHANGING:
            view = factor_change(view)
        result.append(URLPattern(p.pattern, view, p.default_args, p.name))
    return result


two_factor_patterns, two_factor_namespace = two_factor_urls

urlpatterns = [
    path("", include("lab_project.bank.urls")),
    path("", include((lab_two_factor(two_factor_patterns), two_factor_namespace))),
    path("account/enrol/", EnrolmentCodeView.as_view(), name="enrolment_code"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="password_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
