from django.contrib import admin

from .models import Account, Transfer


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("number", "owner", "name", "balance")
    search_fields = ("number", "owner__username")


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source", "target", "amount", "memo")
