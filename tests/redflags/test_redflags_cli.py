"""`python -m bot redflags`: the JSON contract of DESIGN.md, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

TESTSET = Path(__file__).with_name("testset.yml")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "redflags", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=180,
        check=False,
    )


def test_single_argument_prints_one_json_object():
    result = run("ingen feber, men jeg kan ikke tisse")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "flags": ["bladder_bowel"], "level": "emergency", "negated": ["infection"], "ask": []
    }


def test_stdin_gives_one_json_line_per_message_in_order():
    messages = ["jeg har feber", "", "min mor havde kræft", "kan ikke tisse", "hej"]
    result = run(stdin="\n".join(messages) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["flags"] for line in lines] == [["infection"], [], [], ["bladder_bowel"], []]
    assert [line["level"] for line in lines] == ["urgent", "none", "none", "emergency", "none"]
    assert lines[2]["ask"] == ["cancer"]


def test_explain_adds_spans_and_negation_decisions():
    result = run("--explain", "ingen feber men jeg er faldet")
    explain = json.loads(result.stdout)["explain"]
    assert any("«feber»" in line and "nægtet af «ingen»" in line for line in explain)
    assert any("«faldet»" in line and "til stede" in line for line in explain)


def test_evaluate_prints_the_figures_and_passes_on_the_test_set():
    result = run("--evaluate", str(TESTSET), "--strict")
    assert result.returncode == 0, result.stdout
    assert "caught = escalated or asked at once" in result.stdout
    assert "emergencies caught" in result.stdout
    assert "Asked about: benign" in result.stdout


def test_evaluate_exits_non_zero_below_the_thresholds(tmp_path: Path):
    testset = tmp_path / "hard.yml"
    testset.write_text(
        '- {text: "mit knæ er lidt ømt", flags: [neuro_deficit], group: positive}\n', encoding="utf-8"
    )
    result = run("--evaluate", str(testset))
    assert result.returncode == 1
    assert "missed neuro_deficit" in result.stdout and "FAIL" in result.stdout


def test_evaluate_does_not_list_the_misses_of_a_frozen_held_out_file(tmp_path: Path):
    frozen = tmp_path / "frozen.yml"
    frozen.write_text(
        "# FROZEN HELD-OUT SET: never tune on it.\n"
        '- {text: "hej med jer", flags: [neuro_deficit], group: positive}\n',
        encoding="utf-8",
    )
    hidden = run("--evaluate", str(frozen))
    assert hidden.returncode == 1
    assert "hej med jer" not in hidden.stdout and "Failures: 1 (not shown" in hidden.stdout
    shown = run("--evaluate", str(frozen), "--show-misses")
    assert "missed neuro_deficit: hej med jer" in shown.stdout
