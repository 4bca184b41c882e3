"""Risk instruments as data (``data/<code>.yaml``): items, score bands, and the level they give."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

from sanad.cases.models import RiskLevel

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Item:
    code: str
    ar: str
    en: str

    @property
    def text(self) -> str:
        return self.en if (get_language() or "ar").startswith("en") else self.ar


@dataclass(frozen=True)
class Instrument:
    code: str
    name_ar: str
    name_en: str
    items: tuple[Item, ...]
    high: int
    medium: int

    def score(self, answers: dict[str, bool]) -> int:
        return sum(1 for item in self.items if answers.get(item.code))

    def level_for(self, score: int) -> str:
        if score >= self.high:
            return RiskLevel.HIGH
        if score >= self.medium:
            return RiskLevel.MEDIUM
        return RiskLevel.STANDARD


@cache
def instrument(code: str = "dash") -> Instrument:
    if not code.isidentifier():
        raise KeyError(code)
    path = DATA_DIR / f"{code}.yaml"
    if not path.is_file():
        raise KeyError(code)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Instrument(
        code=raw["code"],
        name_ar=raw["name_ar"],
        name_en=raw["name_en"],
        items=tuple(Item(code=i["code"], ar=i["ar"], en=i["en"]) for i in raw["items"]),
        high=int(raw["bands"]["high"]),
        medium=int(raw["bands"]["medium"]),
    )
