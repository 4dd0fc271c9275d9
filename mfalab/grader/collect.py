"""Find submissions and stage their exercise modules, safely.

A submission is a folder or a .zip whose name is the student id. It holds some of
ex01_totp.py ... ex06_step_up.py, flat or under exercises/ (a zip may wrap them in one
top folder). Only those modules are staged, into a clean flat folder: nothing else in a
submission is ever copied, a zip member cannot escape (zip-slip), links are ignored and
sizes are capped.

Near-miss file names (another case, a browser's " (1)" suffix, spaces) are graded under the
expected name, with a note saying so; an exactly named module wins over a near miss.
"""

import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lab_project.mfa.exercise_code import MODULES

from . import lms

MAX_MODULE_BYTES = 1_000_000  # one module
MAX_ZIP_BYTES = 50_000_000  # the zip file itself
MAX_ZIP_MEMBERS = 2_000
FILENAMES = {f"{module}.py": exercise for exercise, module in MODULES.items()}
COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")  # "ex01_totp (1)": a second download of the same file


def expected_name(name):
    """The exercise file `name` stands for: itself, the expected name of a near miss
    (`Ex05_WebAuthn.py`, `ex01_totp (1).py`, `ex01 totp.py`), or None."""
    if name in FILENAMES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() != "py":
        return None
    stem = COPY_SUFFIX.sub("", stem.strip()).strip().lower()
    candidate = re.sub(r"\s+", "_", stem) + ".py"
    return candidate if candidate in FILENAMES else None


@dataclass
class Submission:
    student: str
    source: Path
    staged: Path | None = None
    modules: dict = field(default_factory=dict)  # exercise -> staged file
    notes: list = field(default_factory=list)  # problems met while collecting
    lms_id: str = ""  # the LMS's id for the student (Canvas user id, Moodle id), when the download names one
    submitted_at: float | None = None  # the newest modification time of the modules kept (epoch seconds)


def student_id(path):
    name = path.name[:-4] if path.suffix.lower() == ".zip" else path.name
    moodle = lms.moodle_folder(name)
    if moodle:
        name = f"{moodle[0]}_{moodle[1]}"  # Moodle's folder: Full Name_ID_assignsubmission_file_
    return re.sub(r"[^A-Za-z0-9._@+-]", "_", name).strip(".") or "unnamed"


def find(folder):
    """The submissions in `folder`: its sub-folders, .zip files and links to either, sorted
    by name (a link gets a row saying it was not followed). Moodle's folders of online
    text or comments hold no code and are left out."""
    folder = Path(folder)
    found = [p for p in sorted(folder.iterdir()) if not p.name.startswith(".")
             and (p.is_symlink() or p.is_dir() or (p.is_file() and p.suffix.lower() == ".zip"))
             and (lms.moodle_folder(p.name) or (None, None, "file"))[2] == "file"]
    return found


def _allowed(parts):
    """Module paths accepted inside a submission: NAME, exercises/NAME, TOP/NAME, TOP/exercises/NAME."""
    if not parts or expected_name(parts[-1]) is None:
        return False
    inner = list(parts[:-1])
    if inner and inner[-1] == "exercises":
        inner.pop()
    return len(inner) <= 1


def _submitted(submission, moment):
    if moment is not None and moment > 0:
        submission.submitted_at = max(submission.submitted_at or 0, moment)


def _keep(submission, exercise, data, where, moment=None):
    expected = f"{MODULES[exercise]}.py"
    if exercise in submission.modules:
        submission.notes.append(f"{exercise}: more than one {MODULES[exercise]}.py; kept the first ({where} ignored)")
        return
    if len(data) > MAX_MODULE_BYTES:
        submission.notes.append(f"{exercise}: {where} is larger than {MAX_MODULE_BYTES} bytes; ignored")
        return
    target = submission.staged / f"{MODULES[exercise]}.py"
    target.write_bytes(data)
    submission.modules[exercise] = target
    _submitted(submission, moment)
    name = PurePosixPath(where).name
    if name != expected:
        submission.notes.append(f"{exercise}: graded {name} as {expected} (the expected name)")


