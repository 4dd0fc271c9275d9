"""Finding and staging submissions: layouts, zips, zip-slip, links and size limits."""

import zipfile
from datetime import datetime, timezone

import pytest

from mfalab.grader import collect


def names(submission):
    return sorted(p.name for p in submission.staged.iterdir())


def test_flat_nested_and_zipped_submissions_are_staged_flat(tmp_path):
    folder = tmp_path / "in"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "ex01_totp.py").write_text("A = 1\n")
    (folder / "ana" / "notes.txt").write_text("not copied")
    (folder / "ben" / "exercises").mkdir(parents=True)
    (folder / "ben" / "exercises" / "ex02_otp_required.py").write_text("B = 2\n")
    with zipfile.ZipFile(folder / "cy.zip", "w") as archive:
        archive.writestr("cy/exercises/ex05_webauthn.py", "C = 3\n")
        archive.writestr("cy/exercises/other.py", "no")
    staged = {s.student: s for s in collect.collect(folder, tmp_path / "staged")}
    assert sorted(staged) == ["ana", "ben", "cy"]
    assert names(staged["ana"]) == ["ex01_totp.py"]
    assert names(staged["ben"]) == ["ex02_otp_required.py"]
    assert names(staged["cy"]) == ["ex05_webauthn.py"]
    assert (staged["cy"].staged / "ex05_webauthn.py").read_text() == "C = 3\n"


def test_zip_slip_absolute_paths_and_deep_paths_are_ignored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "eve.zip", "w") as archive:
        archive.writestr("../../ex01_totp.py", "escape = True\n")
        archive.writestr("/abs/ex02_otp_required.py", "escape = True\n")
        archive.writestr("a/b/c/ex03_backup_codes.py", "deep = True\n")
        archive.writestr("ex04_mfa_policy.py", "ok = True\n")
    (submission,) = collect.collect(folder, tmp_path / "staged")
    assert names(submission) == ["ex04_mfa_policy.py"]
    assert not (tmp_path / "ex01_totp.py").exists() and not (tmp_path.parent / "ex01_totp.py").exists()


def test_oversized_modules_and_links_are_refused_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_MODULE_BYTES", 100)
    folder = tmp_path / "in"
    (folder / "max").mkdir(parents=True)
    (folder / "max" / "ex01_totp.py").write_text("x = 1\n" * 100)
    secret = tmp_path / "secret.py"
    secret.write_text("s = 1\n")
    (folder / "max" / "ex02_otp_required.py").symlink_to(secret)
    with zipfile.ZipFile(folder / "zed.zip", "w") as archive:
        archive.writestr("ex01_totp.py", "y = 2\n" * 100)
    staged = {s.student: s for s in collect.collect(folder, tmp_path / "staged")}
    assert names(staged["max"]) == [] and names(staged["zed"]) == []
    assert any("larger than" in n for n in staged["max"].notes)
    assert any("link" in n for n in staged["max"].notes)
    assert any("larger than" in n for n in staged["zed"].notes)


def test_a_corrupt_zip_is_a_note_not_a_crash(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (submission,) = collect.collect(folder, tmp_path / "staged")
    assert names(submission) == [] and "could not be read" in submission.notes[0]


def test_student_ids_are_safe_file_names(tmp_path):
    assert collect.student_id(tmp_path / "a b;rm -rf.zip") == "a_b_rm_-rf"
    assert collect.student_id(tmp_path / "..") == "unnamed"


def test_near_miss_names_are_graded_under_the_expected_name_with_a_note(tmp_path):
    folder = tmp_path / "in"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "ex01_totp (1).py").write_text("A = 1\n")
    (folder / "ana" / "Ex05_WebAuthn.py").write_text("E = 5\n")
    (folder / "ana" / "ex03 backup codes.py").write_text("C = 3\n")
    (folder / "ana" / "ex04_mfa_policy_old.py").write_text("not a near miss\n")
    with zipfile.ZipFile(folder / "ben.zip", "w") as archive:
        archive.writestr("ben/exercises/EX02_OTP_REQUIRED(2).py", "B = 2\n")
    staged = {s.student: s for s in collect.collect(folder, tmp_path / "staged")}
    assert names(staged["ana"]) == ["ex01_totp.py", "ex03_backup_codes.py", "ex05_webauthn.py"]
    assert (staged["ana"].staged / "ex01_totp.py").read_text() == "A = 1\n"
    assert "ex01: graded ex01_totp (1).py as ex01_totp.py (the expected name)" in staged["ana"].notes
    assert "ex05: graded Ex05_WebAuthn.py as ex05_webauthn.py (the expected name)" in staged["ana"].notes
    assert names(staged["ben"]) == ["ex02_otp_required.py"]
    assert staged["ben"].notes == ["ex02: graded EX02_OTP_REQUIRED(2).py as ex02_otp_required.py (the expected name)"]


