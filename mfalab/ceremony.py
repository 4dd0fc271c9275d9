"""WebAuthn ceremonies, byte by byte: decode, parse, verify, and run them against the lab.

    from mfalab import ceremony
    ceremony.decode_client_data(response["response"]["clientDataJSON"])
    ceremony.authenticator_data_fields(auth_data)        # a table, one row per field
    ceremony.register_key(lab, "mallory", SoftAuthenticator(seed=b"m"))   # real setup wizard
    ceremony.login_with_key(lab, "dana", ceremony.persona_key("dana"))    # real login wizard

Names follow W3C WebAuthn Level 3 (§5.8.1 clientData, §6.1 authenticatorData,
§6.5 attestation object) and RFC 9052/9053 (COSE keys).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import struct
from dataclasses import dataclass

import cbor2

from .authenticator import SoftAuthenticator, b64url_decode, b64url_encode
from .wizards import SETUP

__all__ = [
    "FLAGS", "Field", "Verdict", "decode_client_data", "decode_attestation_object", "parse_authenticator_data",
    "authenticator_data_fields", "fields_html", "cose_key_fields", "signed_bytes", "check_signature",
    "verify_registration", "verify_authentication", "creation_options", "request_options", "register_key",
    "login_with_key", "persona_key", "assertion_parts", "draw_sequence", "CeremonyStepper", "SEQUENCES",
]

# authenticatorData flag bits (WebAuthn §6.1).
FLAGS = {"UP": 0x01, "UV": 0x04, "BE": 0x08, "BS": 0x10, "AT": 0x40, "ED": 0x80}
FLAG_MEANING = {"UP": "user present", "UV": "user verified", "BE": "backup eligible", "BS": "backed up",
                "AT": "attested credential data included", "ED": "extension data included"}
COSE_NAMES = {-7: "ES256 (ECDSA P-256, SHA-256)", -8: "EdDSA (Ed25519)", -257: "RS256 (RSA PKCS#1 v1.5, SHA-256)"}
SETUP_OPTIONS_JS = "/account/two_factor/webauthn/create_credential.js"
LOGIN_OPTIONS_JS = "/account/two_factor/webauthn/get_credential.js"
OPTIONS_IN_JS = re.compile(r"let credential(?:Creation|Request)Options = (\{.*?\});\s*$", re.S | re.M)


def _as_bytes(value: str | bytes) -> bytes:
    return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else b64url_decode(value)


# -- decoding --------------------------------------------------------------------------

def decode_client_data(client_data_json: str | bytes) -> dict:
    """clientDataJSON (base64url text or raw bytes) as a dict: type, challenge, origin, crossOrigin."""
    return json.loads(_as_bytes(client_data_json).decode("utf-8"))


def decode_attestation_object(attestation_object: str | bytes) -> dict:
    """The CBOR attestation object (§6.5): {"fmt": ..., "attStmt": {...}, "authData": bytes}."""
    return cbor2.loads(_as_bytes(attestation_object))


def _split_cbor(data: bytes, what: str) -> tuple[bytes, bytes]:
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as error:  # noqa: BLE001 (cbor2 raises several types)
        raise ValueError(f"{what} is not valid CBOR ({error})") from None
    if not isinstance(item, dict):
        raise ValueError(f"{what} is not a CBOR map")
    return data[:stream.tell()], data[stream.tell():]


def parse_authenticator_data(data: bytes) -> dict:
    """Reference parse of authenticatorData (§6.1), same contract as exercise 5's function."""
    data = bytes(data)
    if len(data) < 37:
        raise ValueError(f"authenticatorData needs at least 37 bytes, got {len(data)}")
    parsed = {"rp_id_hash": data[:32], "flags": data[32],
              **{name.lower(): bool(data[32] & bit) for name, bit in FLAGS.items()},
              "sign_count": struct.unpack(">I", data[33:37])[0]}
    rest = data[37:]
    if parsed["at"]:
        if len(rest) < 18:
            raise ValueError("AT is set but attestedCredentialData is cut short")
        length = struct.unpack(">H", rest[16:18])[0]
        if length > 1023 or len(rest) < 18 + length + 1:
            raise ValueError(f"credentialIdLength {length} does not fit the data")
        parsed["aaguid"], parsed["credential_id"] = rest[:16], rest[18:18 + length]
        parsed["credential_public_key"], rest = _split_cbor(rest[18 + length:], "credentialPublicKey")
    if parsed["ed"]:
        _, rest = _split_cbor(rest, "extensions")
    if rest:
        raise ValueError(f"{len(rest)} unexpected bytes after authenticatorData")
    return parsed


