"""End to end in a real browser: Debian's Chromium driven by Selenium against a served lab.

Personas enrol and sign in through the lab's real pages: an authenticator app (the code
computed from the secret the page shows), a security key (Chrome's virtual
authenticator), and a staff user whom the admin refuses until verified. Screenshots of
the key pages go to a temporary folder (or $MFALAB_SCREENSHOTS).
"""

import base64
import os
from pathlib import Path

import pytest
from workshop_browser import add_security_key, chromium, missing_browser, require_browser

from lab_project.mfa.personas import PERSONAS
from mfalab.otp import secret_from_uri, totp_code
from mfalab.sandbox import SandboxLab

pytestmark = pytest.mark.slow
NEXT = "main form button[type=submit]:not([name])"  # the wizard's "Next" (its "Back" has a name)


@pytest.fixture
def browser():
    require_browser()
    driver = chromium()
    yield driver
    driver.quit()
    driver._mfalab_profile.cleanup()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("MFALAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def wait_for(driver, condition, why):
    """Poll until `condition(driver)` holds; a page replaced mid-check just means: look again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(condition, message=why)


def page_with(driver, selector):
    from selenium.webdriver.common.by import By

    return wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), f"no {selector} on {driver.current_url}")[0]


def fill(driver, **fields):
    for name, value in fields.items():
        box = page_with(driver, f'[name="{name.replace("__", "-")}"]')
        box.clear()
        box.send_keys(value)


def next_step(driver):
    old = page_with(driver, "html")
    page_with(driver, NEXT).click()
    wait_for(driver, lambda d: _stale(old), "the form did not submit")


def _stale(element):
    """Has the page that held `element` been replaced? Chromium says so with a stale-element
    error, or, when asked mid-navigation, that the node "does not belong to the document"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.tag_name  # noqa: B018
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def banner(driver):
    return page_with(driver, ".lab-banner").text


def sign_in_with_password(driver, url, persona):
    driver.get(url + "/account/login/")
    fill(driver, auth__username=persona.username, auth__password=persona.password)
    next_step(driver)


def enter_code(driver, code):
    fill(driver, token__otp_token=code)
    next_step(driver)


def start_setup(driver, url, method):
    driver.get(url + "/account/two_factor/setup/")
    next_step(driver)  # welcome
    radio = page_with(driver, f'input[name="method-method"][value="{method}"]')
    radio.click()
    next_step(driver)


def test_totp_setup_and_login_in_chromium(lab, browser, shots):
    """mallory scans (reads) the secret on the setup page, confirms a code, signs in with TOTP."""
    server = lab.serve()
    mallory = PERSONAS["mallory"]
    sign_in_with_password(browser, server.url, mallory)  # no device yet: straight in
    assert "signed in as mallory, second factor not verified" in banner(browser)
    start_setup(browser, server.url, "generator")
    link = page_with(browser, 'a[href^="otpauth://"]')
    shown = link.text.replace(" ", "").upper()  # what a learner would type into an app
    secret = base64.b32decode(shown + "=" * (-len(shown) % 8))
    assert secret == secret_from_uri(link.get_attribute("href")) and len(secret) >= 14  # >= 112 bits
    browser.save_screenshot(str(shots / "totp-setup.png"))
    fill(browser, generator__token=totp_code(secret))
    next_step(browser)
    assert "/account/two_factor/setup/complete/" in browser.current_url
    assert [d.name for d in lab.devices("mallory") if d.persistent_id.startswith("otp_totp")] == ["default"]

    page_with(browser, "#logout").click()
    wait_for(browser, lambda d: "signed in as" not in banner(d), "sign-out did not happen")
    sign_in_with_password(browser, server.url, mallory)
    browser.save_screenshot(str(shots / "totp-login.png"))
    enter_code(browser, totp_code(secret, offset=1))  # the setup step's code is spent (replay)
    assert "signed in as mallory, second factor verified" in banner(browser)
    browser.save_screenshot(str(shots / "dashboard-verified.png"))


def test_security_key_registration_and_login_in_chromium(lab, browser, shots):
    """mallory registers a security key (Chrome's virtual authenticator) and signs in with it."""
    add_security_key(browser)
    server = lab.serve()
    mallory = PERSONAS["mallory"]
    sign_in_with_password(browser, server.url, mallory)  # no device yet: straight in
    start_setup(browser, server.url, "webauthn")  # the page's script calls navigator.credentials.create
    wait_for(browser, lambda d: "/setup/complete/" in d.current_url, "the key was not registered")
    assert len(browser.get_credentials()) == 1
    assert any(d.persistent_id.startswith("two_factor_webauthn") for d in lab.devices("mallory"))
    browser.save_screenshot(str(shots / "security-key-registered.png"))

    page_with(browser, "#logout").click()
    wait_for(browser, lambda d: "signed in as" not in banner(d), "sign-out did not happen")
    sign_in_with_password(browser, server.url, mallory)  # the key is now mallory's default device
    browser.save_screenshot(str(shots / "security-key-login.png"))
    wait_for(browser, lambda d: "signed in as mallory, second factor verified" in banner(d),
             "the key did not sign mallory in")
    assert browser.get_credentials()[0].sign_count >= 1


def test_admin_refuses_staff_until_verified_in_chromium(browser, shots, django_db_blocker):
    """root's password alone does not open the admin (solutions lab); password + TOTP does."""
    root = PERSONAS["root"]
    with django_db_blocker.unblock(), SandboxLab("solutions") as lab:
        browser.get(lab.url + "/accounts/login/")  # Django's password-only login
        fill(browser, username=root.username, password=root.password)
        old = page_with(browser, "html")
        page_with(browser, "main form button[type=submit]").click()
        wait_for(browser, lambda d: _stale(old), "the password form did not submit")
        browser.get(lab.url + "/admin/")
        assert "Site administration" not in browser.page_source
        assert browser.current_url == lab.url + "/account/login/?next=/admin/"  # sent to the 2FA login
        browser.save_screenshot(str(shots / "admin-refused.png"))

        sign_in_with_password(browser, lab.url, root)
        enter_code(browser, totp_code(root.totp_secret))
        browser.get(lab.url + "/admin/")
        wait_for(browser, lambda d: "Site administration" in d.page_source, "the admin did not open")
        browser.save_screenshot(str(shots / "admin-verified.png"))


@pytest.mark.parametrize("ci, outcome", [("", "skipped"), ("true", "failed")])
def test_a_machine_without_chromium_skips_locally_and_fails_under_ci(tmp_path, ci, outcome):
    """No browser: a clear skip on a learner's machine, a failure under CI."""
    absent = (str(tmp_path / "chromium"), str(tmp_path / "chromedriver"))
    assert "Chromium is not installed" in missing_browser(absent)
    expected = pytest.skip.Exception if outcome == "skipped" else pytest.fail.Exception
    with pytest.raises(expected, match="apt-get install chromium chromium-driver"):
        require_browser(absent, env={"CI": ci} if ci else {})


def test_security_key_through_the_jupyter_proxy_in_chromium(browser, shots, tmp_path):
    """Inside JupyterLab's proxy (a hub-style prefix), a key registers and signs mallory in."""
    from workshop_servers import TOKEN, JupyterServer

    add_security_key(browser)
    jupyter = JupyterServer(tmp_path, env={"MFALAB_DB": str(tmp_path / "lab.sqlite3"), "MFALAB_CODE": "solutions"})
    jupyter.start()
    try:
        lab_url = jupyter.url + "/mfalab"
        browser.get(f"{lab_url}/?token={TOKEN}")  # the learner's Jupyter session
        sign_in_with_password(browser, lab_url, PERSONAS["mallory"])
        start_setup(browser, lab_url, "webauthn")
        wait_for(browser, lambda d: "/setup/complete/" in d.current_url, "the key was not registered")
        assert browser.current_url.startswith(lab_url + "/account/two_factor/setup/complete/")
        browser.save_screenshot(str(shots / "proxied-key-registered.png"))
        page_with(browser, "#logout").click()
        wait_for(browser, lambda d: "signed in as" not in banner(d), "sign-out did not happen")
        sign_in_with_password(browser, lab_url, PERSONAS["mallory"])
        wait_for(browser, lambda d: "signed in as mallory, second factor verified" in banner(d),
                 "the key did not sign mallory in")
        assert browser.current_url.startswith(lab_url + "/")
    finally:
        jupyter.stop()
