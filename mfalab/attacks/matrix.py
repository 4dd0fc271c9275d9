"""The attack matrix: which attack worked on which lab, computed from AttackResults.

    m = matrix.attack_matrix({"naive": naive_results, "hardened": hardened_results})
    m                                     # a text/HTML table (deterministic: succeeded/blocked)
    matrix.draw(m)                        # the same as a colour table (matplotlib)
"""

from dataclasses import dataclass

from ..display import Table

NOT_RUN = "not run"
COLOURS = {"succeeded": "#e8716d", "blocked": "#7cc47f", NOT_RUN: "#dddddd"}


@dataclass
class AttackMatrix:
    rows: list  # "attack (factor)" labels, in the order first run
    labs: list  # lab labels, in the order first run
    cells: dict  # (row, lab) -> "succeeded" | "blocked"

    def cell(self, row, lab):
        return self.cells.get((row, lab), NOT_RUN)

    def table(self):
        return Table(["attack (factor)", *self.labs], [[row, *(self.cell(row, lab) for lab in self.labs)]
                                                         for row in self.rows],
                     caption="Attack matrix: computed from the runs above")

    def __repr__(self):
        return repr(self.table())

    def _repr_html_(self):
        return self.table()._repr_html_()


def row_label(result):
    return f"{result.attack} ({result.factor})"


def attack_matrix(runs):
    """Tabulate {column title: [AttackResult, ...]} (one column per lab).

    A cell run more than once is 'succeeded' if any of its runs succeeded.
    """
    rows, cells = [], {}
    for lab, results in runs.items():
        for result in results:
            row = row_label(result)
            rows += [row] if row not in rows else []
            previous = cells.get((row, lab))
            cells[(row, lab)] = "succeeded" if result.succeeded or previous == "succeeded" else "blocked"
    return AttackMatrix(rows, list(runs), cells)


def draw(m, ax=None):
    """The matrix as a colour table: red succeeded, green blocked, grey not run."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4 + 1.8 * len(m.labs), 0.3 * len(m.rows) + 0.8))
    ax.axis("off")
    text = [[m.cell(row, lab) for lab in m.labs] for row in m.rows]
    colours = [[COLOURS[value] for value in line] for line in text]
    table = ax.table(cellText=text, cellColours=colours, rowLabels=m.rows, colLabels=m.labs, cellLoc="center",
                     bbox=[0.45, 0, 0.55, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    ax.set_title("Attack matrix (red: the attack worked; green: blocked; grey: not run)", fontsize=10)
    ax.figure.tight_layout()
    return ax.figure
