"""How a sandbox starts Python: isolated, with the kit's import path handed over explicitly.

`python -I` keeps PYTHONPATH, the current folder and the user's site-packages out of the
learner's process. But where the kit itself was installed with `pip install --user`
(a system Python on a shared hub), the user's site-packages is exactly where the kit and
Django live: an isolated child could not import them, and correct code would score 0. So
the child is started with the parent's user site named on its command line, and adds it
(with its .pth files, which is how an editable install points at the kit) before running
the sandbox module. Nothing else of the parent's environment crosses. `-B` keeps the
child from writing __pycache__/ into a submission folder (`-I` ignores the environment
variable that would say so).
"""

import os
import site
import sys

BOOT = ("import os, runpy, site, sys\n"
        "for root in filter(None, sys.argv[1].split(os.pathsep)):\n"
        "    site.addsitedir(root)\n"
        "sys.argv = sys.argv[2:]\n"
        "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n")


def import_roots():
    """The site folders this process imports from that `python -I` would leave out."""
    user = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    return [user] if user and user in sys.path else []


def command(module, *args):
    """argv for `python -I -B -m module args...` that can import what this process imports.
    -B: no bytecode written next to the learner's module (-I ignores PYTHONDONTWRITEBYTECODE)."""
    return [sys.executable, "-I", "-B", "-c", BOOT, os.pathsep.join(import_roots()), module, *map(str, args)]