def _order(parts):
    """Shallowest first, and at one depth an exactly named module before a near miss."""
    return len(parts), parts[-1] not in FILENAMES, "/".join(parts)


def _from_folder(submission):
    root = submission.source
    candidates = [p for p in root.rglob("*") if expected_name(p.name) is not None]
    for path in sorted(candidates, key=lambda p: _order(p.relative_to(root).parts)):
        parts = path.relative_to(root).parts
        if not _allowed(parts):
            continue
        if path.is_symlink() or any(q.is_symlink() for q in path.relative_to(root).parents if str(q) != "."):
            submission.notes.append(f"{'/'.join(parts)} is a link; ignored")
            continue
        if not stat.S_ISREG(path.lstat().st_mode):
            continue
        _keep(submission, FILENAMES[expected_name(path.name)], path.read_bytes()[: MAX_MODULE_BYTES + 1],
              "/".join(parts), path.lstat().st_mtime)
    for path in sorted(root.iterdir()):  # a zip the student uploaded (into Moodle, say): its modules too
        if path.suffix.lower() == ".zip" and not path.is_symlink() and path.is_file():
            _from_zip(submission, path)


def _from_zip(submission, path=None):
    """The modules in a zip: the submission itself, or `path`, a zip inside it (an LMS upload)."""
    label = "the zip" if path is None else f"the zip {path.name}"
    path = path or submission.source
    if path.stat().st_size > MAX_ZIP_BYTES:
        submission.notes.append(f"{label} is larger than {MAX_ZIP_BYTES} bytes; not opened")
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                submission.notes.append(f"{label} holds more than {MAX_ZIP_MEMBERS} entries; not opened")
                return
            chosen = []
            for info in members:
                name = PurePosixPath(info.filename.replace("\\", "/"))
                if info.is_dir() or name.is_absolute() or ".." in name.parts:
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    continue
                if _allowed(name.parts):
                    chosen.append((_order(name.parts), str(name), info))
            for _, where, info in sorted(chosen, key=lambda c: c[0]):
                if info.file_size > MAX_MODULE_BYTES:
                    submission.notes.append(f"{where} is larger than {MAX_MODULE_BYTES} bytes; ignored")
                    continue
                with archive.open(info) as member:
                    data = member.read(MAX_MODULE_BYTES + 1)  # never trust the declared size
                _keep(submission, FILENAMES[expected_name(PurePosixPath(where).name)], data, where,
                      lms.zip_time(info))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as error:
        submission.notes.append(f"{label} could not be read ({type(error).__name__}: {error})")


def _unique(staging, student):
    """`student`, or `student-2`, `student-3` ... : the first id no earlier submission took."""
    taken = {p.name.lower() for p in Path(staging).iterdir()}
    candidate, number = student, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{student}-{number}"
    return candidate


def stage(source, staging):
    """Stage one submission (folder, zip, or a link: not followed) into `staging/<student>/`."""
    source = Path(source)
    submission = Submission(student_id(source), source)
    moodle = lms.moodle_folder(source.name)
    submission.lms_id = moodle[1] if moodle else ""
    student = _unique(staging, submission.student)
    if student != submission.student:
        submission.notes.append(f"another submission is also called {submission.student}; this one is "
                                f"graded as {student}")
        submission.student = student
    submission.staged = Path(staging) / submission.student
    submission.staged.mkdir(parents=True)
    if source.is_symlink():
        submission.notes.append(f"{source.name} is a link; links are not followed, nothing was graded")
    else:
        (_from_zip if source.is_file() else _from_folder)(submission)
    return submission


def is_one_submission(folder):
    folder = Path(folder)
    return folder.is_file() or any((folder / name).is_file() or (folder / "exercises" / name).is_file()
                                   for name in FILENAMES)  # exact names only: a near miss is inside a submission


