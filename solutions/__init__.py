"""Reference implementations of the exercises (instructors only: not in the student release)."""
