"""Small-cell protection for every published table.

Primary suppression: a count from 1 to ``threshold - 1`` is not published. Zero is published (it
says no more than "none", and suppressing it would not protect anyone).

Secondary (complementary) suppression: a table is published with its row and column totals, and each
row and each column is an equation (cells add up to their total). A suppressed value could be
recovered from an equation in which it is the only unknown, or from a combination of equations. So,
until neither is possible, one more cell is suppressed: in an equation with a single unknown, the
smallest positive cell beside it (an inner cell rather than a total, so the totals other tables
share stay published); then every unknown is checked against the whole system (it is recoverable
exactly when its unit vector lies in the row space of the equations over the unknowns), and a
recoverable one gets a complement in its row.

Rounding (optional, per country): published counts are rounded to the nearest multiple of the base,
after suppression; totals are rounded on their own, so they may differ from the sum of their cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Cell:
    """A published value: ``value`` is None when suppressed (``flag`` says why)."""

    value: int | None
    flag: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return "•" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Rule:
    threshold: int
    rounding_base: int = 0

    def text(self) -> str:
        text = _(
            "Small-cell protection: counts from 1 to %(below)s are suppressed (•), and other cells are "
            "suppressed as well so that no suppressed count can be worked out from the totals."
        ) % {"below": max(self.threshold - 1, 0)}
        if self.rounding_base > 1:
            text += " " + _("Published counts are rounded to the nearest multiple of %(base)s.") % {
                "base": self.rounding_base
            }
        return text


Position = tuple[int, int]


def _equations(rows: int, cols: int) -> list[list[Position]]:
    """Row equations then column equations of a grid whose last row and column are the totals."""
    eqs = [[(r, c) for c in range(cols + 1)] for r in range(rows + 1)]
    eqs += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
    return eqs


def _recoverable(unknowns: list[Position], eqs: list[list[Position]]) -> list[Position]:
    if not unknowns:
        return []
    index = {pos: i for i, pos in enumerate(unknowns)}
    matrix = np.zeros((len(eqs), len(unknowns)))
    for e, eq in enumerate(eqs):
        for k, pos in enumerate(eq):
            if pos in index:
                # The last position of an equation is its total: cells - total = 0.
                matrix[e, index[pos]] = -1.0 if k == len(eq) - 1 else 1.0
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for pos, i in index.items():
        unit = np.zeros((1, len(unknowns)))
        unit[0, i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(pos)
    return found


def protect_grid(values: list[list[int]], threshold: int) -> tuple[list[list[int]], dict[Position, str]]:
    """``values``: inner cells (rows × cols). Returns the grid with totals appended (last row and
    column) and which positions are suppressed (position → PRIMARY or SECONDARY)."""
    rows = len(values)
    cols = len(values[0]) if rows else 0
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(cols + 1)])
    flags: dict[Position, str] = {}
    for r in range(rows + 1):
        for c in range(cols + 1):
            if 0 < grid[r][c] < threshold:
                flags[(r, c)] = PRIMARY
    if not flags:
        return grid, flags
    eqs = _equations(rows, cols)

    def complement(eq: list[Position]) -> bool:
        free = [pos for pos in eq if pos not in flags]
        if not free:
            return False
        # Inner cells first, positive ones first, then the smallest.
        best = min(free, key=lambda p: (p[0] == rows or p[1] == cols, grid[p[0]][p[1]] == 0, grid[p[0]][p[1]]))
        flags[best] = SECONDARY
        return True

    while True:
        changed = False
        for eq in eqs:
            if sum(1 for pos in eq if pos in flags) == 1:
                changed |= complement(eq)
        if changed:
            continue
        exposed = _recoverable(sorted(flags), eqs)
        for pos in exposed:
            # Its row first, then its column: one more unknown there breaks the combination.
            for eq in (eqs[pos[0]], eqs[rows + 1 + pos[1]]):
                if complement(eq):
                    changed = True
                    break
            if changed:
                break
        if not changed:
            return grid, flags


def round_to(value: int, base: int) -> int:
    if base <= 1:
        return value
    return int(base * round(value / base))


def publish(value: int, flag: str, rule: Rule) -> Cell:
    if flag:
        return Cell(None, flag)
    return Cell(round_to(value, rule.rounding_base))


@dataclass(frozen=True)
class ProtectedTable:
    """A published two-way table (a one-way table has a single column)."""

    row_keys: list[str]
    col_keys: list[str]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    col_totals: list[Cell]
    total: Cell


def protect(row_keys: list[str], col_keys: list[str], values: list[list[int]], rule: Rule) -> ProtectedTable:
    if not row_keys or not col_keys:
        return ProtectedTable(row_keys, col_keys, [], [], [], publish(0, "", rule))
    if len(col_keys) == 1:
        # One column: the column equals the row totals, so protect the one equation (cells = total).
        grid, flags = protect_grid([[row[0] for row in values]], rule.threshold)
        cells = [[publish(grid[0][i], flags.get((0, i), ""), rule)] for i in range(len(row_keys))]
        total = publish(grid[0][len(row_keys)], flags.get((0, len(row_keys)), ""), rule)
        return ProtectedTable(row_keys, col_keys, cells, [c[0] for c in cells], [total], total)
    grid, flags = protect_grid(values, rule.threshold)
    rows, cols = len(row_keys), len(col_keys)
    return ProtectedTable(
        row_keys,
        col_keys,
        [[publish(grid[r][c], flags.get((r, c), ""), rule) for c in range(cols)] for r in range(rows)],
        [publish(grid[r][cols], flags.get((r, cols), ""), rule) for r in range(rows)],
        [publish(grid[rows][c], flags.get((rows, c), ""), rule) for c in range(cols)],
        publish(grid[rows][cols], flags.get((rows, cols), ""), rule),
    )
