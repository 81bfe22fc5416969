"""YAML as content editors write it: every string keeps the line it stands on, so a message about a
mistake can name the line. One loader for the red-flag catalogue, the texts and the regions."""

from __future__ import annotations

from typing import Any, Optional

import yaml


class LineStr(str):
    """A YAML string (a key or a value) that knows its line in the YAML text, from 1."""

    line = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> LineStr:
    value = LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def load(text: str) -> Any:
    """Parse `text` like yaml.safe_load, with every string a `LineStr`. Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader


def line_of(value: Any, default: int = 0) -> int:
    """The line a loaded string stands on, `default` for anything else."""
    return getattr(value, "line", default) or default


def error_line(error: yaml.YAMLError) -> Optional[int]:
    """The line (from 1) a parse error points at, when it says."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else None


def error_problem(error: yaml.YAMLError) -> str:
    """What the parser found wrong, or a plain "ugyldig YAML"."""
    return getattr(error, "problem", None) or "ugyldig YAML"
