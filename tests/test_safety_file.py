"""The clinical safety file (docs/safety/) stays true: every verification names a test that exists,
every risk rating follows the DCB0129 matrix, and the SOUP list matches the pinned packages."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest

from bot import soup

ROOT = Path(__file__).resolve().parents[1]
SAFETY = ROOT / "docs" / "safety"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
SEVERITIES = ["Minor", "Significant", "Considerable", "Major", "Catastrophic"]
LIKELIHOODS = ["Very high", "High", "Medium", "Low", "Very low"]
# DCB0129 risk matrix: likelihood (rows, as above) x severity (columns, as above) -> rating 1-5.
MATRIX = [
    [3, 4, 4, 5, 5],
    [2, 3, 3, 4, 5],
    [2, 2, 3, 3, 4],
    [1, 2, 2, 3, 4],
    [1, 1, 2, 2, 3],
]
STATUSES = {"open", "controlled", "closed"}


def _table(path: Path, first_cell: str) -> list[dict[str, str]]:
    """The rows of the Markdown table whose header row starts with `first_cell`, as dicts."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    header = [cell.strip() for cell in lines[start].strip("|").split(" | ")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == len(header), f"{path.name}: wrong number of cells in {line[:60]}"
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


@lru_cache(maxsize=None)
def _test_names(path: str) -> frozenset[str]:
    file = ROOT / path
    if not file.is_file():
        return frozenset()
    tree = ast.parse(file.read_text(encoding="utf-8"))
    return frozenset(
        node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name.startswith("test_")
    )


def missing_tests(text: str) -> list[str]:
    """The `tests/…py::test_name` references in `text` that name no existing test."""
    return [f"{path}::{name}" for path, name in TEST_REF.findall(text) if name not in _test_names(path)]


HAZARDS = _table(SAFETY / "hazard-log.md", "ID")
INVARIANTS = _table(SAFETY / "invariants.md", "#")


def test_the_check_catches_a_test_that_does_not_exist():
    row = (
        "`tests/test_safety_file.py::test_no_such_test`, `tests/nowhere.py::test_x`, "
        "`tests/test_triage.py::test_all_no_is_none`"
    )
    assert missing_tests(row) == ["tests/test_safety_file.py::test_no_such_test", "tests/nowhere.py::test_x"]


@pytest.mark.parametrize("hazard", HAZARDS, ids=[h["ID"] for h in HAZARDS])
def test_every_hazard_is_verified_by_tests_that_exist(hazard):
    assert TEST_REF.findall(hazard["Verification"]), f"{hazard['ID']} names no test"
    assert missing_tests(hazard["Verification"]) == []


@pytest.mark.parametrize("hazard", HAZARDS, ids=[h["ID"] for h in HAZARDS])
def test_every_risk_rating_follows_the_dcb0129_matrix(hazard):
    for stage in ("Initial", "Residual"):
        severity = SEVERITIES.index(hazard[f"{stage} severity"])
        likelihood = LIKELIHOODS.index(hazard[f"{stage} likelihood"])
        assert int(hazard[f"{stage} risk"]) == MATRIX[likelihood][severity], f"{hazard['ID']} {stage.lower()} risk"
    assert int(hazard["Residual risk"]) <= int(hazard["Initial risk"])
    assert hazard["Status"] in STATUSES


def test_the_matrix_in_the_hazard_log_is_the_one_checked():
    rows = _table(SAFETY / "hazard-log.md", "likelihood \\ severity")
    assert [row["likelihood \\ severity"] for row in rows] == LIKELIHOODS
    assert [[int(row[s]) for s in SEVERITIES] for row in rows] == MATRIX


def test_hazard_ids_are_unique_and_in_order():
    ids = [h["ID"] for h in HAZARDS]
    assert ids == [f"H{n:02d}" for n in range(1, len(ids) + 1)]


def test_every_invariant_of_the_design_has_tests_that_exist():
    assert [row["#"] for row in INVARIANTS] == [str(n) for n in range(1, 8)]
    for row in INVARIANTS:
        assert TEST_REF.findall(row["Tests"]), f"invariant {row['#']} names no test"
        assert missing_tests(row["Tests"]) == []


def test_soup_list_matches_the_pinned_packages():
    expected = soup.render((ROOT / "constraints.txt").read_text(), (ROOT / "pyproject.toml").read_text())
    assert (SAFETY / "soup.md").read_text(encoding="utf-8") == expected, "docs/safety/soup.md is stale: run make soup"


def test_readme_says_rygbot_is_not_certified():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "not certified" in readme and "docs/safety/mdr.md" in readme
