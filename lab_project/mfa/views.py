"""The lab's own two-factor pages.

- the login wizard and the backup-codes page hand backup codes to exercise 3
  (lab_project.mfa.backup) and fall back to django-otp's plaintext tokens while it is
  not written;
- the setup wizard records when it verified the session (exercise 6 needs the time);
- the enrolment-code page lets a privileged user past the grace period redeem the code an
  administrator issued (exercise 4).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp.decorators import otp_required
from two_factor.plugins.phonenumber.models import PhoneDevice
from two_factor.views import LoginView, SetupView

from lab_project.guard import forms as guard_forms
from lab_project.guard import phone

from . import backup, enrolment, stepup
from .exercise_code import implementation
from .models import BackupCodeDevice


def learner_remaining(user):
    """Exercise 3's count of unused codes, or None while the lab runs the naive tokens."""
    function = implementation("ex03", "remaining_backup_codes")
    if function is None:
        return None
    try:
        return function(user)
    except NotImplementedError:
        return None


class LabLoginView(LoginView):
    """two-factor's login wizard, whose backup step checks codes through exercise 3."""

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        return "login_view"  # the form field prefix two-factor's templates and clients use

    def get_device(self, step=None):
        if step == self.BACKUP_STEP:
            device, _ = BackupCodeDevice.objects.get_or_create(
                user=self.get_user(), defaults={"name": "backup codes", "confirmed": True})
            self.device_cache = device
            return device
        return super().get_device(step)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == self.TOKEN_STEP:
            context["backup_tokens"] = backup.remaining_codes(self.get_user())
        return context

    def get_form_list(self):
        """The token step checks codes through the lab (lab_project.guard: exercises 1 and 5)."""
        form_list = super().get_form_list()
        if self.TOKEN_STEP in form_list:
            form_list[self.TOKEN_STEP] = guard_forms.lab_form(form_list[self.TOKEN_STEP])
        return form_list

    def render(self, form=None, **kwargs):
        """With a send limit (the hardened lab), a phone code is sent only while the limit allows."""
        device = self.get_device() if self.steps.current == self.TOKEN_STEP else None
        if (not isinstance(device, PhoneDevice) or phone.sends_left(device.user) is None
                or (form is not None and form.is_bound and not form.is_valid())):
            return super().render(form, **kwargs)
        if not phone.send_code(device):
            messages.warning(self.request, phone.LIMIT_REACHED)
        return super(LoginView, self).render(form, **kwargs)  # two-factor's own render would send again


class LabSetupView(SetupView):
    """two-factor's setup wizard; finishing it verifies the session with the new device."""

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        return "setup_view"  # the form field prefix two-factor's templates and clients use

    def get_form_list(self):
        """The security-key step checks the origin the lab serves (lab_project.guard)."""
        form_list = super().get_form_list()
        for step, form_class in form_list.items():
            form_list[step] = guard_forms.lab_form(form_class)
        return form_list

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        stepup.record_verification(self.request)
        return response


@method_decorator([never_cache, login_required], name="dispatch")
class EnrolmentCodeView(View):
    """Redeem an administrator's enrolment code, then go on to the setup wizard."""

    template_name = "mfa/enrolment_code.html"

    def get(self, request):
        return render(request, self.template_name, {"next": self.next_url(request)})

    def post(self, request):
        try:
            enrolment.redeem(request, request.POST.get("code", ""))
        except enrolment.EnrolmentCodeError as error:
            return render(request, self.template_name, {"error": str(error), "next": self.next_url(request)},
                          status=400)
        messages.success(request, "Enrolment code accepted: set up your second factor now.")
        return redirect("two_factor:setup")

    @staticmethod
    def next_url(request):
        url = request.POST.get("next") or request.GET.get("next") or ""
        return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else ""


@method_decorator([never_cache, login_required, otp_required], name="dispatch")
class BackupCodesView(View):
    """Make a new set of backup codes; exercise 3 shows them once, the naive lab always."""

    template_name = "mfa/backup_codes.html"

    def get(self, request):
        remaining = learner_remaining(request.user)
        if remaining is None:  # naive: django-otp's plaintext tokens, shown on every visit
            tokens = backup.naive_tokens(request.user)
            return self.page(request, codes=tokens, remaining=len(tokens), naive=True)
        return self.page(request, codes=[], remaining=remaining, naive=False)

    def post(self, request):
        codes = backup.generate_codes(request.user)
        if learner_remaining(request.user) is None:
            return redirect("two_factor:backup_tokens")  # naive: the page shows them again
        return self.page(request, codes=codes, remaining=len(codes), naive=False, fresh=True)

    def page(self, request, **context):
        return render(request, self.template_name, context)
