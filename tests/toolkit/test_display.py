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
