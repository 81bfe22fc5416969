"""The content team's texts as the bot uses them: `get_store()` and the types it returns."""

from bot.content.regions import Region
from bot.content.store import Store, get_store
from bot.content.texts import Source, Text
from bot.reloading import ContentError

__all__ = ["ContentError", "Region", "Source", "Store", "Text", "get_store"]
