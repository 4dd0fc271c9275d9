"""The lab bank's URLs.

/                  the bank (public pages and the sensitive ones, see bank/urls.py)
/account/...       django-two-factor-auth: login wizard, setup wizard, backup tokens
/accounts/login/   Django's plain password-only login, left open as many tutorials do
/admin/            the staff admin; exercise 2 decides whether it demands a second factor
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from lab_project.mfa.exercise_code import secure_admin

secure_admin(admin.site)

urlpatterns = [
    path("", include("lab_project.bank.urls")),
    path("", include(two_factor_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="password_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