def _worth_unpacking(name):
    return expected_name(name) is not None or name.lower().endswith(".zip")


def _unpacking_cap(name):
    return MAX_ZIP_BYTES if name.lower().endswith(".zip") else MAX_MODULE_BYTES


def unrecognised(folder):
    """The files of a folder in which no submission was recognised (flat files from an LMS
    download, say); empty when the folder holds submissions, or nothing at all."""
    folder = Path(folder)
    if is_one_submission(folder) or find(folder) or lms.uploads(folder):
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def collect(folder, staging):
    """Stage every submission in `folder`: its folders and zips, one per student, and the
    flat files of an LMS download grouped per student. A folder or zip that is itself one
    submission works too, and so does a whole LMS download as one zip."""
    folder = Path(folder)
    staging = Path(staging)
    staging.mkdir(parents=True, exist_ok=True)
    if folder.is_file() and lms.is_bundle(folder, _worth_unpacking):
        return _collect_bundle(folder, staging)
    if is_one_submission(folder):
        return [stage(folder, staging)]
    groups = lms.uploads(folder)
    flat = {upload.path for group in groups.values() for upload in group}
    return ([stage(path, staging) for path in find(folder) if path not in flat]
            + [stage_uploads(group, staging) for _, group in sorted(groups.items())])


def _collect_bundle(bundle, staging):
    """An LMS download as one zip: unpacked (what can matter, capped) into a private folder
    beside `staging`, then collected. A member that cannot be read is a note on its
    student's row, or a row of its own."""
    with tempfile.TemporaryDirectory(dir=staging.parent, prefix="bundle-") as unpacked:
        failures = lms.unpack(bundle, unpacked, _worth_unpacking, _unpacking_cap)
        submissions = collect(unpacked, staging)
        for member, note in failures:
            upload = lms.parse(member.replace("/", ""))
            user = upload.user if upload else ""
            owner = next((s for s in submissions if user and s.lms_id == user), None)
            if owner is None:
                owner = Submission(_unique(staging, student_id(Path(upload.student if upload else member))),
                                   bundle, lms_id=user)
                owner.staged = staging / owner.student
                owner.staged.mkdir(parents=True)
                submissions.append(owner)
            owner.notes.append(note)
    for submission in submissions:
        submission.source = bundle
    return submissions


def stage_uploads(uploads, staging):
    """Stage one student's LMS uploads as one submission: per module, the latest upload
    (a zip upload's modules count as that upload's)."""
    first = uploads[0]
    submission = Submission(_unique(staging, student_id(Path(first.student))), first.path.parent, lms_id=first.user)
    if submission.student != student_id(Path(first.student)):
        submission.notes.append(f"another student is also called {first.name}; {first.lms.title()} user "
                                f"{first.user} is graded as {submission.student}")
    submission.staged = Path(staging) / submission.student
    submission.staged.mkdir(parents=True)
    chosen = {}
    for upload in lms.latest_first(uploads):
        if upload.file.lower().endswith(".zip"):
            _from_zip(submission, upload.path)
            continue
        name = expected_name(upload.file)
        if name is None:
            continue
        if name in chosen:
            submission.notes.append(f"{FILENAMES[name]}: uploaded more than once; graded the latest "
                                    f"({chosen[name].path.name}), not {upload.path.name}")
            continue
        chosen[name] = upload
        if upload.path.stat().st_size > MAX_MODULE_BYTES:
            submission.notes.append(f"{FILENAMES[name]}: {upload.path.name} is larger than {MAX_MODULE_BYTES} "
                                    "bytes; ignored")
            continue
        _keep(submission, FILENAMES[name], upload.path.read_bytes()[: MAX_MODULE_BYTES + 1], upload.file,
              upload.path.stat().st_mtime)
    if any(upload.late for upload in uploads):
        submission.notes.append("Canvas marked this submission late")
    return submission


def remove(path):
    shutil.rmtree(path, ignore_errors=True)
