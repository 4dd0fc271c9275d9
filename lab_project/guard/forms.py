"""The login wizard's token forms, with the lab's checks in front of two-factor's.

LabTokenForm (authenticator app, SMS, voice, email) and LabWebauthnTokenForm (security
key) hand a code to exercise 1 or 5 when it is written (totp.py, webauthn.py), and to
django-otp / two-factor otherwise. Whatever happens, the answer is the form again with an
error, or a sign-in: a re-submitted WebAuthn step, a broken learner function or a lost
race never answers 500.
"""

from django import forms
from django_otp.forms import otp_verification_failed
from two_factor.forms import AuthenticationTokenForm
from two_factor.plugins.webauthn.forms import WebauthnAuthenticationTokenForm, WebauthnDeviceValidationForm
from two_factor.plugins.webauthn.models import WebauthnDevice
from two_factor.plugins.webauthn.utils import (make_credential_creation_options, make_credential_request_options,
                                               verify_registration_response)
from webauthn.helpers.exceptions import WebAuthnException

from . import learner, origins, throttle, totp, webauthn

EXPIRED = "This security-key sign-in has expired or was already used. Touch your key again."
OPTIONS, CHALLENGE = "webauthn_request_options", "webauthn_request_challenge"


class LabChecks:
    """What the lab's forms share: refusals as form errors."""

    def refuse(self, user, code="invalid_token", message=None):
        otp_verification_failed.send(sender=self.__class__, user=user)
        raise forms.ValidationError(message or self.otp_error_messages["invalid_token"], code=code)

    def throttled(self, info):
        info = {**info, "failure_count": info.get("failure_count", 1)}
        return forms.ValidationError(self.otp_error_messages["n_failed_attempts"] % info, code="throttled")


class LabTokenForm(LabChecks, AuthenticationTokenForm):
    def _verify_token(self, user, token, device=None):
        if device is None or not totp.guards(device):
            return super()._verify_token(user, token, device)
        try:
            accepted = totp.verify(device, token)
        except throttle.Throttled as refused:
            raise self.throttled(refused.info) from None
        except learner.Broken as broken:
            self.refuse(user, "exercise_failed", str(broken))
        if not accepted:
            self.refuse(user)
        return device


class LabWebauthnTokenForm(LabChecks, WebauthnAuthenticationTokenForm):
    def _verify_token(self, user, token, device=None):
        session = self.request.session
        options, challenge = session.pop(OPTIONS, None), session.pop(CHALLENGE, None)
        try:
            if challenge is None:
                self.refuse(user, "expired", EXPIRED)
            if not webauthn.guards():
                session[OPTIONS], session[CHALLENGE] = options, challenge  # two-factor pops them itself
                return super()._verify_token(user, token, device)
            return self._lab_verify(user, token, challenge)
        except forms.ValidationError:
            self.new_challenge(user)  # the page that shows the error can ask the key again
            raise

    def _lab_verify(self, user, token, challenge):
        try:
            device = webauthn.verify(self.request, user, token, challenge)
        except throttle.Throttled as refused:
            raise self.throttled(refused.info) from None
        except learner.Broken as broken:
            self.refuse(user, "exercise_failed", str(broken))
        except (ValueError, WebAuthnException):  # not a credential at all
            device = None
        if device is None:
            self.refuse(user)
        return device

    def new_challenge(self, user):
        handles = WebauthnDevice.objects.filter(user=user).values_list("key_handle", flat=True)
        options, challenge = make_credential_request_options(self.webauthn_rp, allowed_credential_ids=handles)
        self.request.session[OPTIONS], self.request.session[CHALLENGE] = options, challenge


class LabWebauthnRegistrationForm(WebauthnDeviceValidationForm):
    """The setup wizard's security-key step. The expected origin is the one the lab serves
    (origins.py), never the Host header; a credential that fails verification is a form error
    with a fresh challenge here, not a 500 when the wizard finishes."""

    REFUSED = "The security key's answer was refused ({reason}). Touch your key again."

    @property
    def webauthn_origin(self):
        return origins.expected_origin(self.request)

    def clean_token(self):
        token = super().clean_token()
        data = self.cleaned_data
        try:
            verify_registration_response(data["expected_rp_id"], data["expected_origin"], data["expected_challenge"],
                                         token)
        except (ValueError, WebAuthnException) as error:
            handles = WebauthnDevice.objects.filter(user=self.request.user).values_list("key_handle", flat=True)
            options, challenge = make_credential_creation_options(self.webauthn_user, self.webauthn_rp,
                                                                  excluded_credential_ids=handles)
            self.request.session["webauthn_creation_options"] = options
            self.request.session["webauthn_creation_challenge"] = challenge
            raise forms.ValidationError(self.REFUSED.format(reason=error), code="invalid_token") from None
        return token


LAB_FORMS = {AuthenticationTokenForm: LabTokenForm, WebauthnAuthenticationTokenForm: LabWebauthnTokenForm,
             WebauthnDeviceValidationForm: LabWebauthnRegistrationForm}


def lab_form(form_class):
    """The lab's version of one of two-factor's token or registration forms (others unchanged)."""
    return LAB_FORMS.get(form_class, form_class)
