"""Run the same attacks on several labs side by side; keep every result for the matrix.

    hardened = hardened_lab()                         # None where the kit has no solutions/
    campaign = Campaign({"naive (your code)": lab, "hardened (solutions)": hardened})
    campaign.run(attacks.bypass.password_only)      # one result per lab, printed one per line
    campaign.matrix()                                # computed from everything run so far
"""

from pathlib import Path

from .matrix import attack_matrix

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def hardened_lab(solutions=SOLUTIONS):
    """The lab served with the reference solutions, started; None when this copy of the kit
    has no solutions/ (the student release), so that no column is labelled "solutions" while
    it runs the learner's own code."""
    if not (Path(solutions) / "__init__.py").is_file():
        return None
    from ..sandbox import SandboxLab

    return SandboxLab("solutions").start()


class Results(list):
    """AttackResults that print as one deterministic summary line each."""

    def __repr__(self):
        return "\n".join(result.summary() for result in self)


class Campaign:
    def __init__(self, labs):
        self.labs = dict(labs)  # column title -> lab
        self.results = {title: [] for title in self.labs}

    def run(self, attack, *args, only=None, fresh=False, **kwargs):
        """attack(lab, *args, **kwargs) on every lab (or the titles in `only`).

        fresh=True starts each lab from its seeded database first: an attack that adds or
        deletes factors leaves the lab changed, and the next scene should not inherit that."""
        done = Results()
        for title, lab in self.labs.items():
            if only is None or title in only:
                if fresh:
                    lab.reset()
                done.append(self.record(title, attack(lab, *args, **kwargs)))
        return done

    def record(self, title, result):
        self.results[title].append(result)
        return result

    def matrix(self):
        return attack_matrix(self.results)
