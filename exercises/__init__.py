"""The learner's exercise modules. Edit these; run a check cell to see how you do."""
