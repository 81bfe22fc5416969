"""Training, test and held-out messages stay apart: a message the recall layer was trained on
says nothing about how well it understands patients it has never met. Independent writers do
sometimes write the very same short message ("kan ikke tisse"); the copy in the training data goes.
The Rasa NLU examples (data/nlu/) are also read as messages without a flag; short everyday
phrases there ("ondt i ryggen") may stand in a test file too, and are not checked here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.redflags.recall import DATA_DIR, training_files

TESTS = Path(__file__).parent
EVALUATED = [TESTS / "testset.yml", *sorted(TESTS.glob("heldout*.yml"))]


def texts(path: Path) -> set[str]:
    return {" ".join(str(item["text"]).lower().split()) for item in yaml.safe_load(path.read_text("utf-8")) or []}


@pytest.mark.parametrize("evaluated", EVALUATED, ids=lambda path: path.name)
def test_no_test_or_heldout_message_is_in_the_training_data(evaluated: Path):
    training = set().union(*(texts(path) for path in training_files(DATA_DIR)))
    assert not texts(evaluated) & training
