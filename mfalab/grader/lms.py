"""Submissions as an LMS downloads them: flat files named after the student, or a zip of them.

Canvas ("Download Submissions", canvas-lms lib/content_zipper.rb) names each file
NAME[_LATE]_USERID_FILEID_FILENAME: NAME is the student's sortable name in lower case with
everything but letters and digits removed, USERID the student's Canvas user id (the ID column
of its gradebook), FILEID the upload's attachment id, which grows with each upload; a file
uploaded again can get "-N" before its extension (ex01_totp-1.py). The submission is named
NAME. An anonymised assignment writes [LATE_]anon_ANONYMOUSID in place of NAME[_LATE]_USERID:
the submission is named anon_ANONYMOUSID, and has no Canvas user id to export grades to.

Moodle ("Download all submissions") names each file Full Name_ID_assignsubmission_file_FILENAME,
or puts a student's files in a folder Full Name_ID_assignsubmission_file_ (its
"download submissions in folders" setting). ID is the student's participant number in the
assignment. The submission is named Full_Name_ID.

Files are grouped by student; where a student uploaded one module more than once the latest
upload is graded, with a note (collect.stage_uploads). A whole download passed as one zip is
unpacked (only the files that can matter, each capped) into a private folder first.
"""

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

CANVAS = re.compile(r"^(?:(?P<name>[^\W_]+?)(?P<late>_LATE)?_(?P<user>\d+)"  # name[_LATE]_userid
                    r"|(?P<late_anon>LATE_)?(?P<anon>anon_[^\W_]+))"  # or, anonymised, [LATE_]anon_anonymousid
                    r"_(?P<file_id>\d+)_(?P<file>.+)$", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
UPLOAD_AGAIN = re.compile(r"-(\d+)(\.[A-Za-z]+)$")
MAX_BUNDLE_BYTES = 2_000_000_000  # a whole class's download
MAX_BUNDLE_MEMBERS = 50_000


class BundleError(Exception):
    """An LMS download too big to unpack here."""


@dataclass
class Upload:
    path: Path
    lms: str  # "canvas" or "moodle"
    name: str  # the student's name as the LMS wrote it
    user: str  # the LMS's id for the student
    file: str  # the file name the student uploaded
    order: tuple = (0, 0)  # later uploads sort higher
    late: bool = False

    @property
    def student(self):
        return self.name if self.lms == "canvas" else f"{self.name}_{self.user}"


def parse(name, path=None):
    """The Upload an LMS file name describes, or None."""
    moodle = MOODLE.match(name)
    if moodle:
        if moodle["plugin"] != "file" or not moodle["file"]:
            return None  # online text, comments: no code in them
        return Upload(path, "moodle", moodle["name"], moodle["user"], moodle["file"])
    canvas = CANVAS.match(name)
    if not canvas:
        return None
    again = UPLOAD_AGAIN.search(canvas["file"])
    file = UPLOAD_AGAIN.sub(r"\2", canvas["file"]) if again else canvas["file"]
    name = (canvas["name"] or canvas["anon"]).lower()
    return Upload(path, "canvas", name, canvas["user"] or name, file,
                  (int(canvas["file_id"]), int(again.group(1)) if again else 0),
                  bool(canvas["late"] or canvas["late_anon"]))


def moodle_folder(name):
    """(student name, participant id, plugin) of a Moodle per-student folder name, or None."""
    match = MOODLE_FOLDER.match(name)
    return (match["name"], match["user"], match["plugin"]) if match else None


def uploads(folder):
    """LMS uploads lying flat in `folder`, grouped by student: {(lms, user id): [Upload, ...]}."""
    groups = {}
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and not path.is_symlink():
            upload = parse(path.name, path)
            if upload is not None:
                groups.setdefault((upload.lms, upload.user), []).append(upload)
    return groups


def latest_first(group):
    return sorted(group, key=lambda u: u.order, reverse=True)


def _wanted(name, keep):
    """Whether a member of a download zip is worth unpacking: an LMS file (flat, or in a
    Moodle student folder) that `keep` (a file name test) accepts."""
    parts = PurePosixPath(name).parts
    if name.startswith("/") or any(part in ("..", ".") for part in parts):
        return False  # never outside the folder it is unpacked into (zip-slip)
    if len(parts) == 1:
        upload = parse(parts[0])
        return upload is not None and keep(upload.file)
    folder = moodle_folder(parts[0])
    return 2 <= len(parts) <= 4 and folder is not None and folder[2] == "file" and keep(parts[-1])


def is_bundle(path, keep):
    """Whether the zip at `path` is an LMS download (rather than one student's zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(_wanted(info.filename.replace("\\", "/"), keep) for info in archive.infolist()[:MAX_BUNDLE_MEMBERS])
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return False


def unpack(path, target, keep, cap):
    """Unpack the members of an LMS download zip that `keep` accepts into `target`, each
    read up to cap(name) bytes (a longer one stays one byte over: collect refuses it with a
    note) and dated with the zip's time for it; all of them together stay under
    MAX_BUNDLE_BYTES. Returns (member, note) for each member that could not be read."""
    failures, total = [], 0
    if Path(path).stat().st_size > MAX_BUNDLE_BYTES:
        raise BundleError(f"{Path(path).name} is larger than {MAX_BUNDLE_BYTES} bytes: unpack it yourself and "
                          "grade the folder")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_BUNDLE_MEMBERS:
            raise BundleError(f"{Path(path).name} holds more than {MAX_BUNDLE_MEMBERS} entries: unpack it yourself "
                              "and grade the folder")
        for info in members:
            name = info.filename.replace("\\", "/")
            if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16) or not _wanted(name, keep):
                continue
            where = Path(target, *PurePosixPath(name).parts)
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as member:
                    data = member.read(cap(PurePosixPath(name).name) + 1)  # never trust the declared size
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as error:
                failures.append((name, f"{name} could not be read from {Path(path).name} ({type(error).__name__}); "
                                       "download it again"))
                continue
            total += len(data)
            if total > MAX_BUNDLE_BYTES:
                raise BundleError(f"{Path(path).name} unpacks to more than {MAX_BUNDLE_BYTES} bytes of "
                                  "submissions: unpack it yourself and grade the folder")
            try:
                where.write_bytes(data)
            except OSError as error:  # a name another member took as a folder
                failures.append((name, f"{name} could not be unpacked from {Path(path).name} "
                                       f"({type(error).__name__}); download it again"))
                continue
            moment = zip_time(info)
            if moment is not None:
                os.utime(where, (moment, moment))
    return failures


def zip_time(info):
    """A zip entry's time (zip stores no zone: read as UTC), or None when it is not a real time."""
    try:
        return datetime(*info.date_time, tzinfo=timezone.utc).timestamp() if info.date_time[0] > 1980 else None
    except ValueError:
        return None
