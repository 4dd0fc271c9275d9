"""WebAuthn ceremonies against the lab's real wizards: the options its pages give, a security
key registered through the setup wizard, a sign-in through the login wizard.

    client, response, page = register_key(lab, "mallory", SoftAuthenticator(seed=b"m"))
    client = login_with_key(lab, "dana", persona_key("dana"))
"""

from __future__ import annotations

import json
import re

from .authenticator import SoftAuthenticator, b64url_encode
from .wizards import SETUP

SETUP_OPTIONS_JS = "/account/two_factor/webauthn/create_credential.js"
LOGIN_OPTIONS_JS = "/account/two_factor/webauthn/get_credential.js"
OPTIONS_IN_JS = re.compile(r"let credential(?:Creation|Request)Options = (\{.*?\});\s*$", re.S | re.M)


class CeremonyError(RuntimeError):
    """The lab did not go where the ceremony should have taken it; the message says what it showed."""


def _options_from_js(page) -> dict:
    found = OPTIONS_IN_JS.search(page.text)
    if page.status != 200 or not found:
        raise CeremonyError(f"No WebAuthn options in the page's script (status {page.status}).")
    return json.loads(found.group(1))


def creation_options(client) -> dict:
    """The PublicKeyCredentialCreationOptions the setup wizard gave this session (as its page script does)."""
    return _options_from_js(client.get(SETUP_OPTIONS_JS))


def request_options(client) -> dict:
    """The PublicKeyCredentialRequestOptions the login wizard gave this session."""
    return _options_from_js(client.get(LOGIN_OPTIONS_JS))


def register_key(lab, username: str, authenticator: SoftAuthenticator, *, client=None, origin: str | None = None):
    """Sign in, walk the real setup wizard to "webauthn", let `authenticator` create a credential.

    origin: what the "browser" reports (default: the client's own base URL).
    Returns (client, response dict, final page); raises CeremonyError if the wizard refuses.
    """
    from . import wizards

    client = client or lab.login(username)
    try:
        page = wizards.setup_method(client, "webauthn")
    except wizards.WizardError as error:
        raise CeremonyError(str(error)) from None
    if "webauthn-token" not in page.text:
        raise CeremonyError(f"The setup wizard did not offer WebAuthn: {wizards.form_errors(page)}")
    response = authenticator.create(creation_options(client), origin or client.base_url)
    page = client.post(SETUP, {"setup_view-current_step": "webauthn", "webauthn-token": json.dumps(response)})
    if page.status != 302:
        raise CeremonyError(f"The setup wizard refused the credential: {wizards.form_errors(page) or page.status}")
    return client, response, page


def login_with_key(lab, username: str, authenticator: SoftAuthenticator, client=None, *,
                   origin: str | None = None, tamper=None, next_url=None):
    """Sign `username` in through the real login wizard: password, then a WebAuthn assertion.

    tamper(response) -> response may change the assertion before it is posted (negative cases).
    Returns the signed-in client; raises mfalab.lab.LoginFailed with the form's error otherwise.
    """
    from . import wizards
    from .errors import LoginFailed

    client = client or lab.client()
    page = wizards.password_step(client, username, lab.persona(username).password, next_url=next_url)
    if wizards.signed_in(page):
        return client
    if page.status != 200 or "token-otp_token" not in page.text:
        raise LoginFailed(f"The password step failed for {username}: {wizards.form_errors(page)}")
    response = authenticator.get(request_options(client), origin or client.base_url)
    if tamper is not None:
        response = tamper(response)
    page = wizards.token_step(client, json.dumps(response), next_url=next_url)
    if not wizards.signed_in(page):
        raise LoginFailed(f"The webauthn step refused the assertion for {username}: {wizards.form_errors(page)}")
    return client


def persona_key(username: str, lab=None) -> SoftAuthenticator:
    """The security key a WebAuthn persona registered when the lab was seeded.

    Without lab: a fresh copy, counter 0. With lab: its counter carries on from the sign
    count the lab stored, as the one physical key in the persona's pocket would.
    """
    from lab_project.mfa.personas import PERSONAS, security_key

    key = security_key(PERSONAS[username])
    if lab is not None:
        from two_factor.plugins.webauthn.models import WebauthnDevice

        credential = key.credentials[0]
        stored = (WebauthnDevice.objects.using(lab.alias)
                  .filter(user__username=username, key_handle=b64url_encode(credential.credential_id))
                  .values_list("sign_count", flat=True).first())
        credential.sign_count = stored or 0
    return key
