"""The lab's cast: fixed usernames, passwords and secrets, so every run is the same.

LAB ONLY. These credentials are published in the course; never reuse them anywhere.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Persona:
    username: str
    password: str
    role: str
    factor: str | None = None  # "totp", "sms", "email", "webauthn" or None (no second factor yet)
    totp_key: str = ""  # hex, as django-otp stores it
    phone: str = ""
    email: str = ""
    account: str = ""
    balance: Decimal = Decimal("0.00")
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple = field(default_factory=tuple)

    @property
    def totp_secret(self) -> bytes:
        return bytes.fromhex(self.totp_key)


PERSONAS = {
    p.username: p
    for p in [
        Persona("alice", "alice-lab-pass", "customer, signs in with an authenticator app (TOTP)",
                factor="totp", totp_key="8a1f3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a",
                email="alice@bank.lab", account="40000001", balance=Decimal("2500.00")),
        Persona("bob", "bob-lab-pass", "customer, gets his codes by SMS",
                factor="sms", totp_key="1c3e5a7b9d0f2a4c6e8b1d3f5a7c9e0b2d4f6a8c",
                phone="+447700900101", email="bob@bank.lab", account="40000002", balance=Decimal("1800.00")),
        Persona("carol", "carol-lab-pass", "customer, gets her codes by email",
                factor="email", email="carol@bank.lab", account="40000003", balance=Decimal("950.00")),
        Persona("sam", "sam-lab-pass", "finance staff, no second factor yet (inside the grace period)",
                email="sam@bank.lab", account="40000004", balance=Decimal("300.00"),
                is_staff=True, groups=("finance",)),
        Persona("root", "root-lab-pass", "superuser, signs in with TOTP",
                factor="totp", totp_key="5f2e8d1c4b7a0f3e6d9c2b5a8f1e4d7c0b3a6f9e",
                email="root@bank.lab", account="40000005", balance=Decimal("10.00"),
                is_staff=True, is_superuser=True),
        Persona("mallory", "mallory-lab-pass", "the attacker: an ordinary customer with no second factor",
                email="mallory@evil.lab", account="40000666", balance=Decimal("5.00")),
        Persona("dana", "dana-lab-pass", "customer, signs in with a security key (WebAuthn)",
                factor="webauthn", email="dana@bank.lab", account="40000007", balance=Decimal("4200.00")),
    ]
}

# The security key a WebAuthn persona registered: a software authenticator seeded with the
# username, which made its first credential for RP ID "localhost" from these options.
WEBAUTHN_ORIGIN = "http://localhost"
WEBAUTHN_OPTIONS = {"rp": {"id": "localhost", "name": "MFA Lab Bank"}, "challenge": "bGFiLXNlZWQ",
                    "pubKeyCredParams": [{"type": "public-key", "alg": -7}]}


def security_key(p):
    """A fresh SoftAuthenticator holding p's registered credential (deterministic, counter 0)."""
    from mfalab.authenticator import SoftAuthenticator, b64url_encode

    key = SoftAuthenticator(seed=p.username.encode())
    key.create({**WEBAUTHN_OPTIONS, "user": {"id": b64url_encode(p.username.encode()), "name": p.username}},
               WEBAUTHN_ORIGIN)
    return key


def seed(using="default"):
    """Create or reset every persona, its bank account and its device. Safe to repeat."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_email.models import EmailDevice
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from two_factor.plugins.phonenumber.models import PhoneDevice

    from lab_project.bank.models import Account

    User = get_user_model()
    for p in PERSONAS.values():
        user, _ = User.objects.db_manager(using).get_or_create(username=p.username)
        user.email, user.is_staff, user.is_superuser, user.is_active = p.email, p.is_staff, p.is_superuser, True
        user.set_password(p.password)
        user.save(using=using)
        user.groups.set([Group.objects.db_manager(using).get_or_create(name=g)[0] for g in p.groups])
        Account.objects.using(using).update_or_create(
            number=p.account, defaults={"owner": user, "balance": p.balance, "name": "Current account"}
        )
        for model in (TOTPDevice, PhoneDevice, EmailDevice, StaticDevice):
            model.objects.using(using).filter(user=user).delete()
        if p.factor == "totp":
            TOTPDevice.objects.using(using).create(user=user, name="default", key=p.totp_key, confirmed=True)
        elif p.factor == "sms":
            PhoneDevice.objects.using(using).create(
                user=user, name="default", number=p.phone, method="sms", key=p.totp_key, confirmed=True
            )
        elif p.factor == "email":
            EmailDevice.objects.using(using).create(user=user, name="default", email=p.email, confirmed=True)
        elif p.factor == "webauthn":
            from two_factor.plugins.webauthn.models import WebauthnDevice

            from mfalab.authenticator import b64url_encode

            WebauthnDevice.objects.using(using).filter(user=user).delete()
            credential = security_key(p).credentials[0]
            WebauthnDevice.objects.using(using).create(
                user=user, name="default", public_key=b64url_encode(credential.public_key_cose),
                key_handle=b64url_encode(credential.credential_id), sign_count=credential.sign_count, confirmed=True)