def test_an_exactly_named_module_wins_over_a_near_miss(tmp_path):
    folder = tmp_path / "in"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "ex01_totp (1).py").write_text("old = True\n")
    (folder / "ana" / "ex01_totp.py").write_text("new = True\n")
    (submission,) = collect.collect(folder, tmp_path / "staged")
    assert (submission.staged / "ex01_totp.py").read_text() == "new = True\n"
    assert submission.notes == ["ex01: more than one ex01_totp.py; kept the first (ex01_totp (1).py ignored)"]


def test_expected_name():
    assert collect.expected_name("ex01_totp.py") == "ex01_totp.py"
    assert collect.expected_name(" Ex01_TOTP (12).PY") == "ex01_totp.py"
    assert collect.expected_name("ex01_totp (1).txt") is None
    assert collect.expected_name("ex01_totp2.py") is None
    assert collect.expected_name("ex01_totp") is None


def test_a_folder_of_loose_files_is_recognised_as_holding_no_submission(tmp_path):
    (tmp_path / "lms").mkdir()
    (tmp_path / "lms" / "final_ex01_totp.py").write_text("A = 1\n")
    assert collect.unrecognised(tmp_path / "lms") == ["final_ex01_totp.py"]
    (tmp_path / "lms" / "smitherin_1001_5001_ex01_totp.py").write_text("A = 1\n")
    assert collect.unrecognised(tmp_path / "lms") == []  # a Canvas download
    (tmp_path / "class" / "ana").mkdir(parents=True)
    (tmp_path / "class" / "readme.txt").write_text("the class")
    assert collect.unrecognised(tmp_path / "class") == []  # ana's folder is a submission
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "ex01_totp.py").write_text("A = 1\n")
    assert collect.unrecognised(tmp_path / "one") == []  # itself a submission
    (tmp_path / "empty").mkdir()
    assert collect.unrecognised(tmp_path / "empty") == []


def test_a_canvas_download_stages_like_a_folder_per_student(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / "smitherin_1001_5001_ex01_totp.py").write_text("old = 1\n")
    (canvas / "smitherin_1001_5002_ex01_totp-1.py").write_text("new = 1\n")
    (canvas / "smitherin_1001_5002_ex05_webauthn.py").write_text("E = 5\n")
    (canvas / "jonesana_late_1002_5003_Ex02_OTP_Required.py").write_text("B = 2\n")
    (canvas / "jonesana_late_1002_5003_notes.txt").write_text("not a module")
    (canvas / "readme.txt").write_text("not a Canvas file")
    staged = {s.student: s for s in collect.collect(canvas, tmp_path / "staged")}
    assert sorted(staged) == ["jonesana", "smitherin"]
    smith, ana = staged["smitherin"], staged["jonesana"]
    assert names(smith) == ["ex01_totp.py", "ex05_webauthn.py"]
    assert (smith.staged / "ex01_totp.py").read_text() == "new = 1\n"  # the latest upload
    assert smith.notes == ["ex01: uploaded more than once; graded the latest (smitherin_1001_5002_ex01_totp-1.py), "
                           "not smitherin_1001_5001_ex01_totp.py"]
    assert names(ana) == ["ex02_otp_required.py"]
    assert ana.notes == ["ex02: graded Ex02_OTP_Required.py as ex02_otp_required.py (the expected name)",
                         "Canvas marked this submission late"]


def test_two_canvas_students_with_one_name_get_two_ids(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / "leeann_2001_6001_ex01_totp.py").write_text("A = 1\n")
    (canvas / "leeann_2002_6002_ex01_totp.py").write_text("B = 2\n")
    staged = [(s.student, (s.staged / "ex01_totp.py").read_text()) for s in collect.collect(canvas, tmp_path / "s")]
    assert staged == [("leeann", "A = 1\n"), ("leeann-2", "B = 2\n")]


def test_a_moodle_download_all_folder_is_named_by_student_and_moodle_id(tmp_path):
    folder = tmp_path / "moodle" / "Ana Jones_12345_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "ex01_totp.py").write_text("A = 1\n")
    (submission,) = collect.collect(tmp_path / "moodle", tmp_path / "staged")
    assert submission.student == "Ana_Jones_12345" and names(submission) == ["ex01_totp.py"]
    assert collect.student_id(tmp_path / "assignsubmission_file_") == "assignsubmission_file_"


