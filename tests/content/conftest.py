"""Fixtures for the content tests: a private copy of content/ that a test may edit freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

REAL_CONTENT = PROJECT_ROOT / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the real content folder in a temp dir (tests never edit the real files)."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target
