"""Put graded cells back into the release's order before a submission is run.

nbgrader runs a submission top to bottom as it is. A student who dragged exercise 3
above exercise 2, or a test cell above its own solution, would lose points for the layout
rather than for the answers. Here the cells that carry an nbgrader grade id (set-up,
solutions, tests, written answers) are put back in the order of the release; every other
cell (the student's own, the demos) travels with the graded cell above it, and cells
above the first graded cell stay first.
"""
from __future__ import annotations

from typing import List

from nbkit.grading.cells import grade_id


def restore_order(nb, release_order: List[str]) -> bool:
    """Reorder ``nb.cells`` in place; ``release_order`` lists the release's grade ids in
    order. Returns whether anything moved."""
    rank = {gid: i for i, gid in enumerate(release_order)}
    head, groups = [], []
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in rank:
            groups.append((rank[gid], [cell]))
        elif groups:
            groups[-1][1].append(cell)
        else:
            head.append(cell)
    ordered = sorted(groups, key=lambda group: group[0])  # stable: duplicates keep their order
    if [g[0] for g in ordered] == [g[0] for g in groups]:
        return False
    nb.cells = head + [cell for _, cells in ordered for cell in cells]
    return True
