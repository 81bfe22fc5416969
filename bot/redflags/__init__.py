"""The red-flag detector: `detect(text)` -> `Detection` (flags, negated, level, matches).

Patterns and questions live in content/redflags.yml, language rules in content/redflags-language.yml.
"""

from bot.redflags.catalogue import Catalogue, Category, get_catalogue, parse_catalogue
from bot.redflags.detector import Detection, Detector, Match, detect

__all__ = ["Catalogue", "Category", "Detection", "Detector", "Match", "detect", "get_catalogue", "parse_catalogue"]
