from django.urls import path

from lab_project.mfa.exercise_code import sensitive

from . import views

app_name = "bank"
urlpatterns = [
    # Public pages.
    path("", views.home, name="home"),
    path("rates/", views.rates, name="rates"),
    path("signup/", views.signup, name="signup"),
    # Sensitive pages: exercise 2 decides what `sensitive` demands.
    path("dashboard/", sensitive(views.dashboard), name="dashboard"),
    path("transfer/", sensitive(views.transfer), name="transfer"),
    path("statement/<str:number>.csv", sensitive(views.statement), name="statement"),
]
