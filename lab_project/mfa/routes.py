"""Routes the lab treats specially, by URL name. No imports: the toolkit reads them anywhere."""

# Every route that adds, removes or replaces a factor (lab_project/urls.py guards each one).
FACTOR_CHANGING_ROUTES = {
    "two_factor:setup": "the setup wizard: an authenticator app, a phone, an email or a security key",
    "two_factor:qr": "the setup wizard's QR code (the new secret)",
    "two_factor:backup_tokens": "(re)generating backup codes",
    "two_factor:disable": "disabling two-factor (every factor deleted)",
    "two_factor:phone_create": "adding a backup phone",
    "two_factor:phone_delete": "removing a backup phone",
    "admin:password_change": "the admin's password change",
}
