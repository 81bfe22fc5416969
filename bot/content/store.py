"""The content store: texts by id, as chat messages with placeholders filled, and the regions.

Each text file is reloaded on its own (through `Reloading`), so a broken file keeps only its own
last good version while edits to the others show on the next request.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from bot.content.markdown import chat_messages
from bot.content.placeholders import fill, static_defaults
from bot.content.regions import Region, laegevagt_list, parse_regions
from bot.content.texts import ID_RE, Text, parse_text
from bot.reloading import ContentError, Reloading
from bot.settings import get_settings

TEXTS_DIR = "da"
REGIONS_FILE = "regions.yml"


class Store:
    """Texts from `<content_dir>/da/<id>.md` and regions from `<content_dir>/regions.yml`.

    `messages(id)[0]` is the opening message; `messages(id)[1:]` is what a "Læs mere" button
    shows. Escalation texts are short and are meant to be sent whole.
    """

    def __init__(self, content_dir: Path):
        self.content_dir = Path(content_dir)
        self.texts_dir = self.content_dir / TEXTS_DIR
        self._texts: dict[str, Reloading[Text]] = {}
        self._texts_lock = threading.Lock()
        regions_path = self.content_dir / REGIONS_FILE
        self._regions = Reloading(lambda: [regions_path], lambda files: parse_regions(files[0]))

    def ids(self) -> list[str]:
        """The ids of the text files present now, sorted."""
        return sorted(path.stem for path in self.texts_dir.glob("*.md"))

    def text(self, text_id: str) -> Text:
        """The last good version of a text; `ContentError` if it never loaded or does not exist."""
        return self._reloading(text_id).get()

    def messages(self, text_id: str, values: Optional[Mapping[str, object]] = None) -> list[str]:
        """The text's body as chat messages (Markdown subset), placeholders filled from `values`."""
        defaults = self.placeholder_defaults()
        return [fill(message, values, defaults) for message in chat_messages(self.text(text_id).body)]


    def regions(self) -> dict[str, Region]:
        """Region key -> Region(name, phone of the lægevagt), in the order of regions.yml."""
        return self._regions.get()

    def clinic_values(
        self, name: Optional[str] = None, phone: Optional[str] = None, region: Optional[str] = None
    ) -> dict[str, str]:
        """Placeholder values for a clinic (e.g. the widget's metadata); unknown parts are left out,
        so their defaults apply."""
        values = {}
        if name and name.strip():
            values["klinik"] = name
        if phone and phone.strip():
            values["klinik_telefon"] = phone
        key = (region or "").strip().lower()
        if key:
            known = self._regions_or_none()
            if known and key in known:
                values["laegevagt"] = known[key].phone
        return values

    def placeholder_defaults(self) -> dict[str, str]:
        """What each placeholder says when no value is given; never fails."""
        defaults = static_defaults()
        regions = self._regions_or_none()
        if regions:
            defaults["laegevagt"] = laegevagt_list(regions)
        return defaults

    def _regions_or_none(self) -> Optional[dict[str, Region]]:
        try:
            return self.regions()
        except Exception:  # never loaded (Reloading logged why): the static default still helps
            return None

    def _reloading(self, text_id: str) -> Reloading[Text]:
        reloading = self._texts.get(text_id)
        if reloading is not None:
            return reloading
        if not ID_RE.match(text_id or ""):
            raise ContentError(f"Ugyldigt tekst-id: {text_id!r}")
        path = self.texts_dir / f"{text_id}.md"
        if not path.is_file():
            raise ContentError(f"Teksten '{text_id}' findes ikke ({path}).")
        with self._texts_lock:
            return self._texts.setdefault(text_id, Reloading(lambda: [path], lambda files: parse_text(files[0])))


@lru_cache(maxsize=1)
def get_store() -> Store:
    """The one store of this process, on the content folder from the settings."""
    return Store(get_settings().content_dir)
