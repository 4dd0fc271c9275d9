"""The course's exercises and their module names: the one list the lab, the check and the
grader use. No imports, so any process (a sandbox worker too) can read it cheaply."""

MODULES = {
    "ex01": "ex01_totp",
    "ex02": "ex02_otp_required",
    "ex03": "ex03_backup_codes",
    "ex04": "ex04_mfa_policy",
    "ex05": "ex05_webauthn",
    "ex06": "ex06_step_up",
}
EXERCISES = tuple(MODULES)
