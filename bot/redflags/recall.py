"""The recall layer: a learned score per category that notices wordings nobody wrote a pattern for.

Patterns are precise but only know the words they were written for. This layer is a one-vs-rest
logistic regression (scikit-learn) over character n-grams (2-5, within words, so misspellings and
missing æøå share most of their features with the right word) and word uni- and bigrams, trained on
the messages in data/redflags/ (written in many voices; never the test or held-out files). What it
finds is only ever `ask`: the bot asks the matching question, it never escalates on a guess.

A second head, the context head, reads the words around a flag the patterns found. It sees the
message with each pattern mention replaced by `MENTION`, so it learns context, not the flag words, and
tells the patient's own flag now from a hard negative (someone else's illness, long ago, planned, a
question, a figure of speech, an explanation). When it doubts, the flags become `ask`: context
readings written as data cannot list every way of saying "my mother", "in 2009" or "what if". Its
threshold lets at most `MAX_REAL_FLAGS_DOUBTED` of real flags become questions on held-back folds.

Each sentence is scored on its own (a flag in the middle of a long story is not diluted by the rest),
and a category is asked about when its best sentence reaches the category's threshold. The thresholds
are chosen at training time by cross-validation (repeated, so one data change does not swing them),
on the best sentence's held-back score as at run time, for a recall of `TARGET_RECALL` on held-back
folds (`TARGET_RECALL_EMERGENCY` for the three emergencies). An age ("jeg er 38") is read as an age
first, so it is no fever.

Scoring runs on every chat message, so it does not go through scikit-learn's per-call checks (about
0.7 ms): the trained vocabularies, idf weights and coefficients are folded into one weight row per
n-gram, and a message costs its n-gram lookups and one small matrix sum. Training takes ~30 s and is
cached in models/ under a hash of the data; `python -m bot train` does it before the servers start.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import re
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Protocol, Sequence

import numpy as np
import yaml

from bot.redflags.catalogue import CATEGORY_NAMES, EMERGENCY_CATEGORIES
from bot.redflags.syntax import fold
from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

DATA_DIR = PROJECT_ROOT / "data" / "redflags"
# Benign messages of every kind, from the Rasa training data (no red flag is ever an NLU example).
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
CACHE_DIR = PROJECT_ROOT / "models"
FORMAT_VERSION = "2"

CHAR_NGRAMS = (2, 5)
REGULARISATION_C = 4.0
FOLDS = 5
# Shuffles of the folds the thresholds are chosen over.
REPEATS = 2
TARGET_RECALL = 0.96
# The emergencies cost a patient's bladder or legs when missed; a question too many costs a "Nej".
# The target for emergencies caught is 99 %, so the held-back folds must reach it too.
TARGET_RECALL_EMERGENCY = 0.99
# Share of real flags (held-back folds) the context head may turn from an escalation into a question.
MAX_REAL_FLAGS_DOUBTED = 0.005
# What stands in for a pattern's mention in the context head's input.
MENTION = "xflagx"
# Thresholds stay inside these bounds whatever the folds say: low enough to ask, high enough to be quiet.
THRESHOLD_BOUNDS = (0.12, 0.6)
# Sentences shorter than this are joined to the next one ("nej." says nothing alone).
MIN_SENTENCE_CHARS = 25
# Words whose n-gram rows the scoring keeps (the cache is emptied when full).
WORD_CACHE_SIZE = 1 << 16

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# An age is no temperature: "jeg er 38", "38-aarig", "38 aar gammel", "I'm 38" (after folding æøå).
AGE = "xalderx"
_AGES = (
    re.compile(r"\b((?:jeg|jg|aeg|ja|a|ae|i) (?:er|e|am)|i'm|im|i am) \d{1,3}\b(?![,.]\d| ?grader| ?°| i feber)"),
    re.compile(r"\b\d{1,3}(?= ?-? ?aarig| aar gammel| years old| year old| yo\b)"),
)


def prepare(text: str) -> str:
    """The form both training and scoring see: lower case, æøå folded (ae, oe, aa), spaces tidied,
    and an age written as a word, so that "jeg er 38" does not read as a fever of 38."""
    folded = " ".join(fold(text.lower()).split())
    if not any(character.isdigit() for character in folded):
        return folded
    folded = _AGES[0].sub(lambda match: f"{match.group(1)} {AGE}", folded)
    return _AGES[1].sub(AGE, folded)


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


def scored_pieces(prepared: str) -> list[str]:
    """What a category is scored on: each sentence; the best one counts."""
    return sentences(prepared) or [prepared]


def char_ngrams(text: str) -> list[str]:
    """scikit-learn's `char_wb` n-grams of `text`: each word padded with a space, n from 2 to 5."""
    grams: list[str] = []
    for word in text.split():
        grams.extend(_word_char_ngrams(word))
    return grams


