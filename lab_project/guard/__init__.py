"""The lab's second-factor checks with the learner's code: ex01 verifies TOTP and phone
codes, ex05 verifies security keys, and one-time state (used steps, throttles, sign
counts, SMS sends) is written atomically. While an exercise is not written, the lab runs
django-otp's and two-factor's own checks, races and all."""
