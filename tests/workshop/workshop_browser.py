"""Debian's Chromium under Selenium for the workshop tests: no downloads, no network."""

import os
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1024,760",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"]


def missing_browser(paths=(CHROMIUM, CHROMEDRIVER)):
    """Why no browser test can run here, or None."""
    missing = [path for path in paths if not os.access(path, os.X_OK)]
    if missing:
        return (f"Chromium is not installed ({', '.join(missing)} missing): "
                "apt-get install chromium chromium-driver")
    return None


def require_browser(paths=(CHROMIUM, CHROMEDRIVER), env=os.environ):
    """Skip with the reason on a machine without Chromium; fail under CI, which installs it."""
    reason = missing_browser(paths)
    if reason and env.get("CI"):
        pytest.fail(f"{reason}. CI is set and CI installs Chromium, so this is a failure, not a skip.",
                    pytrace=False)
    if reason:
        pytest.skip(reason)


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="mfalab-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver._mfalab_profile = profile  # removed with the driver
    return driver


def add_security_key(driver):
    """Chrome's virtual authenticator: a USB CTAP2 key with user verification."""
    from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions

    options = VirtualAuthenticatorOptions(protocol=Protocol.CTAP2, transport=Transport.USB,
                                          has_user_verification=True, is_user_verified=True,
                                          is_user_consenting=True)
    driver.add_virtual_authenticator(options)
