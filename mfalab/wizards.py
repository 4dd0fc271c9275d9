"""Drive django-two-factor-auth's real login and setup wizards, step by step.

Every function takes a client from mfalab.client (in-process or HTTP) and posts the
same form fields a browser would. The lab's URLs:
"""

import html
import re

from .client import Page
from .otp import secret_from_uri

LOGIN = "/account/login/"
SETUP = "/account/two_factor/setup/"
PASSWORD_ONLY_LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"

ERRORS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
OTPAUTH = re.compile(r'href="(otpauth://[^"]+)"')


class WizardError(RuntimeError):
    """A wizard step did not go where it should; the message says what the page said."""


def form_errors(page: Page) -> list[str]:
    """The error messages a form page shows, as plain text."""
    return [html.unescape(re.sub(r"<[^>]+>", " ", block)).strip() for block in ERRORS.findall(page.text)]


def _login_url(next_url):
    return f"{LOGIN}?next={next_url}" if next_url else LOGIN


def password_step(client, username, password, *, next_url=None) -> Page:
    """Open the login wizard and send the password. 302: signed in; 200: next step or error."""
    url = _login_url(next_url)
    client.get(url)
    return client.post(url, {
        "login_view-current_step": "auth",
        "auth-username": username,
        "auth-password": password,
    })


def token_step(client, code, *, next_url=None) -> Page:
    """Send the one-time code at the wizard's token step."""
    return client.post(_login_url(next_url), {"login_view-current_step": "token", "token-otp_token": code})


def backup_step(client, code, *, next_url=None) -> Page:
    """Switch the wizard to its backup step and send a backup code."""
    url = _login_url(next_url)
    client.post(url, {"wizard_goto_step": "backup"})
    return client.post(url, {"login_view-current_step": "backup", "backup-otp_token": code})


def signed_in(page: Page) -> bool:
    """A wizard step that ends in a redirect away from the login page signed the user in."""
    return page.status == 302 and not page.location.split("?")[0].endswith(LOGIN)


def password_only_login(client, username, password, *, next_url="/dashboard/") -> Page:
    """Django's plain login view: a password and nothing more."""
    client.get(PASSWORD_ONLY_LOGIN)
    return client.post(PASSWORD_ONLY_LOGIN, {"username": username, "password": password, "next": next_url})


def logout(client) -> Page:
    client.get("/")
    return client.post(LOGOUT)


def setup_method(client, method, *, start_with_get=True) -> Page:
    """Open the setup wizard, pass its welcome step and pick `method` ("generator",
    "sms", "call", "email", "webauthn"); the page of that method's step.

    start_with_get=False: POST straight away, as an attacker does where the GET would
    send them away (two-factor sends a user who has a device away on GET only)."""
    if start_with_get:
        page = client.get(SETUP)
        if page.status != 200:
            raise WizardError(f"The setup wizard answered {page.status} {page.location}: sign in first.")
    page = client.post(SETUP, {"setup_view-current_step": "welcome"})
    if page.status != 200:
        return page
    if 'name="method-method"' in page.text:
        page = client.post(SETUP, {"setup_view-current_step": "method", "method-method": method})
    return page


def secret_from_setup_page(page) -> bytes:
    """The secret of the otpauth:// link on the setup wizard's authenticator-app step."""
    found = OTPAUTH.search(page.text)
    if not found:
        raise WizardError(f"No otpauth:// link on the setup page (status {page.status}): {form_errors(page)}")
    return secret_from_uri(html.unescape(found.group(1)))


def setup_totp(client, code_for) -> tuple[bytes, Page]:
    """Walk the setup wizard to an authenticator app; `code_for(secret)` plays the phone.

    Returns the secret the wizard provisioned and the final page (a redirect to
    'setup complete' on success).
    """
    page = setup_method(client, "generator")
    secret = secret_from_setup_page(page)
    page = client.post(SETUP, {"setup_view-current_step": "generator", "generator-token": code_for(secret)})
    if page.status != 302:
        raise WizardError(f"The setup wizard refused the code: {form_errors(page) or page.status}")
    return secret, page
