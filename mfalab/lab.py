"""Boot the lab bank and act on it as its personas do.

`boot()` starts the lab inside this process (a notebook kernel, a test), on a fresh
copy of the seeded database. `Lab` is the handle notebooks, tests and attacks share;
mfalab.sandbox.SandboxLab is the same handle for a lab served from another process.
"""

import atexit
import os
from pathlib import Path

from . import database, wizards
from .client import InProcessClient
from .errors import LabError, LoginFailed  # noqa: F401  (LoginFailed: part of this module's API)
from .otp import next_usable_step, totp_code

CODE_CHOICES = ("exercises", "solutions", "naive")


def check_code_source(code):
    """'exercises', 'solutions', 'naive', or an existing submission folder."""
    code = str(code)
    if code in CODE_CHOICES:
        return code
    path = Path(code).expanduser()
    if not path.is_dir():
        raise LabError(f"{code!r} is not a folder. Pass one of {', '.join(CODE_CHOICES)}, or the path of a "
                       "submission folder that holds ex01_totp.py ... ex06_step_up.py.")
    return str(path.resolve())


class Lab:
    """A running lab bank: personas, wizards, outboxes, the database behind them."""

    def __init__(self, *, code, alias="default"):
        self.code = code
        self.alias = alias

    # -- who is in the lab -----------------------------------------------------------

    @property
    def personas(self):
        from lab_project.mfa.personas import PERSONAS

        return PERSONAS

    def persona(self, username):
        try:
            return self.personas[username]
        except KeyError:
            raise LabError(f"No persona called {username!r}; the lab has {', '.join(self.personas)}.") from None

    def user(self, username):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.using(self.alias).get(username=username)

    def devices(self, username):
        """Every device of the persona (confirmed or not), read from this lab's database."""
        from django_otp import device_classes

        user = self.user(username)
        return [device for model in device_classes() for device in model.objects.using(self.alias).filter(user=user)]

    def account(self, username):
        from lab_project.bank.models import Account

        return Account.objects.using(self.alias).filter(owner__username=username).first()

    def outbox(self, channel=None, to=None):
        from lab_project.mfa.outbox import messages

        return messages(channel, to, using=self.alias)

    # -- acting as a persona ---------------------------------------------------------

    def client(self):
        raise NotImplementedError  # each kind of lab makes its own

    def current_code(self, username, at=None):
        """The code the persona's authenticator app shows now (next unused step)."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.using(self.alias).filter(user__username=username).first()
        if device is None:
            raise LabError(f"{username} has no authenticator app (TOTP device).")
        step = next_usable_step(device.last_t, at=at, step=device.step, tolerance=device.tolerance)
        return totp_code(device.bin_key, step * device.step, step=device.step, digits=device.digits)

    def forget_used_codes(self, username):
        """Forget which time steps the persona's TOTP device (django-otp's last_t) has accepted,
        and the phone codes the lab sent and struck off (PhoneCode rows).

        With tolerance 1 a device accepts at most two new codes per 30-s step (now and the
        next one), and a phone code of one step only once, so a demonstration that signs the
        same persona in again within one step would have to wait for the clock (and the
        hardened lab's send limit for ten minutes). A scenario whose victim "signed in
        earlier" calls this first; the replay check and the limit themselves are untouched.
        """
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from lab_project.guard.models import PhoneCode

        TOTPDevice.objects.using(self.alias).filter(user__username=username).update(last_t=-1)
        PhoneCode.objects.using(self.alias).filter(device__user__username=username).delete()

    def forget_failures(self, username):
        """Reset the throttles of the persona's devices, as after a successful sign-in: a
        scenario must not be slowed by an earlier scenario's failed attempts."""
        for device in self.devices(username):
            if hasattr(device, "throttle_reset"):
                type(device).objects.using(self.alias).filter(pk=device.pk).update(
                    throttling_failure_count=0, throttling_failure_timestamp=None)

    def _read_code(self, username, channel, since):
        persona = self.persona(username)
        to = persona.phone if channel in ("sms", "call") else persona.email
        sent = [m for m in self.outbox(channel, to) if m.id > since]
        if not sent:
            raise LoginFailed(f"No {channel} message reached {to} after the password step.")
        return sent[-1].token

    def login(self, username, factor=None, *, code=None, client=None, next_url=None):
        """Sign a persona in through the real two-factor login wizard; return the client.

        factor: "totp", "sms", "call", "email", "webauthn" or "backup" (then pass code=), or
        None for the persona's own. code: a code to send instead of the right one.
        """
        persona = self.persona(username)
        factor = factor or persona.factor
        if factor == "webauthn":
            from .ceremonies import login_with_key, persona_key

            return login_with_key(self, username, persona_key(username, self), client, next_url=next_url)
        client = client or self.client()
        if factor in ("sms", "call"):
            self.forget_used_codes(username)  # a code of this step may have signed the persona in already
        last_message = max([m.id for m in self.outbox()], default=0)
        page = wizards.password_step(client, username, persona.password, next_url=next_url)
        if wizards.signed_in(page):
            return client  # no second factor enrolled: the password was enough
        if page.status != 200 or "token-otp_token" not in page.text:
            raise LoginFailed(f"The password step failed for {username}: {wizards.form_errors(page)}")
        if factor == "backup":
            if code is None:
                raise LabError("Pass the backup code: lab.login(name, 'backup', code=...).")
            page = wizards.backup_step(client, code, next_url=next_url)
        else:
            if code is None:
                code = self.current_code(username) if factor == "totp" else self._read_code(username, factor,
                                                                                          last_message)
            page = wizards.token_step(client, code, next_url=next_url)
        if not wizards.signed_in(page):
            raise LoginFailed(f"The {factor} step refused the code for {username}: {wizards.form_errors(page)}")
        return client

    def login_password_only(self, username, *, client=None):
        """Sign in through Django's plain password-only login view (/accounts/login/)."""
        client = client or self.client()
        page = wizards.password_only_login(client, username, self.persona(username).password)
        if page.status != 302:
            raise LoginFailed(f"The password-only login refused {username}.")
        return client

    def enroll_totp(self, username, *, client=None):
        """Sign in if needed, walk the setup wizard to an authenticator app; the secret."""
        client = client or self.login(username)
        secret, _ = wizards.setup_totp(client, lambda secret: totp_code(secret))
        return secret


class InProcessLab(Lab):
    """The lab inside this process: Django's test client, the default database."""

    def __init__(self, *, code, db_path):
        from lab_project.guard.origins import serving

        super().__init__(code=code)
        self.db_path = Path(db_path)
        self.servers = []
        serving(InProcessClient.origin)  # what the test client's requests come from

    def client(self):
        return InProcessClient()

    def reset(self):
        """Start again from the seeded database: every change since is gone."""
        _use_database(self.db_path)
        return self

    def serve(self, port=0):
        """Serve this lab on http://localhost:PORT from a thread (port=0: a free one)."""
        from .liveserver import LiveServer

        server = LiveServer(port)
        self.servers.append(server)
        return server

    def stop_servers(self):
        for server in self.servers:
            server.stop()
        self.servers.clear()

    def __repr__(self):
        return f"<Lab code={self.code!r} personas={len(self.personas)} servers={len(self.servers)}>"


_lab = None


def _use_database(path):
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    database.fresh_copy(path)
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].settings_dict["NAME"] = str(path)


