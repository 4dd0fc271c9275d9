from mfalab.display import Table, personas_table


def test_table_text_and_html_escape_and_align():
    table = Table(["a", "long header"], [["<x>", 1], ["yy", 22]], caption="cap")
    text = repr(table).splitlines()
    assert text[0] == "cap"
    assert text[1].startswith("a    long header")
    assert "<td style='text-align:left'>&lt;x&gt;</td>" in table._repr_html_()


def test_personas_table_lists_every_persona(lab):
    text = repr(personas_table(lab))
    for name, persona in lab.personas.items():
        assert name in text and persona.password in text


def test_next_usable_step_prefers_the_current_step_and_skips_used_ones():
    import pytest

    from mfalab.otp import next_usable_step

    at = 30 * 1000 + 29.9  # the last tenth of a second of step 1000
    assert next_usable_step(-1, at=at) == 1000  # not 999: that one is about to leave the window
    assert next_usable_step(1000, at=at) == 1001  # already used: the next step's code
    with pytest.raises(RuntimeError, match="already used"):
        next_usable_step(1001, at=at)


def test_a_gone_kernels_database_is_removed_and_a_live_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from mfalab.lab import remove_leftovers

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    names = [f"lab-{gone.pid}.sqlite3", f"lab-{gone.pid}.sqlite3-wal", f"lab-{gone.pid}.sqlite3-shm",
             f"lab-{os.getpid()}.sqlite3", "lab-notes.txt"]
    for name in names:
        (tmp_path / name).write_text("x")
    assert sorted(remove_leftovers(tmp_path)) == sorted(names[:3])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:])