@functools.lru_cache(maxsize=1 << 16)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    """One word's n-grams; cached because the same everyday words come back in every message."""
    padded = f" {word} "
    length = len(padded)
    low, high = CHAR_NGRAMS
    return tuple(padded[i : i + n] for n in range(low, min(high, length) + 1) for i in range(length - n + 1))


def word_ngrams(text: str) -> list[str]:
    """scikit-learn's default word tokens (two or more word characters), as uni- and bigrams."""
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@dataclass(frozen=True)
class _Space:
    """One feature space folded for scoring: n-gram -> row; each row is idf × coefficients."""

    index: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # rows: n-grams, columns: categories
    # Each word's known character n-gram rows, kept because the same words come back in every message.
    _word_rows: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def score(self, grams: Sequence[str]) -> np.ndarray:
        """The space's contribution to the decision values: sublinear tf-idf, l2-normalised, dotted."""
        index = self.index
        known = [(index[gram], count) for gram, count in Counter(grams).items() if gram in index]
        if not known:
            return np.zeros(self.weights.shape[1])
        rows = np.fromiter((row for row, _ in known), dtype=np.int64, count=len(known))
        counts = np.fromiter((count for _, count in known), dtype=np.float64, count=len(known))
        return self._dot(rows, counts)

    def score_words(self, words: Sequence[str]) -> np.ndarray:
        """`score` of the words' character n-grams, from each word's cached rows."""
        cache = self._word_rows
        parts = []
        for word in words:
            rows = cache.get(word)
            if rows is None:
                if len(cache) >= WORD_CACHE_SIZE:
                    cache.clear()
                index = self.index
                rows = np.array([index[gram] for gram in _word_char_ngrams(word) if gram in index], dtype=np.int64)
                cache[word] = rows
            parts.append(rows)
        if not parts:
            return np.zeros(self.weights.shape[1])
        rows, counts = np.unique(np.concatenate(parts), return_counts=True)
        if not rows.size:
            return np.zeros(self.weights.shape[1])
        return self._dot(rows, counts)

    def _dot(self, rows: np.ndarray, counts: np.ndarray) -> np.ndarray:
        values = (1.0 + np.log(counts)) * self.idf[rows]
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
        doubt_threshold: float = 0.0,
    ):
        """The last column of the weights and intercepts is the context head ("a real flag")."""
        self.categories = tuple(categories)
        self._chars = chars
        self._words = words
        self._intercepts = intercepts
        # A probability threshold as a threshold on the decision value (the logistic is monotone).
        self._cutoffs = np.log(thresholds / (1.0 - thresholds))
        self.thresholds = dict(zip(self.categories, thresholds.tolist(), strict=True))
        self.doubt_threshold = float(doubt_threshold)
        self._doubt_cutoff = _logit(self.doubt_threshold)

    def possible(self, text: str) -> tuple[str, ...]:
        """Categories whose best sentence reaches its threshold, in catalogue order."""
        values = self._decision(text)
        return tuple(
            name for name, value, cutoff in zip(self.categories, values, self._cutoffs, strict=True) if value >= cutoff
        )

    def doubts(self, context: str) -> bool:
        """True when the context head reads the mentions in `context` as someone else's, past,
        planned or meant otherwise: the flags are then asked about instead of escalated."""
        return bool(self._value(prepare(context))[-1] < self._doubt_cutoff)

    def _decision(self, text: str) -> np.ndarray:
        """The best sentence's decision value per category (the context head left out)."""
        best = np.full(len(self.categories), -np.inf)
        for sentence in scored_pieces(prepare(text)):
            best = np.maximum(best, self._value(sentence)[:-1])
        return best

    def _value(self, prepared: str) -> np.ndarray:
        return self._chars.score_words(prepared.split()) + self._words.score(word_ngrams(prepared)) + self._intercepts

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
            "doubt_threshold": np.array(self.doubt_threshold),
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
                float(data["doubt_threshold"]),
            )


