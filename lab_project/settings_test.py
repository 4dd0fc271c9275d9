"""Settings for the kit's own test process.

The test process never runs exercise code itself: graded tests reach the learner's
code through a lab served from a sandbox process (mfalab.sandbox). So here the lab
runs its naive built-ins, whatever the exercises folder holds.
"""

import os

os.environ["MFALAB_CODE"] = os.environ.get("MFALAB_TEST_CODE", "naive")

from .settings import *  # noqa: E402,F403
