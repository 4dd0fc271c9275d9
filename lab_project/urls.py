"""The lab bank's URLs.

/                  the bank (public pages and the sensitive ones, see bank/urls.py)
/account/...       django-two-factor-auth: login wizard, setup wizard, backup codes; the lab
                   swaps in its own login and backup-codes views (exercise 3, mfa/views.py)
/accounts/login/   Django's plain password-only login, left open as many tutorials do
/admin/            the staff admin; exercise 2 decides whether it demands a second factor
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from lab_project.mfa.exercise_code import secure_admin
from lab_project.mfa.views import BackupCodesView, LabLoginView

secure_admin(admin.site)

# two-factor's own URLs, with the lab's login wizard and backup-codes page swapped in.
LAB_VIEWS = {"login": LabLoginView.as_view(), "backup_tokens": BackupCodesView.as_view()}
two_factor_patterns, two_factor_namespace = two_factor_urls
two_factor_patterns = [
    path(str(p.pattern), LAB_VIEWS[p.name], name=p.name) if getattr(p, "name", None) in LAB_VIEWS else p
    for p in two_factor_patterns
]

urlpatterns = [
    path("", include("lab_project.bank.urls")),
    path("", include((two_factor_patterns, two_factor_namespace))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="password_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
