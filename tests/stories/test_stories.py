"""Rasa's own checks of the assistant: `rasa data validate` and the test stories in this folder."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import launcher

ROOT = Path(__file__).resolve().parents[2]
STORIES = Path(__file__).resolve().parent
# The warnings we expect: red_flag and possible_red_flag are set by the red-flag detector, not
# learned (domain.yml).
EXPECTED_WARNINGS = [
    f"The intent '{intent}' is listed in the domain file, but is not found in the NLU training data."
    for intent in ("red_flag", "possible_red_flag")
]


def _rasa(*args: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=ROOT,
        env=launcher.rasa_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_there_are_at_least_25_test_stories():
    count = sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]) for path in STORIES.glob("*.yml"))
    assert count >= 25


def test_rasa_data_validate_warns_only_about_the_detector_intents():
    result = _rasa(
        "data", "validate", "--domain", "domain.yml", "--data", *launcher.RASA_DATA, "--config", "config.yml",
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [line.split("UserWarning: ", 1)[1].strip() for line in output.splitlines() if "UserWarning: " in line]
    assert sorted(warnings) == sorted(EXPECTED_WARNINGS), output[-3000:]


@pytest.mark.slow
def test_story_tests_pass(trained_model: Path, tmp_path: Path):
    result = _rasa(
        "test", "core", "--model", str(trained_model), "--stories", str(STORIES),
        "--out", str(tmp_path), "--fail-on-prediction-errors",
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, details
    correct = re.search(r"Correct:\s+(\d+) / (\d+)", result.stdout + result.stderr)
    assert correct and correct.group(1) == correct.group(2), details
