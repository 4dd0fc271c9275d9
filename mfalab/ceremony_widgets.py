"""Pictures of WebAuthn ceremonies for notebooks: a sequence diagram (matplotlib), a stepper
through the messages of one ceremony (ipywidgets), field tables in HTML and in text.
"""

from __future__ import annotations

import html
import json

from .authenticator import b64url_decode, b64url_encode
from .webauthn_bytes import Field, authenticator_data_fields, decode_attestation_object, decode_client_data


def fields_html(rows: list[Field]) -> str:
    """An HTML table of Field rows (for IPython.display.HTML)."""
    body = "".join(f"<tr><td><code>{html.escape(r.name)}</code></td><td>{r.offset}</td><td>{r.length or ''}</td>"
                   f"<td><code>{r.hex()}</code></td><td>{html.escape(r.meaning)}</td></tr>" for r in rows)
    return ("<table><tr><th>field</th><th>offset</th><th>bytes</th><th>hex</th><th>meaning</th></tr>"
            f"{body}</table>")


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


def print_rows(rows, headers) -> None:
    """Print rows as a fixed-width text table."""
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows)]
    for row in (headers, *rows):
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
