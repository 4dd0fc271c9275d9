"""A learner's own copy of the course, for a kit installed where the learner cannot write.

    python -m mfalab workspace ~/mfa-lab      # copies notebooks/ and exercises/, makes var/

A shared install (a hub's read-only environment, `pip install --user` into someone else's
home, an image) holds the kit; each learner works in a workspace: their own notebooks,
their own exercises, their own lab database. A workspace is a folder with a
`.mfalab-workspace` file. When `mfalab` is imported anywhere inside one (a kernel started
for one of its notebooks, `python -m mfalab check ex01` in a terminal there), the lab, the
checks and the notebooks use the workspace's exercises/ and var/ (`activate()`), unless
MFALAB_CODE or MFALAB_VAR say otherwise.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
MARKER = ".mfalab-workspace"
COPIED = {"notebooks": ("*.ipynb", "sanitize.cfg"), "exercises": ("*.py",)}


class WorkspaceError(RuntimeError):
    """The workspace cannot be made here; the message says what to do."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def exercises(self):
        return self.root / "exercises"

    @property
    def var(self):
        return self.root / "var"


def create(target, kit=KIT):
    """Copy the course into `target`, keeping every file that is already there (a learner's
    work is never overwritten). Returns (Workspace, [(relative path, "copied" | "kept")])."""
    root = Path(target).expanduser().resolve()
    if root == kit.resolve() or kit.resolve() in root.parents:
        raise WorkspaceError(f"{root} is inside the kit itself: pick a folder of your own, e.g. ~/mfa-lab.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        done = []
        for folder, patterns in COPIED.items():
            (root / folder).mkdir(exist_ok=True)
            for pattern in patterns:
                for source in sorted((kit / folder).glob(pattern)):
                    destination = root / folder / source.name
                    if destination.exists() or destination.is_symlink():
                        done.append((f"{folder}/{source.name}", "kept"))
                    else:
                        shutil.copyfile(source, destination)
                        done.append((f"{folder}/{source.name}", "copied"))
        (root / "var").mkdir(exist_ok=True)
        (root / MARKER).write_text(json.dumps({"kit": str(kit)}, indent=1) + "\n")
    except PermissionError as error:
        raise WorkspaceError(f"Cannot write to {error.filename or root}: pick a folder you own, "
                             "e.g. `python -m mfalab workspace ~/mfa-lab`.") from None
    return Workspace(root), done


def find(start=None):
    """The workspace that holds `start` (default: the current folder), or None."""
    try:
        here = Path(start or os.getcwd()).resolve()
    except OSError:  # the current folder was deleted
        return None
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Workspace(folder)
    return None


def activate(start=None):
    """Inside a workspace, point the lab at its exercises/ and var/ (environment variables the
    lab's settings and mfalab.database read at import), unless they are set already."""
    workspace = find(start)
    if workspace is not None:
        os.environ.setdefault("MFALAB_CODE", str(workspace.exercises))
        os.environ.setdefault("MFALAB_VAR", str(workspace.var))
    return workspace