@dataclass
class Field:
    """One field of a WebAuthn structure: where it sits, its bytes, what they mean."""

    name: str
    offset: int
    raw: bytes
    meaning: str

    @property
    def length(self) -> int:
        return len(self.raw)

    def hex(self, limit: int = 16) -> str:
        text = self.raw.hex()
        return text if len(self.raw) <= limit else f"{self.raw[:limit].hex()}... ({len(self.raw)} bytes)"


def authenticator_data_fields(data: bytes, rp_id: str | None = None) -> list[Field]:
    """authenticatorData field by field, flags bit by bit, for teaching."""
    parsed = parse_authenticator_data(data)
    data = bytes(data)
    rp_note = ""
    if rp_id is not None:
        same = hashlib.sha256(rp_id.encode()).digest() == parsed["rp_id_hash"]
        rp_note = f" = SHA-256({rp_id!r})" if same else f" != SHA-256({rp_id!r})"
    rows = [Field("rpIdHash", 0, data[:32], "SHA-256 of the RP ID" + rp_note),
            Field("flags", 32, data[32:33], f"0b{parsed['flags']:08b}")]
    for name, bit in FLAGS.items():
        state = "1" if parsed[name.lower()] else "0"
        rows.append(Field(f"  {name} (0x{bit:02x})", 32, b"", f"{state}: {FLAG_MEANING[name]}"))
    rows.append(Field("signCount", 33, data[33:37], f"{parsed['sign_count']} (4 bytes, big-endian)"))
    offset = 37
    if parsed["at"]:
        cid, key = parsed["credential_id"], parsed["credential_public_key"]
        rows += [Field("aaguid", offset, parsed["aaguid"], "authenticator model (all zeros: not disclosed)"
                       if parsed["aaguid"] == bytes(16) else "authenticator model"),
                 Field("credentialIdLength", offset + 16, data[offset + 16:offset + 18], f"{len(cid)}"),
                 Field("credentialId", offset + 18, cid, "the handle the RP stores and sends back"),
                 Field("credentialPublicKey", offset + 18 + len(cid), key, cose_key_summary(key))]
        offset += 18 + len(cid) + len(key)
    if parsed["ed"]:
        rows.append(Field("extensions", offset, data[offset:], "CBOR map of extension outputs"))
    return rows


def fields_html(rows: list[Field]) -> str:
    """An HTML table of Field rows (for IPython.display.HTML)."""
    body = "".join(f"<tr><td><code>{html.escape(r.name)}</code></td><td>{r.offset}</td><td>{r.length or ''}</td>"
                   f"<td><code>{r.hex()}</code></td><td>{html.escape(r.meaning)}</td></tr>" for r in rows)
    return ("<table><tr><th>field</th><th>offset</th><th>bytes</th><th>hex</th><th>meaning</th></tr>"
            f"{body}</table>")


def cose_key_fields(cose_key: bytes) -> dict:
    """A COSE_Key with its labels named (RFC 9052 §7, RFC 9053)."""
    key = cbor2.loads(cose_key)
    kty = key.get(1)
    names = {1: "kty", 3: "alg"}
    if kty in (1, 2):  # OKP, EC2
        names.update({-1: "crv", -2: "x", -3: "y"})
    elif kty == 3:  # RSA
        names.update({-1: "n", -2: "e"})
    return {f"{label} ({names.get(label, '?')})": value for label, value in key.items()}


def cose_key_summary(cose_key: bytes) -> str:
    key = cbor2.loads(cose_key)
    return f"COSE_Key, alg {key.get(3)} = {COSE_NAMES.get(key.get(3), 'unknown')}"


# -- verifying -------------------------------------------------------------------------

def signed_bytes(authenticator_data: bytes, client_data_json: bytes) -> bytes:
    """What an assertion signature covers: authenticatorData || SHA-256(clientDataJSON) (§6.3.3)."""
    return bytes(authenticator_data) + hashlib.sha256(bytes(client_data_json)).digest()


def check_signature(cose_key: bytes, signature: bytes, data: bytes) -> bool:
    """True when `signature` over `data` verifies with the COSE public key (via py_webauthn's helpers)."""
    from cryptography.exceptions import InvalidSignature
    from webauthn.helpers import decode_credential_public_key, decoded_public_key_to_cryptography, verify_signature

    decoded = decode_credential_public_key(cose_key)
    try:
        verify_signature(public_key=decoded_public_key_to_cryptography(decoded), signature_alg=decoded.alg,
                         signature=signature, data=data)
    except InvalidSignature:
        return False
    return True


