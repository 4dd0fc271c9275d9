"""Finding and staging submissions: layouts, zips, zip-slip, links and size limits."""

import zipfile

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
