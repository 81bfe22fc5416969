"""The recall layer: a learned score per category that notices wordings nobody wrote a pattern for.

Patterns are precise but only know the words they were written for. This layer is a one-vs-rest
logistic regression (scikit-learn) over character n-grams (2-5, within words, so misspellings and
missing æøå share most of their features with the right word) and word uni- and bigrams, trained on
the messages in data/redflags/ (written in many voices; never the test or held-out files). What it
finds is only ever `ask`: the bot asks the matching question, it never escalates on a guess.

Each sentence is scored on its own (a flag in the middle of a long story is not diluted by the rest),
and a category is asked about when its best sentence reaches the category's threshold. The thresholds
are chosen at training time by cross-validation, for a recall of `TARGET_RECALL` on held-back folds.

Scoring runs on every chat message, so it does not go through scikit-learn's per-call checks (about
0.7 ms): the trained vocabularies, idf weights and coefficients are folded into one weight row per
n-gram, and a message costs its n-gram lookups and one small matrix sum. Training takes ~30 s and is
cached in models/ under a hash of the data; `python -m bot train` does it before the servers start.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
import yaml

from bot.redflags.catalogue import CATEGORY_NAMES
from bot.redflags.syntax import fold
from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

DATA_DIR = PROJECT_ROOT / "data" / "redflags"
# Benign messages of every kind, from the Rasa training data (no red flag is ever an NLU example).
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
CACHE_DIR = PROJECT_ROOT / "models"
FORMAT_VERSION = "1"

CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
REGULARISATION_C = 4.0
FOLDS = 5
TARGET_RECALL = 0.88
# Thresholds stay inside these bounds whatever the folds say: low enough to ask, high enough to be quiet.
THRESHOLD_BOUNDS = (0.12, 0.6)
# Sentences shorter than this are joined to the next one ("nej." says nothing alone).
MIN_SENTENCE_CHARS = 25

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def prepare(text: str) -> str:
    """The form both training and scoring see: lower case, æøå folded (ae, oe, aa), spaces tidied."""
    return " ".join(fold(text.lower()).split())


def sentences(text: str) -> list[str]:
    """Sentences of a message, short ones joined to the next, so each scored piece says something."""
    pieces, current = [], ""
    for part in _SENTENCE_END.split(text):
        current = f"{current} {part}".strip() if current else part.strip()
        if len(current) >= MIN_SENTENCE_CHARS:
            pieces.append(current)
            current = ""
    if current:
        if pieces and len(current) < MIN_SENTENCE_CHARS:
            pieces[-1] = f"{pieces[-1]} {current}"
        else:
            pieces.append(current)
    return pieces


def char_ngrams(text: str) -> list[str]:
    """scikit-learn's `char_wb` n-grams of `text`: each word padded with a space, n from 2 to 5."""
    grams = []
    low, high = CHAR_NGRAMS
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if n > length:
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