@dataclass
class Verdict:
    """py_webauthn's answer: ok, the reason when not, and the new sign count when ok."""

    ok: bool
    reason: str = ""
    sign_count: int | None = None

    def __str__(self):
        return f"accepted, new signCount {self.sign_count}" if self.ok else f"refused: {self.reason}"


def verify_registration(response: dict, *, challenge: bytes, origin: str, rp_id: str):
    """py_webauthn's verify_registration_response (§7.1) on a registration response dict."""
    from webauthn import verify_registration_response

    return verify_registration_response(credential=response, expected_challenge=challenge,
                                        expected_origin=origin, expected_rp_id=rp_id)


def verify_authentication(response: dict, *, public_key: bytes, challenge: bytes, origin: str, rp_id: str,
                          sign_count: int, require_user_verification: bool = False) -> Verdict:
    """py_webauthn's verify_authentication_response (§7.2), as a Verdict instead of an exception."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure

    try:
        verified = verify_authentication_response(
            credential=response, expected_challenge=challenge, expected_origin=origin, expected_rp_id=rp_id,
            credential_public_key=public_key, credential_current_sign_count=sign_count,
            require_user_verification=require_user_verification)
    except (InvalidAuthenticationResponse, InvalidJSONStructure) as error:
        return Verdict(False, str(error))
    return Verdict(True, sign_count=verified.new_sign_count)


def assertion_parts(response: dict) -> dict:
    """The raw bytes of an authentication response: client_data_json, authenticator_data, signature."""
    r = response["response"]
    return {"client_data_json": b64url_decode(r["clientDataJSON"]),
            "authenticator_data": b64url_decode(r["authenticatorData"]),
            "signature": b64url_decode(r["signature"])}


# -- the lab's real wizards ------------------------------------------------------------

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


# -- pictures and steppers -------------------------------------------------------------

SEQUENCES = {
    "registration": [
        ("RP", "Browser", "PublicKeyCredentialCreationOptions: rp, user, challenge, pubKeyCredParams"),
        ("Browser", "Authenticator", "authenticatorMakeCredential(rpId, SHA-256(clientDataJSON))"),
        ("Authenticator", "Authenticator", "user touches the key; new key pair for this rpId"),
        ("Authenticator", "Browser", "attestationObject: fmt, attStmt, authData (with credential key)"),
        ("Browser", "RP", "clientDataJSON + attestationObject"),
        ("RP", "RP", "§7.1: type, challenge, origin, rpIdHash, UP, attestation; store key + id"),
    ],
    "authentication": [
        ("RP", "Browser", "PublicKeyCredentialRequestOptions: challenge, rpId, allowCredentials"),
        ("Browser", "Authenticator", "authenticatorGetAssertion(rpId, SHA-256(clientDataJSON))"),
        ("Authenticator", "Authenticator", "user touches the key; signCount += 1"),
        ("Authenticator", "Browser", "authenticatorData + signature"),
        ("Browser", "RP", "clientDataJSON + authenticatorData + signature"),
        ("RP", "RP", "§7.2: type, challenge, origin, rpIdHash, UP/UV, signature, signCount"),
    ],
}
ACTORS = ["Authenticator", "Browser", "RP"]


def draw_sequence(ceremony: str = "registration", ax=None):
    """A sequence diagram of a ceremony with matplotlib; returns the axes."""
    import matplotlib.pyplot as plt

    steps = SEQUENCES[ceremony]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.7 * len(steps) + 1.2))
    x = {name: i * 4.0 for i, name in enumerate(ACTORS)}
    bottom = -len(steps) - 0.5
    for name, pos in x.items():
        ax.plot([pos, pos], [0.3, bottom], color="0.6", lw=1)
        ax.text(pos, 0.5, "Relying Party (lab)" if name == "RP" else name, ha="center", fontweight="bold")
    for i, (source, target, label) in enumerate(steps, start=1):
        y = -i
        if source == target:
            ax.annotate("", (x[source] + 0.4, y - 0.25), (x[source], y),
                        arrowprops=dict(arrowstyle="->", connectionstyle="arc3,rad=-0.6"))
            ax.text(x[source] + (-0.5 if source == "RP" else 0.5), y, f"{i}. {label}", va="center", fontsize=8,
                    ha="right" if source == "RP" else "left")
        else:
            ax.annotate("", (x[target], y), (x[source], y), arrowprops=dict(arrowstyle="->", lw=1.2))
            ax.text((x[source] + x[target]) / 2, y + 0.1, f"{i}. {label}", ha="center", fontsize=8)
    ax.set_xlim(-2.5, 10.5)
    ax.set_ylim(bottom, 1)
    ax.axis("off")
    ax.set_title(f"WebAuthn {ceremony} ceremony")
    return ax


class CeremonyStepper:
    """Step through a ceremony one message at a time (ipywidgets).

    messages: list of (title, text) pairs. Move with `.slider.value = n` (or the buttons);
    `.current` is the shown pair, `.html.value` its HTML. `.widget` is what a notebook displays.
    """

    def __init__(self, messages: list[tuple[str, str]]):
        import ipywidgets as widgets

        if not messages:
            raise ValueError("a ceremony needs at least one message")
        self.messages = list(messages)
        self.slider = widgets.IntSlider(value=0, min=0, max=len(self.messages) - 1, description="step")
        self.back = widgets.Button(description="< back")
        self.next = widgets.Button(description="next >")
        self.html = widgets.HTML()
        self.back.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.slider.observe(lambda _: self._show(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.back, self.slider, self.next]), self.html])
        self._show()

    @property
    def current(self) -> tuple[str, str]:
        return self.messages[self.slider.value]

    def go(self, delta: int) -> None:
        self.slider.value = max(0, min(len(self.messages) - 1, self.slider.value + delta))

    def _show(self) -> None:
        title, text = self.current
        self.html.value = (f"<b>{self.slider.value + 1}/{len(self.messages)}: {html.escape(title)}</b>"
                           f"<pre>{html.escape(text)}</pre>")
        self.back.disabled = self.slider.value == 0
        self.next.disabled = self.slider.value == len(self.messages) - 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def ceremony_messages(options: dict, response: dict) -> list[tuple[str, str]]:
    """The messages of one ceremony, decoded, for CeremonyStepper: options, clientData, authenticator output."""
    def pretty(value):
        return json.dumps(value, indent=1, default=lambda b: b64url_encode(b) if isinstance(b, bytes) else str(b))

    r = response["response"]
    messages = [("RP -> browser: options", pretty(options)),
                ("browser: clientDataJSON", pretty(decode_client_data(r["clientDataJSON"])))]
    if "attestationObject" in r:
        attestation = decode_attestation_object(r["attestationObject"])
        auth_data = attestation["authData"]
        messages.append(("authenticator -> browser: attestationObject (CBOR)",
                         pretty({"fmt": attestation["fmt"], "attStmt": attestation["attStmt"],
                                 "authData": f"{len(auth_data)} bytes"})))
    else:
        auth_data = b64url_decode(r["authenticatorData"])
        messages.append(("authenticator -> browser: signature", r["signature"]))
    rows = authenticator_data_fields(auth_data)
    messages.append(("authenticatorData, field by field",
                     "\n".join(f"{f.name:<22}{f.hex():<40}{f.meaning}" for f in rows)))
    messages.append(("browser -> RP: the posted JSON", pretty(response)))
    return messages


# -- ready-made assertions (tests, negative cases) --------------------------------------

FIXED_CHALLENGE = b"mfalab-fixed-challenge-32-bytes!"


def assertion_case(algorithm: str = "ES256", *, seed: bytes | None = b"case", challenge: bytes = FIXED_CHALLENGE,
                   origin: str = "http://localhost", rp_id: str = "localhost", authenticator=None,
                   **authenticator_options) -> tuple[dict, dict, SoftAuthenticator]:
    """Register a credential, then sign one assertion; return (verify kwargs, response, authenticator).

    The kwargs are exactly exercise 5's verify_assertion arguments, with stored_sign_count
    the credential's count at registration. Pass authenticator= to reuse one (its newest
    credential for rp_id signs).
    """
    if authenticator is None:
        authenticator = SoftAuthenticator(algorithm, seed=seed, **authenticator_options)
        authenticator.create({"rp": {"id": rp_id, "name": "MFA Lab Bank"}, "user": {"id": "dXNlcg", "name": "user"},
                              "challenge": "cmVn", "pubKeyCredParams": [{"type": "public-key", "alg": a}
                                                                        for a in (-7, -8, -257)]}, origin)
    credential = [c for c in authenticator.credentials if c.rp_id == rp_id][-1]
    stored = credential.sign_count
    response = authenticator.get({"challenge": b64url_encode(challenge), "rpId": rp_id}, origin)
    kwargs = {"credential_public_key": credential.public_key_cose, **assertion_parts(response),
              "expected_challenge": challenge, "expected_origin": origin, "expected_rp_id": rp_id,
              "stored_sign_count": stored}
    return kwargs, response, authenticator


def resign(authenticator: SoftAuthenticator, kwargs: dict, **changes) -> dict:
    """A copy of verify kwargs with some fields changed and the signature made again over them.

    Only the changed field is wrong then, as if the authenticator itself had produced it.
    """
    changed = {**kwargs, **changes}
    credential = authenticator.credentials[-1]
    changed["signature"] = credential.sign(signed_bytes(changed["authenticator_data"], changed["client_data_json"]))
    return changed


def with_client_data(kwargs: dict, **fields) -> bytes:
    """clientDataJSON of kwargs with some members replaced (same compact JSON form)."""
    data = {**json.loads(kwargs["client_data_json"]), **fields}
    return json.dumps(data, separators=(",", ":")).encode()


def with_flags(authenticator_data: bytes, *, set_bits: int = 0, clear_bits: int = 0) -> bytes:
    """authenticatorData with flag bits set or cleared."""
    data = bytearray(authenticator_data)
    data[32] = (data[32] | set_bits) & ~clear_bits & 0xFF
    return bytes(data)


def as_response(kwargs: dict, response: dict) -> dict:
    """The response JSON carrying kwargs' bytes (to ask py_webauthn about the same inputs)."""
    r = dict(response["response"], clientDataJSON=b64url_encode(kwargs["client_data_json"]),
             authenticatorData=b64url_encode(kwargs["authenticator_data"]),
             signature=b64url_encode(kwargs["signature"]))
    return dict(response, response=r)


