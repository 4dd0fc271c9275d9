"""Submissions in a Canvas bulk download: one flat folder of every student's files.

Canvas names each file NAME[_LATE]_USERID_SUBMISSIONID_FILENAME: NAME is the student's
sortable name in lower case with no spaces, USERID the student's Canvas id, and a file
uploaded again gets "-N" before its extension (ex01_totp-1.py). Files are grouped by
USERID, each group is one submission named NAME, and where a student uploaded one module
more than once the latest upload is graded, with a note.
"""

import re
from dataclasses import dataclass
from pathlib import Path

CANVAS = re.compile(r"^(?P<name>[a-z][a-z0-9]*?)(?P<late>_late)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$",
                    re.IGNORECASE)
UPLOAD_AGAIN = re.compile(r"-(\d+)(\.[A-Za-z]+)$")


@dataclass
class Upload:
    path: Path
    name: str  # the student's Canvas name
    user: str
    submission: int
    file: str  # the file name the student uploaded
    again: int  # 0 for the first upload, N for "-N"
    late: bool


def parse(path):
    """The Upload a Canvas file name describes, or None."""
    match = CANVAS.match(path.name)
    if not match:
        return None
    again = UPLOAD_AGAIN.search(match["file"])
    file = UPLOAD_AGAIN.sub(r"\2", match["file"]) if again else match["file"]
    return Upload(path, match["name"].lower(), match["user"], int(match["submission"]), file,
                  int(again.group(1)) if again else 0, bool(match["late"]))


def canvas_uploads(folder):
    """Canvas uploads in `folder`, grouped by student: {user id: [Upload, ...]} (empty if none)."""
    groups = {}
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and not path.is_symlink():
            upload = parse(path)
            if upload is not None:
                groups.setdefault(upload.user, []).append(upload)
    return groups


def latest_first(uploads):
    return sorted(uploads, key=lambda u: (u.submission, u.again), reverse=True)