def zip_of(path, members, compression=zipfile.ZIP_STORED):
    """A zip at `path` holding {name: bytes or text}."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_canvas_download_zip_stages_like_the_folder_and_opens_zip_uploads(tmp_path):
    student_zip = zip_of(tmp_path / "upload.zip", {"exercises/ex01_totp.py": "Z = 1\n"})
    bundle = zip_of(tmp_path / "submissions.zip", {
        "smitherin_1001_5001_ex05_webauthn.py": "E = 5\n",
        "smitherin_1001_5002_mfa.zip": student_zip.read_bytes(),  # a zip the student uploaded
        "jonesana_1002_5003_ex01_totp.zip": b"PK\x03\x04 not really a zip",  # broken in the student's hands
        "jonesana_1002_5004_ex02_otp_required.py": "B = 2\n",
        "readme.txt": "not a Canvas file",
    })
    staged = {s.student: s for s in collect.collect(bundle, tmp_path / "staged")}
    assert sorted(staged) == ["jonesana", "smitherin"]
    assert names(staged["smitherin"]) == ["ex01_totp.py", "ex05_webauthn.py"]
    assert (staged["smitherin"].staged / "ex01_totp.py").read_text() == "Z = 1\n"
    assert staged["smitherin"].lms_id == "1001" and staged["smitherin"].notes == []
    ana = staged["jonesana"]
    assert names(ana) == ["ex02_otp_required.py"]
    assert ana.notes == ["the zip jonesana_1002_5003_ex01_totp.zip could not be read "
                         "(BadZipFile: File is not a zip file)"]
    assert sorted(p.name for p in (tmp_path / "staged").iterdir()) == ["jonesana", "smitherin"]  # unpacked: gone


def test_a_moodle_download_all_zip_stages_one_submission_per_participant(tmp_path):
    inner = zip_of(tmp_path / "inner.zip", {"mfa/exercises/ex03_backup_codes.py": "C = 3\n"})
    bundle = zip_of(tmp_path / "Course-Assignment-123.zip", {
        "Ana Jones_12345_assignsubmission_file_/ex01_totp.py": "A = 1\n",
        "Ana Jones_12345_assignsubmission_onlinetext_/onlinetext.html": "<p>done</p>",
        "Ben Li_12346_assignsubmission_file_/exercises.zip": inner.read_bytes(),
        "Cy Ng_12347_assignsubmission_file_Ex05_WebAuthn.py": "E = 5\n",  # without folders: flat names
    })
    staged = {s.student: s for s in collect.collect(bundle, tmp_path / "staged")}
    assert sorted(staged) == ["Ana_Jones_12345", "Ben_Li_12346", "Cy_Ng_12347"]
    assert {k: (names(v), v.lms_id) for k, v in staged.items()} == {
        "Ana_Jones_12345": (["ex01_totp.py"], "12345"),
        "Ben_Li_12346": (["ex03_backup_codes.py"], "12346"),
        "Cy_Ng_12347": (["ex05_webauthn.py"], "12347")}
    assert staged["Cy_Ng_12347"].notes == ["ex05: graded Ex05_WebAuthn.py as ex05_webauthn.py (the expected name)"]


def test_an_unreadable_member_of_a_download_zip_is_a_note_on_its_students_row(tmp_path):
    bundle = tmp_path / "submissions.zip"
    zip_of(bundle, {"smitherin_1001_5001_ex01_totp.py": "A = 1\n" * 50, "lee_1003_5003_ex01_totp.py": "L = 1\n",
                    "jonesana_1002_5002_ex01_totp.py": "B = 2\n"})
    data = bytearray(bundle.read_bytes())
    at = data.index(b"A = 1")
    data[at:at + 5] = b"X = 9"  # the stored bytes no longer match the zip's checksum
    bundle.write_bytes(bytes(data))
    staged = {s.student: s for s in collect.collect(bundle, tmp_path / "staged")}
    assert sorted(staged) == ["jonesana", "lee", "smitherin"]  # every student a row, the batch goes on
    assert names(staged["smitherin"]) == [] and staged["smitherin"].lms_id == "1001"
    assert staged["smitherin"].notes == ["smitherin_1001_5001_ex01_totp.py could not be read from submissions.zip "
                                         "(BadZipFile); download it again"]
    assert names(staged["jonesana"]) == ["ex01_totp.py"] and staged["jonesana"].notes == []


def test_a_students_own_zip_is_not_taken_for_a_download(tmp_path):
    own = zip_of(tmp_path / "ana.zip", {"ex01_totp.py": "A = 1\n", "exercises/ex02_otp_required.py": "B = 2\n"})
    (submission,) = collect.collect(own, tmp_path / "staged")
    assert submission.student == "ana" and names(submission) == ["ex01_totp.py", "ex02_otp_required.py"]


def test_a_download_zip_keeps_the_upload_times_for_the_deadline(tmp_path):
    bundle = tmp_path / "submissions.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr(zipfile.ZipInfo("smitherin_1001_5001_ex01_totp.py", (2026, 3, 2, 10, 30, 0)), "A = 1\n")
    (submission,) = collect.collect(bundle, tmp_path / "staged")
    assert submission.submitted_at == datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc).timestamp()


def test_canvas_names_with_letters_beyond_ascii_and_anonymised_downloads_are_read():
    from mfalab.grader import lms

    assert lms.parse("müllerjan_LATE_1001_5001_ex01_totp.py").student == "müllerjan"
    anonymous = lms.parse("LATE_anon_a1B2c_77_ex01_totp-1.py")
    assert (anonymous.student, anonymous.user, anonymous.file, anonymous.late) == \
        ("anon_a1b2c", "anon_a1b2c", "ex01_totp.py", True)
    assert lms.parse("ex01_totp.py") is None and lms.parse("readme.txt") is None


def test_a_download_zip_cannot_write_outside_its_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    bundle = zip_of(tmp_path / "download.zip", {
        "Ana Jones_1_assignsubmission_file_/../../ex01_totp.py": "ESCAPED = 1\n",
        "Ana Jones_1_assignsubmission_file_/../ex02_otp_required.py": "ESCAPED = 2\n",
        "/Ana Jones_1_assignsubmission_file_/ex03_backup_codes.py": "ESCAPED = 3\n",
        "Ben Li_2_assignsubmission_file_/ex01_totp.py": "B = 1\n",
    })
    staged = {s.student: s for s in collect.collect(bundle, work / "staged")}
    assert sorted(p.name for p in work.iterdir()) == ["staged"] and sorted(p.name for p in tmp_path.iterdir()) == [
        "download.zip", "work"]
    assert sorted(staged) == ["Ben_Li_2"] and names(staged["Ben_Li_2"]) == ["ex01_totp.py"]


def test_a_download_zip_whose_members_clash_is_a_note_not_a_crash(tmp_path):
    bundle = zip_of(tmp_path / "download.zip", {
        "Ana Jones_1_assignsubmission_file_/ex01_totp.py": "A = 1\n",
        "Ana Jones_1_assignsubmission_file_/ex01_totp.py/ex02_otp_required.py": "A = 2\n",  # a file as a folder
    })
    (ana,) = collect.collect(bundle, tmp_path / "staged")
    assert names(ana) == ["ex01_totp.py"] and len(ana.notes) == 1 and "could not be read" in ana.notes[0]
    bundle = zip_of(tmp_path / "download-2.zip", {  # the other way round: a folder, then a file of its name
        "Ana Jones_1_assignsubmission_file_/ex01_totp.py/ex02_otp_required.py": "A = 2\n",
        "Ana Jones_1_assignsubmission_file_/ex01_totp.py": "A = 1\n",
    })
    (ana,) = collect.collect(bundle, tmp_path / "staged-2")
    assert len(ana.notes) == 1 and "could not be unpacked" in ana.notes[0], ana.notes


def test_a_download_zip_is_unpacked_within_its_caps(tmp_path, monkeypatch):
    from mfalab.grader import lms

    big = zip_of(tmp_path / "download.zip", {"smitherin_1001_5001_ex01_totp.py": "A = 1\n" + "#" * 2_000_000,
                                             "jonesana_1002_5002_ex01_totp.py": "B = 1\n"}, zipfile.ZIP_DEFLATED)
    staged = {s.student: s for s in collect.collect(big, tmp_path / "staged")}
    assert names(staged["smitherin"]) == [] and "larger than" in staged["smitherin"].notes[0]  # read 1 MB + 1, no more
    assert names(staged["jonesana"]) == ["ex01_totp.py"]
    assert big.stat().st_size < 100_000  # it compresses well: what counts is what it unpacks to
    monkeypatch.setattr(lms, "MAX_BUNDLE_BYTES", 1_000_003)  # a class's download that unpacks too big
    with pytest.raises(lms.BundleError, match="unpacks to more than 1000003 bytes"):
        collect.collect(big, tmp_path / "staged-again")
