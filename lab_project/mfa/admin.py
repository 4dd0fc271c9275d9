"""The user admin gains one action: issue an MFA enrolment code (exercise 4)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import enrolment

User = get_user_model()


@admin.action(description="Issue an MFA enrolment code", permissions=["change"])
def issue_enrolment_code(modeladmin, request, queryset):
    for user in queryset:
        code = enrolment.issue(user, issued_by=request.user.get_username())
        modeladmin.message_user(request, f"Enrolment code for {user.get_username()} (single use, valid for "
                                         f"{enrolment.VALID_FOR.total_seconds() / 3600:g} h; shown only now, and "
                                         f"emailed to the user): {code}", messages.WARNING)


admin.site.unregister(User)


@admin.register(User)
class LabUserAdmin(UserAdmin):
    actions = [issue_enrolment_code]