def _logit(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    return math.log(probability / (1.0 - probability))


def _by_row(index: dict[str, int]) -> list[str]:
    grams = [""] * len(index)
    for gram, row in index.items():
        grams[row] = gram
    return grams


# --- Training data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A labelled message. `mentions_flag` is set for messages that speak of a red flag: True when it
    is the patient's own (positive, mixed), False for a hard negative; None for the rest."""

    text: str
    flags: frozenset[str]
    mentions_flag: Optional[bool] = None


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every labelled message file under data/redflags/ (training sets and retired batches)."""
    return sorted(data_dir.rglob("*.yml"))


def load_examples(files: Iterable[Path], nlu_dir: Optional[Path] = NLU_DIR) -> list[Example]:
    """The labelled messages of `files`, plus every NLU example as a message without a flag."""
    examples = []
    for path in files:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            flags = frozenset(entry.get("flags") or []) & set(CATEGORY_NAMES)
            group = entry.get("group")
            mentions = True if group in ("positive", "mixed") else False if group == "hard" else None
            examples.append(Example(str(entry["text"]), flags, mentions))
    if nlu_dir is not None and nlu_dir.is_dir():
        for path in sorted(nlu_dir.glob("*.yml")):
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
                for line in str(block.get("examples") or "").splitlines():
                    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().removeprefix("- ").strip())
                    if text:
                        examples.append(Example(text, frozenset()))
    return examples


class ContextReader(Protocol):
    """What finds the mentions the context head reads around: the red-flag patterns."""

    def context_text(self, text: str) -> str:
        """`text` with each mention replaced by `MENTION`."""

    def sources(self) -> list[Path]:
        """The files that decide where the mentions are (for the cache's fingerprint)."""


def fingerprint(files: Iterable[Path], nlu_dir: Optional[Path] = NLU_DIR, sources: Iterable[Path] = ()) -> str:
    """A hash of everything that shapes the model, for the cache file's name."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    digest.update(f"{TARGET_RECALL} {TARGET_RECALL_EMERGENCY}".encode())
    digest.update(Path(__file__).read_bytes())
    nlu_files = sorted(nlu_dir.glob("*.yml")) if nlu_dir is not None and nlu_dir.is_dir() else []
    for path in [*files, *nlu_files, *sources]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- Training --------------------------------------------------------------------------------------


def train(
    examples: Sequence[Example],
    categories: Sequence[str] = CATEGORY_NAMES,
    context_text: Callable[[str], str] = lambda text: text,
) -> RecallModel:
    """Fit the vectorisers, one classifier per category and the context head (on the messages that
    mention a flag, as `context_text` gives them); choose thresholds by cross-validation."""
    texts = [prepare(example.text) for example in examples]
    labels = np.array([[name in example.flags for name in categories] for example in examples], dtype=bool)
    targets = [TARGET_RECALL_EMERGENCY if name in EMERGENCY_CATEGORIES else TARGET_RECALL for name in categories]
    held_back = _held_back_scores(texts, labels, scored_pieces)
    thresholds = np.array(
        [_threshold(held_back[..., column], labels[:, column], target) for column, target in enumerate(targets)]
    )
    mentioning = [example for example in examples if example.mentions_flag is not None]
    contexts = [prepare(context_text(example.text)) for example in mentioning]
    real = np.array([bool(example.mentions_flag) for example in mentioning], dtype=bool)
    doubt_threshold = _threshold(
        _held_back_scores(contexts, real[:, None])[..., 0],
        real,
        1.0 - MAX_REAL_FLAGS_DOUBTED,
        floor=0.0,
    )
    chars, words = _vectorisers()
    matrix = _fit(chars, words, [*texts, *contexts])
    coefficients, intercepts = [], []
    fits = [(matrix[: len(texts)], labels[:, column]) for column in range(len(categories))]
    if real.any() and not real.all():
        fits.append((matrix[len(texts) :], real))
    for rows, column_labels in fits:
        classifier = _classifier().fit(rows, column_labels)
        coefficients.append(classifier.coef_[0])
        intercepts.append(classifier.intercept_[0])
    if len(fits) == len(categories):  # no hard negatives to learn from: the context head never doubts
        coefficients.append(np.zeros_like(coefficients[0]))
        intercepts.append(0.0)
        doubt_threshold = 0.0
    weights = np.vstack(coefficients).T  # rows: features, columns: categories, then the context head
    split = len(chars.vocabulary_)
    return RecallModel(
        categories,
        _Space(dict(chars.vocabulary_), chars.idf_, weights[:split]),
        _Space(dict(words.vocabulary_), words.idf_, weights[split:]),
        np.array(intercepts),
        thresholds,
        doubt_threshold,
    )


def _vectorisers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return tuple(
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


def _held_back_scores(
    texts: Sequence[str], labels: np.ndarray, pieces: Callable[[str], list[str]] = lambda text: [text]
) -> np.ndarray:
    """Each message's probability per label column from models that never saw it, for `REPEATS`
    shuffles of `FOLDS` folds (shape: repeats × messages × columns), scored as at run time: the best
    of its `pieces`. All columns share the folds, so the vectorisers are fitted once per fold; more
    than one shuffle keeps a threshold from hanging on where a few hard messages happened to fall."""
    from sklearn.model_selection import KFold

    scores = np.zeros((REPEATS, len(texts), labels.shape[1]))
    if len(texts) < FOLDS:
        return scores
    for repeat in range(REPEATS):
        for train_rows, test_rows in KFold(FOLDS, shuffle=True, random_state=repeat + 1).split(texts):
            chars, words = _vectorisers()
            x_train = _fit(chars, words, [texts[i] for i in train_rows])
            split = [pieces(texts[i]) for i in test_rows]
            owner = np.repeat(np.arange(len(test_rows)), [len(piece_list) for piece_list in split])
            x_test = _transform(chars, words, [piece for piece_list in split for piece in piece_list])
            for column in range(labels.shape[1]):
                seen = labels[train_rows, column]
                if seen.any() and not seen.all():
                    probabilities = _classifier().fit(x_train, seen).predict_proba(x_test)[:, 1]
                    best = np.zeros(len(test_rows))
                    np.maximum.at(best, owner, probabilities)
                    scores[repeat, test_rows, column] = best
    return scores


def _threshold(scores: np.ndarray, positive: np.ndarray, recall: float, floor: float = THRESHOLD_BOUNDS[0]) -> float:
    """The highest probability threshold that still finds `recall` of the held-back positives, over
    all shuffles (`scores`: repeats × messages)."""
    if positive.sum() < FOLDS or (~positive).sum() < FOLDS:
        return floor
    found = np.sort(scores[:, positive].ravel())
    cutoff = found[int(math.floor((1.0 - recall) * len(found)))]
    return float(min(THRESHOLD_BOUNDS[1], max(floor, cutoff)))


# --- The process-wide model ---------------------------------------------------------------------------

_models: dict[Path, Optional[RecallModel]] = {}
_lock = threading.Lock()


def get_model(reader: ContextReader, data_dir: Path = DATA_DIR, cache_dir: Path = CACHE_DIR) -> Optional[RecallModel]:
    """The model for the data at `data_dir`, loaded once per process: from the cache, else trained
    now and cached. None when there is no training data (the patterns then decide alone). Like the
    Rasa model, a change of the training data or the patterns shows after a restart."""
    if data_dir in _models:
        return _models[data_dir]
    with _lock:
        if data_dir not in _models:
            _models[data_dir] = _load_or_train(training_files(data_dir), cache_dir, reader)
    return _models[data_dir]


def _load_or_train(files: list[Path], cache_dir: Path, reader: ContextReader) -> Optional[RecallModel]:
    if not files:
        return None
    path = cache_dir / f"redflags-recall-{fingerprint(files, sources=reader.sources())}.npz"
    if path.exists():
        return RecallModel.load(path)
    logger.info("Training the red-flag recall layer on %d files", len(files))
    model = train(load_examples(files), context_text=reader.context_text)
    model.save(path)
    for old in cache_dir.glob("redflags-recall-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
    return model