def replace_parts(response: dict, **parts: bytes) -> dict:
    """A copy of an authentication response with client_data_json / authenticator_data / signature replaced."""
    names = {"client_data_json": "clientDataJSON", "authenticator_data": "authenticatorData", "signature": "signature"}
    inner = dict(response["response"], **{names[k]: b64url_encode(v) for k, v in parts.items()})
    return dict(response, response=inner)


def exercise_kwargs(response: dict, *, public_key: bytes, challenge: bytes, origin: str, rp_id: str,
                    sign_count: int, require_user_verification: bool = False) -> dict:
    """Exercise 5's verify_assertion arguments for a response and what the RP expects."""
    return {"credential_public_key": public_key, **assertion_parts(response), "expected_challenge": challenge,
            "expected_origin": origin, "expected_rp_id": rp_id, "stored_sign_count": sign_count,
            "require_user_verification": require_user_verification}


# -- the learner's exercise 5, with the reference as a fallback ---------------------------

def _exercise(name: str):
    from lab_project.mfa.exercise_code import implementation

    return implementation("ex05", name)


def parse_with_exercise(data: bytes) -> tuple[dict, str]:
    """(parsed, who parsed it): your parse_authenticator_data when it works, else the reference."""
    function = _exercise("parse_authenticator_data")
    if function is not None:
        try:
            return function(data), "your parse_authenticator_data (exercise 5)"
        except NotImplementedError:
            pass
        except Exception as error:  # noqa: BLE001 (the learner's code)
            return parse_authenticator_data(data), (f"your parse_authenticator_data raised {type(error).__name__}: "
                                                    f"{error}; the toolkit's reference parse is shown")
    return parse_authenticator_data(data), "exercise 5 is not written yet: the toolkit's reference parse"


def exercise_verdicts(cases: dict) -> list[tuple[str, str, str, str]]:
    """Run your verify_assertion on each case: rows of (case, expected, yours, mark).

    cases: name -> (verify_assertion kwargs, expected exception name or "accepted").
    """
    function = _exercise("verify_assertion")
    rows = []
    for name, (kwargs, expected) in cases.items():
        if function is None:
            yours = "(no verify_assertion)"
        else:
            try:
                yours = f"accepted ({function(**kwargs)})"
            except NotImplementedError:
                yours = "(not written yet)"
            except Exception as error:  # noqa: BLE001 (the learner's code)
                yours = type(error).__name__
        mark = "ok" if yours.split(" ")[0] == expected else "--"
        rows.append((name, expected, yours, mark))
    return rows


def print_rows(rows, headers) -> None:
    """Print rows as a fixed-width text table."""
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows)]
    for row in (headers, *rows):
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
