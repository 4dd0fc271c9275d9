"""The bank's pages.

Public: home, rates, sign-up. Sensitive: dashboard, transfer, statement. The sensitive
views carry no access control of their own here; bank/urls.py wraps each one with
`sensitive()`, whose protection exercise 2 decides.
"""

import csv
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from lab_project.mfa.policy import grace_period_days

from .forms import SignUpForm, TransferForm
from .models import Account, Transfer

RATES = [
    ("Easy Saver", Decimal("3.10")),
    ("Fixed 1 year", Decimal("4.05")),
    ("Current account", Decimal("0.25")),
]


def home(request):
    return render(request, "bank/home.html")


def rates(request):
    return render(request, "bank/rates.html", {"rates": RATES})


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        Account.objects.create(owner=user, number=Account.next_number(), balance=Decimal("100.00"))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.info(
            request,
            "Welcome! Protect your account with a second factor now: "
            f"privileged accounts get {grace_period_days()} days to do it.",
        )
        return redirect("two_factor:setup")
    return render(request, "bank/signup.html", {"form": form})


def dashboard(request):
    accounts = request.user.accounts.all()
    transfers = Transfer.objects.filter(source__owner=request.user) | Transfer.objects.filter(
        target__owner=request.user
    )
    return render(
        request,
        "bank/dashboard.html",
        {"accounts": accounts, "transfers": transfers.distinct()[:10]},
    )


@require_http_methods(["GET", "POST"])
def transfer(request):
    form = TransferForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = Transfer.move(data["source"], data["target"], data["amount"], data["memo"])
        except (ValueError, Account.DoesNotExist) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Sent {done.amount} to {done.target.number}.")
            return redirect("bank:dashboard")
    return render(request, "bank/transfer.html", {"form": form})


def statement(request, number):
    account = get_object_or_404(Account, number=number, owner=request.user)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="statement-{account.number}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "from", "to", "amount", "memo"])
    for t in Transfer.objects.filter(source=account) | Transfer.objects.filter(target=account):
        sign = "-" if t.source_id == account.pk else ""
        writer.writerow([t.created_at.isoformat(), t.source.number, t.target.number, f"{sign}{t.amount}", t.memo])
    return response
