"""Keep the last good parse of a set of files, re-parsing when any of them changes on disk.

Editors change `content/` while the bot runs: a change shows on the next request, and a broken
file never takes the bot down, because the last good version stays in use.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, Generic, Iterable, Optional, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

Fingerprint = tuple[tuple[str, int, int], ...]


class ContentError(Exception):
    """A content file is invalid; the message says, in Danish, where and what to fix."""


class Reloading(Generic[T]):
    """The parsed value of some files, reloaded when their size or mtime changes.

    `list_files` returns the files to watch (called on every check, so new files are seen);
    `parse` turns them into a value or raises. A failed parse keeps the previous value and logs
    the error once per change; `last_error` holds it for tools that want to show it.
    """

    def __init__(self, list_files: Callable[[], Iterable[Path]], parse: Callable[[list[Path]], T]):
        self._list_files = list_files
        self._parse = parse
        self._lock = threading.Lock()
        self._fingerprint: Optional[Fingerprint] = None
        self._value: Optional[T] = None
        self.last_error: Optional[Exception] = None

    def get(self) -> T:
        """Return the current value; raises only when no version has ever parsed."""
        files = sorted(self._list_files())
        fingerprint = _fingerprint(files)
        if fingerprint != self._fingerprint:
            with self._lock:
                if fingerprint != self._fingerprint:
                    self._reload(files, fingerprint)
        if self._value is None:
            raise self.last_error or ContentError("Intet indhold kunne indlæses.")
        return self._value

    def _reload(self, files: list[Path], fingerprint: Fingerprint) -> None:
        try:
            self._value = self._parse(files)
            self.last_error = None
        except Exception as error:  # a broken file must not take the bot down
            self.last_error = error
            logger.error("Content not reloaded, keeping the last good version: %s", error)
        self._fingerprint = fingerprint


def _fingerprint(files: list[Path]) -> Fingerprint:
    entries = []
    for path in files:
        try:
            stat = path.stat()
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            entries.append((str(path), -1, -1))
    return tuple(entries)
