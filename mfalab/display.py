"""Small tables that read well both in a notebook (HTML) and in a terminal (text)."""

import html


class Table:
    def __init__(self, headers, rows, caption=""):
        self.headers = list(headers)
        self.rows = [[str(cell) for cell in row] for row in rows]
        self.caption = caption

    def __repr__(self):
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.headers)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out = ([self.caption] if self.caption else []) + [line(self.headers), line(["-" * w for w in widths])]
        return "\n".join(out + [line(r) for r in self.rows])

    def _repr_html_(self):
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in self.rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<tr>{head}</tr>{body}</table>"


def personas_table(lab):
    """Who is in the lab, with the demo passwords (LAB ONLY)."""
    return Table(["username", "password", "second factor", "role"],
                 [[p.username, p.password, p.factor or "none yet", p.role] for p in lab.personas.values()],
                 caption="Lab personas (demo credentials: lab only, never reuse them)")
