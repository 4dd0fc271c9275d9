"""Accounts and transfers: the money the attacker is after."""

from decimal import Decimal

from django.conf import settings
from django.db import models, transaction


class Account(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accounts")
    number = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=60, default="Current account")
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} ({self.owner})"

    @staticmethod
    def next_number():
        """The next free account number, in the lab's 8-digit format."""
        last = Account.objects.order_by("-number").values_list("number", flat=True).first()
        return f"{int(last or '40000000') + 1:08d}"


class Transfer(models.Model):
    source = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="incoming")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    memo = models.CharField(max_length=140, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.amount} {self.source.number} -> {self.target.number}"

    @classmethod
    def move(cls, source, target_number, amount, memo=""):
        """Move money between two accounts in one database transaction."""
        with transaction.atomic():
            source = Account.objects.select_for_update().get(pk=source.pk)
            target = Account.objects.select_for_update().get(number=target_number)
            if target.pk == source.pk:
                raise ValueError("Pick another account to send money to.")
            if amount <= 0:
                raise ValueError("The amount must be more than zero.")
            if source.balance < amount:
                raise ValueError(f"Not enough money: the balance is {source.balance}.")
            source.balance -= amount
            target.balance += amount
            source.save(update_fields=["balance"])
            target.save(update_fields=["balance"])
            return cls.objects.create(source=source, target=target, amount=amount, memo=memo)
