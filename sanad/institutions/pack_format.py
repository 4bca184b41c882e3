"""Reading a country pack file: YAML whose every mapping remembers the line it started on.

A pack is refused whole with the file, line and reason of every problem, so the reader keeps
line numbers and the validators collect problems instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class Node(dict[str, Any]):
    """A mapping from the pack, with the (1-based) line where it starts."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Node:  # type: ignore[override]
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {sorted(map(str, duplicates))[0]!r}", node.start_mark
            )
        mapping = Node(super().construct_mapping(node, deep=True))  # type: ignore[arg-type]
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class PackRefused(Exception):
    """The pack was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class PackReader:
    """Collects problems while validators walk the pack."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node: Any, reason: str) -> None:
        self.problems.append(Problem(self.file, getattr(node, "line", 0), reason))

    def require(self, node: Node, *names: str) -> bool:
        ok = True
        for name in names:
            value = node.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.problem(node, f"missing field '{name}'")
                ok = False
        return ok

    def mappings(self, node: Node, key: str) -> list[Node]:
        """The list under ``key``, keeping only mappings (others are reported)."""
        items = node.get(key) or []
        if not isinstance(items, list):
            self.problem(node, f"'{key}' must be a list")
            return []
        good = []
        for item in items:
            if isinstance(item, Node):
                good.append(item)
            else:
                self.problem(node, f"each entry of '{key}' must be a mapping, got {item!r}")
        return good


def read_pack(path: Path) -> Node:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackRefused([Problem(str(path), 0, f"not UTF-8: {exc.reason} at byte {exc.start}")]) from exc
    except OSError as exc:
        raise PackRefused([Problem(str(path), 0, f"cannot read: {exc.strerror}")]) from exc
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(exc, "problem", None) or str(exc)
        raise PackRefused([Problem(str(path), line, f"not valid YAML: {reason}")]) from exc
    if not isinstance(data, Node):
        raise PackRefused([Problem(str(path), 1, "a pack must be a mapping of sections")])
    return data
