"""Small-cell protection: primary suppression, and attempts to recover a suppressed cell from the
published totals — by elimination, equation by equation, and by solving the whole linear system —
fail on protected tables (and succeed on tables with primary suppression only, so the attack works)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sanad.statistics.suppression import PRIMARY, Rule, protect, protect_grid

THRESHOLD = 5


def published(values: list[list[int]], flags: dict[tuple[int, int], str]) -> list[list[int | None]]:
    rows = len(values)
    cols = len(values[0])
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(cols + 1)])
    return [[None if (r, c) in flags else grid[r][c] for c in range(cols + 1)] for r in range(rows + 1)]


def equations(rows: int, cols: int) -> list[list[tuple[tuple[int, int], int]]]:
    """Each equation as (position, coefficient) pairs summing to zero: cells minus their total."""
    eqs = [[((r, c), 1) for c in range(cols)] + [((r, cols), -1)] for r in range(rows + 1)]
    eqs += [[((r, c), 1) for r in range(rows)] + [((rows, c), -1)] for c in range(cols + 1)]
    return eqs


def attack_by_elimination(grid: list[list[int | None]]) -> dict[tuple[int, int], int]:
    """What an analyst with a spreadsheet does: any row or column with one blank gives it away;
    repeat with what was found."""
    known = {(r, c): v for r, row in enumerate(grid) for c, v in enumerate(row) if v is not None}
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    found: dict[tuple[int, int], int] = {}
    progress = True
    while progress:
        progress = False
        for eq in equations(rows, cols):
            unknown = [(pos, k) for pos, k in eq if pos not in known]
            if len(unknown) == 1:
                pos, k = unknown[0]
                rest = sum(k2 * known[p] for p, k2 in eq if p in known)
                known[pos] = found[pos] = -rest // k
                progress = True
    return found


def attack_by_linear_algebra(grid: list[list[int | None]]) -> dict[tuple[int, int], int]:
    """Solve every equation at once: a blank is recovered when the system pins it to one value."""
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    unknowns = [(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v is None]
    if not unknowns:
        return {}
    index = {pos: i for i, pos in enumerate(unknowns)}
    a, b = [], []
    for eq in equations(rows, cols):
        line = np.zeros(len(unknowns))
        rhs = 0.0
        for pos, k in eq:
            if pos in index:
                line[index[pos]] = k
            else:
                value = grid[pos[0]][pos[1]]
                assert value is not None
                rhs -= k * value
        a.append(line)
        b.append(rhs)
    matrix, rhs_vec = np.array(a), np.array(b)
    solution, *_ = np.linalg.lstsq(matrix, rhs_vec, rcond=None)
    # The null space: directions along which the blanks can move without changing any total.
    _u, s, vt = np.linalg.svd(matrix)
    rank = int((s > 1e-9).sum())
    null = vt[rank:]
    found = {}
    for pos, i in index.items():
        if null.size == 0 or np.all(np.abs(null[:, i]) < 1e-9):
            found[pos] = round(float(solution[i]))
    return found


def random_table(rng: random.Random) -> list[list[int]]:
    rows, cols = rng.randint(2, 9), rng.randint(2, 5)
    return [[rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 40]) for _ in range(cols)] for _ in range(rows)]


def test_small_counts_are_suppressed_and_zero_is_not() -> None:
    grid, flags = protect_grid([[3, 10], [12, 0]], THRESHOLD)
    assert flags[(0, 0)] == PRIMARY
    assert (1, 1) not in flags or flags[(1, 1)] != PRIMARY
    assert grid[2][2] == 25


def test_a_lone_suppressed_cell_is_recoverable_without_complements() -> None:
    """The attack is real: with primary suppression alone it recovers the small cell."""
    values = [[3, 10], [12, 7]]
    primary_only = {(0, 0): PRIMARY}
    assert attack_by_elimination(published(values, primary_only)) == {(0, 0): 3}
    assert attack_by_linear_algebra(published(values, primary_only)) == {(0, 0): 3}


@pytest.mark.parametrize("seed", range(40))
def test_no_suppressed_cell_can_be_recovered_from_the_totals(seed: int) -> None:
    rng = random.Random(seed)
    values = random_table(rng)
    _grid, flags = protect_grid(values, THRESHOLD)
    grid = published(values, flags)
    assert attack_by_elimination(grid) == {}
    assert attack_by_linear_algebra(grid) == {}
    # Nothing published is a small count.
    assert all(v is None or v == 0 or v >= THRESHOLD for row in grid for v in row)


def test_one_way_table_hides_a_lone_small_cell_with_a_complement() -> None:
    table = protect(["a", "b", "c"], [""], [[2], [30], [40]], Rule(threshold=THRESHOLD))
    cells = [row[0] for row in table.cells]
    assert cells[0].value is None and cells[0].flag == "primary"
    # The total is published, so one more cell must be hidden: the smallest other one.
    assert table.total.value == 72
    assert cells[1].value is None and cells[1].flag == "secondary"
    assert cells[2].value == 40


def test_rounding_after_suppression_and_the_rule_says_so() -> None:
    rule = Rule(threshold=THRESHOLD, rounding_base=5)
    table = protect(["a", "b"], [""], [[12], [23]], rule)
    assert [row[0].value for row in table.cells] == [10, 25]
    assert table.total.value == 35
    assert "5" in rule.text() and "•" in rule.text()