def _load_exercise_hooks():
    """Import the URLconf and build the middleware now, so the lab reports at boot
    which exercise hooks run the naive version (not at the first request)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    WSGIHandler()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(folder):
    """Delete the databases of kernels that are gone (a killed kernel never ran its atexit)."""
    import re

    removed = []
    for path in Path(folder).glob("lab-*.sqlite3*"):
        found = re.fullmatch(r"lab-(\d+)\.sqlite3(-wal|-shm|-journal)?", path.name)
        if found and not _alive(int(found.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _kernel_db_path():
    remove_leftovers(database.VAR / "run")
    path = database.VAR / "run" / f"lab-{os.getpid()}.sqlite3"
    atexit.register(lambda: [Path(f"{path}{s}").unlink(missing_ok=True) for s in ("", "-wal", "-shm")])
    return path


def boot(code=None, *, fresh=True):
    """Start the lab bank in this process and return its handle.

    code: "exercises" (default: your modules), "solutions", "naive", or a submission
    folder. fresh: start from the seeded database (True), or keep this kernel's data.
    Safe to call again: the same lab comes back, reset when fresh=True.
    """
    global _lab
    import django
    from django.conf import settings

    code = check_code_source(code or os.environ.get("MFALAB_CODE", "exercises"))
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ipykernel runs an event loop
    if not settings.configured:
        # A kernel started by a test run inherits the test settings; a lab is a lab.
        os.environ["DJANGO_SETTINGS_MODULE"] = "lab_project.settings"
        os.environ["MFALAB_CODE"] = code
    django.setup()
    if settings.LAB_CODE != code:
        raise LabError(f"This process already runs the lab with code={settings.LAB_CODE!r}. To switch to "
                       f"{code!r}, restart the kernel (Kernel > Restart Kernel) and boot again.")
    if _lab is None:
        try:
            _lab = InProcessLab(code=code, db_path=_kernel_db_path())
            _use_database(_lab.db_path)
        except PermissionError as error:
            _lab = None
            raise LabError(f"Cannot write the lab's database ({error.filename}): this copy of the kit is not "
                           "yours to change. Make your own workspace in a terminal, "
                           "`python -m mfalab workspace ~/mfa-lab`, and open the notebooks there.") from None
        _load_exercise_hooks()
    elif fresh:
        _lab.stop_servers()
        _lab.reset()
    return _lab
