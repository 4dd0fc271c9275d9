"""The MFA Lab bank: a small Django project that the course attacks and hardens."""