def word_ngrams(text: str) -> list[str]:
    """scikit-learn's default word tokens (two or more word characters), as uni- and bigrams."""
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@dataclass(frozen=True)
class _Space:
    """One feature space folded for scoring: n-gram -> row; each row is idf × coefficients."""

    index: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # rows: n-grams, columns: categories

    def score(self, grams: Sequence[str]) -> np.ndarray:
        """The space's contribution to the decision values: sublinear tf-idf, l2-normalised, dotted."""
        counts = Counter(g for g in grams if g in self.index)
        if not counts:
            return np.zeros(self.weights.shape[1])
        rows = np.fromiter((self.index[g] for g in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        values = tf * self.idf[rows]
        return values @ self.weights[rows] / math.sqrt(float(values @ values))


class RecallModel:
    """Scores text per category; `possible(text)` gives the categories to ask about."""

    def __init__(
        self,
        categories: Sequence[str],
        chars: _Space,
        words: _Space,
        intercepts: np.ndarray,
        thresholds: np.ndarray,
    ):
        self.categories = tuple(categories)
        self._chars = chars
        self._words = words
        self._intercepts = intercepts
        # A probability threshold as a threshold on the decision value (the logistic is monotone).
        self._cutoffs = np.log(thresholds / (1.0 - thresholds))
        self.thresholds = dict(zip(self.categories, thresholds.tolist()))

    def probabilities(self, text: str) -> dict[str, float]:
        """The best sentence's probability per category, for reports and tuning."""
        values = self._decision(text)
        return {name: 1.0 / (1.0 + math.exp(-v)) for name, v in zip(self.categories, values.tolist())}

    def possible(self, text: str) -> tuple[str, ...]:
        """Categories whose best sentence reaches its threshold, in catalogue order."""
        values = self._decision(text)
        return tuple(name for name, value, cutoff in zip(self.categories, values, self._cutoffs) if value >= cutoff)

    def _decision(self, text: str) -> np.ndarray:
        best = np.full(len(self.categories), -np.inf)
        for sentence in sentences(prepare(text)) or [""]:
            value = self._chars.score(char_ngrams(sentence)) + self._words.score(word_ngrams(sentence))
            best = np.maximum(best, value + self._intercepts)
        return best

    def save(self, path: Path) -> None:
        """Write the folded model as one .npz file (atomically: several processes may train at once)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "categories": np.array(self.categories),
            "char_grams": np.array(_by_row(self._chars.index)),
            "char_idf": self._chars.idf,
            "char_weights": self._chars.weights,
            "word_grams": np.array(_by_row(self._words.index)),
            "word_idf": self._words.idf,
            "word_weights": self._words.weights,
            "intercepts": self._intercepts,
            "thresholds": np.array([self.thresholds[name] for name in self.categories]),
        }
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        os.close(handle)
        try:
            np.savez_compressed(temporary, **arrays)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    @classmethod
    def load(cls, path: Path) -> "RecallModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                [str(name) for name in data["categories"]],
                _Space({str(g): i for i, g in enumerate(data["char_grams"])}, data["char_idf"], data["char_weights"]),
                _Space({str(g): i for i, g in enumerate(data["word_grams"])}, data["word_idf"], data["word_weights"]),
                data["intercepts"],
                data["thresholds"],
            )


def _by_row(index: dict[str, int]) -> list[str]:
    grams = [""] * len(index)
    for gram, row in index.items():
        grams[row] = gram
    return grams


# --- Training data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    text: str
    flags: frozenset[str]


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every labelled message file under data/redflags/ (training sets and retired batches)."""
    return sorted(data_dir.rglob("*.yml"))


def load_examples(files: Iterable[Path], nlu_dir: Optional[Path] = NLU_DIR) -> list[Example]:
    """The labelled messages of `files`, plus every NLU example as a message without a flag."""
    examples = []
    for path in files:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            flags = frozenset(entry.get("flags") or []) & set(CATEGORY_NAMES)
            examples.append(Example(str(entry["text"]), flags))
    if nlu_dir is not None and nlu_dir.is_dir():
        for path in sorted(nlu_dir.glob("*.yml")):
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
                for line in str(block.get("examples") or "").splitlines():
                    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().removeprefix("- ").strip())
                    if text:
                        examples.append(Example(text, frozenset()))
    return examples


def fingerprint(files: Iterable[Path], nlu_dir: Optional[Path] = NLU_DIR) -> str:
    """A hash of everything that shapes the model, for the cache file's name."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    digest.update(Path(__file__).read_bytes())
    nlu_files = sorted(nlu_dir.glob("*.yml")) if nlu_dir is not None and nlu_dir.is_dir() else []
    for path in [*files, *nlu_files]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- Training --------------------------------------------------------------------------------------


def train(examples: Sequence[Example], categories: Sequence[str] = CATEGORY_NAMES) -> RecallModel:
    """Fit the vectorisers and one classifier per category; choose thresholds by cross-validation."""
    texts = [prepare(example.text) for example in examples]
    labels = np.array([[name in example.flags for name in categories] for example in examples], dtype=bool)
    thresholds = np.array([_threshold(texts, labels[:, column]) for column in range(len(categories))])
    chars, words = _vectorisers()
    matrix = _fit(chars, words, texts)
    coefficients, intercepts = [], []
    for column in range(len(categories)):
        classifier = _classifier().fit(matrix, labels[:, column])
        coefficients.append(classifier.coef_[0])
        intercepts.append(classifier.intercept_[0])
    weights = np.vstack(coefficients).T  # rows: features, columns: categories
    split = len(chars.vocabulary_)
    return RecallModel(
        categories,
        _Space(dict(chars.vocabulary_), chars.idf_, weights[:split]),
        _Space(dict(words.vocabulary_), words.idf_, weights[split:]),
        np.array(intercepts),
        thresholds,
    )


def _vectorisers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return tuple(  # type: ignore[return-value]
        TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2, lowercase=False)
        for analyzer in (char_ngrams, word_ngrams)
    )


def _fit(chars: Any, words: Any, texts: Sequence[str]) -> Any:
    from scipy.sparse import hstack

    return hstack([chars.fit_transform(texts), words.fit_transform(texts)]).tocsr()


def _transform(chars: Any, words: Any, texts: Sequence[str]) -> Any:
    from scipy.sparse import hstack

    return hstack([chars.transform(texts), words.transform(texts)]).tocsr()


def _classifier() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000)


def _threshold(texts: Sequence[str], positive: np.ndarray) -> float:
    """The highest probability threshold that still finds TARGET_RECALL of the held-back positives."""
    from sklearn.model_selection import StratifiedKFold

    if positive.sum() < FOLDS:
        return THRESHOLD_BOUNDS[0]
    scores = np.zeros(len(texts))
    for train_rows, test_rows in StratifiedKFold(FOLDS, shuffle=True, random_state=1).split(texts, positive):
        chars, words = _vectorisers()
        x_train = _fit(chars, words, [texts[i] for i in train_rows])
        x_test = _transform(chars, words, [texts[i] for i in test_rows])
        scores[test_rows] = _classifier().fit(x_train, positive[train_rows]).predict_proba(x_test)[:, 1]
    found = np.sort(scores[positive])
    cutoff = found[int(math.floor((1.0 - TARGET_RECALL) * len(found)))]
    low, high = THRESHOLD_BOUNDS
    return float(min(high, max(low, cutoff)))


# --- The process-wide model ---------------------------------------------------------------------------

_models: dict[Path, Optional[RecallModel]] = {}
_lock = threading.Lock()


def get_model(data_dir: Path = DATA_DIR, cache_dir: Path = CACHE_DIR) -> Optional[RecallModel]:
    """The model for the data at `data_dir`, loaded once per process: from the cache, else trained
    now and cached. None when there is no training data (the patterns then decide alone). Like the
    Rasa model, a change of the training data shows after a restart, not on the next message."""
    if data_dir in _models:
        return _models[data_dir]
    with _lock:
        if data_dir not in _models:
            _models[data_dir] = _load_or_train(training_files(data_dir), cache_dir)
    return _models[data_dir]


def _load_or_train(files: list[Path], cache_dir: Path) -> Optional[RecallModel]:
    if not files:
        return None
    path = cache_dir / f"redflags-recall-{fingerprint(files)}.npz"
    if path.exists():
        return RecallModel.load(path)
    logger.info("Training the red-flag recall layer on %d files", len(files))
    model = train(load_examples(files))
    model.save(path)
    for old in cache_dir.glob("redflags-recall-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
    return model
