"""Execute the course notebooks top to bottom and store their outputs.

    mfalab notebooks                      # every notebook in notebooks/
    mfalab notebooks notebooks/01_totp_math.ipynb

Stored outputs are what GitHub shows and what nbval compares, so they are made by
this command only, with the lab running the stub exercises (MFALAB_CODE=exercises).
"""

import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"


def course_notebooks():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def execute(path, *, timeout=300, code="exercises"):
    """Run one notebook in a fresh kernel, in its own folder; save it with outputs."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    os.environ["MFALAB_CODE"] = code
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("name") == "stderr":
                    raise RuntimeError(f"{path.name}: a cell wrote to stderr:\n{output.get('text', '')[:2000]}")
    nbformat.write(notebook, path)
    return seconds
