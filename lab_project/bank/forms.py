from decimal import Decimal

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import Account


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Account.objects.none(), label="From")
    target = forms.CharField(max_length=20, label="To account number")
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    memo = forms.CharField(max_length=140, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Account.objects.filter(owner=user)

    def clean_target(self):
        number = self.cleaned_data["target"].strip()
        if not Account.objects.filter(number=number).exists():
            raise forms.ValidationError("No account has that number.")
        return number


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="Where the bank sends sign-in codes if you choose email.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
