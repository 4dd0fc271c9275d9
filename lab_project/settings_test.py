"""Settings for the kit's own test process.

The test process never runs exercise code itself: graded tests reach the learner's
code through a lab served from a sandbox process (mfalab.sandbox). So here the lab
runs its naive built-ins, whatever the exercises folder holds. (Notebook kernels that
nbval starts read lab_project.settings and run the exercises as a learner would.)
"""

import os

from .settings import *  # noqa: F403

LAB_CODE = os.environ.get("MFALAB_TEST_CODE", "naive")
