"""A generator of labelled person files that vary the way real registries do.

People live in households: siblings share father, grandfather, family name and often a phone,
and have different first names and birth dates; they are different people and a good linker
keeps them apart. Each person then appears in one or more source records (police, hospital,
shelter…), and each record writes the person differently:

* Arabic spelling: hamza forms dropped (أحمد/احمد), taa marbuta as haa, alef maqsura as yaa,
  diacritics, tatweel, Persian keyboard letters, compounds split or joined (عبد الله/عبدالله),
  بن/بنت inserted in a full name, the family article ال dropped, آل written apart;
* Latin script (about a quarter of records): Mohammed/Muhammad/Mohamed/Mohd, Abdullah/Abdulla/
  Abd Allah, Al-/El-/no article, ou/u, ee/i, e/a, doubled or single consonants;
* first and family swapped, father or grandfather left out, the name as one full-name string,
  a one-letter typo;
* national ID missing or with one digit mistyped; date of birth missing, year only, or a year
  off; phone missing or written with a country code; sex missing.

Name frequencies are Zipf-like over a few hundred first names per sex and about a thousand
family names (see ``synthetic_names``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sanad.people.synthetic_names import FAMILY, FAMILY_PATTERNS, FEMALE_FIRST, MALE_FIRST, parse_entries

Name = tuple[str, str]  # (Arabic, romanisation)
COLUMNS = (
    "record_id",
    "sex",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "full_name",
    "dob",
    "national_id",
    "phone",
)
_HARAKAT = ("\u064e", "\u064f", "\u0650", "\u0651", "\u0652")
_SUN = ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")
_MUHAMMAD = ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Mohd", "Muhammed", "Mohamad")
_ABDULLAH = ("Abdullah", "Abdulla", "Abdallah", "Abd Allah", "Abdalla")


@dataclass(frozen=True, slots=True)
class Person:
    person_id: int
    sex: str
    first: Name
    father: Name
    grandfather: Name
    family: Name
    dob: dt.date
    national_id: str
    phone: str


def _family_names() -> list[Name]:
    names = parse_entries(FAMILY)
    seen = {a for a, _ in names}
    for arabic, latin in parse_entries(MALE_FIRST):
        for ar_pattern, lat_pattern in FAMILY_PATTERNS:
            candidate = (ar_pattern.format(arabic), lat_pattern.format(latin))
            if candidate[0] not in seen:
                seen.add(candidate[0])
                names.append(candidate)
    return names


class _Zipf:
    """Draws list entries with probability ∝ 1 / rank^exponent."""

    def __init__(self, items: list[Name], exponent: float, rng: np.random.Generator) -> None:
        weights = 1.0 / np.arange(1, len(items) + 1) ** exponent
        self.items, self.cumulative, self.rng = items, np.cumsum(weights / weights.sum()), rng

    def draw(self) -> Name:
        return self.items[min(int(np.searchsorted(self.cumulative, self.rng.random())), len(self.items) - 1)]


# --- Spelling variation -------------------------------------------------------------------


def _arabic_variant(text: str, rng: np.random.Generator, *, family: bool) -> str:
    if rng.random() < 0.35:
        text = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    if rng.random() < 0.3:
        text = text[:-1] + "ه" if text.endswith("ة") else text
    if rng.random() < 0.3:
        text = text[:-1] + "ي" if text.endswith("ى") else text[:-1] + "ى" if text.endswith("ي") else text
    if rng.random() < 0.2:
        text = text.replace("ئ", "ي")
    if rng.random() < 0.2 and text.endswith("اء"):
        text = text[:-1]
    if text.startswith("عبد"):
        text = "عبد " + text[3:].lstrip() if rng.random() < 0.5 else text.replace("عبد ", "عبد")
    if " الدين" in text and rng.random() < 0.4:
        text = text.replace(" الدين", "الدين")
    if family:
        if text.startswith("ال") and rng.random() < 0.2:
            text = text[2:]
        elif text.startswith("آل ") and rng.random() < 0.3:
            text = "آل" + text[3:] if rng.random() < 0.5 else "ال" + text[3:]
        elif text.startswith("ال") and rng.random() < 0.05:
            text = "آل " + text[2:]
    if rng.random() < 0.03:
        text = text.replace("ي", "ی").replace("ك", "ک")
    if rng.random() < 0.08:
        chars = list(text)
        for _ in range(int(rng.integers(1, 4))):
            pos = int(rng.integers(1, len(chars) + 1))
            chars.insert(pos, _HARAKAT[int(rng.integers(len(_HARAKAT)))])
        text = "".join(chars)
    if rng.random() < 0.04 and len(text) > 2:
        pos = int(rng.integers(1, len(text) - 1))
        text = text[:pos] + "ـ" * int(rng.integers(1, 4)) + text[pos:]
    return text


def _latin_word(word: str, rng: np.random.Generator) -> str:
    if word == "muhammad":
        return _MUHAMMAD[int(rng.integers(len(_MUHAMMAD)))]
    if rng.random() < 0.5:
        word = word.replace("u", "o") if rng.random() < 0.6 else word.replace("u", "ou")
    if rng.random() < 0.4:
        word = word.replace("i", "ee") if rng.random() < 0.5 else word.replace("i", "e")
    if rng.random() < 0.35 and len(word) > 3:
        # ahmad → ahmed: the last a before a final consonant is often written e.
        last_a = word.rfind("a", 0, len(word) - 1)
        if last_a > 0:
            word = word[:last_a] + "e" + word[last_a + 1 :]
    if rng.random() < 0.3:
        word = word.replace("ay", "ai") if rng.random() < 0.5 else word.replace("ay", "ei")
    if rng.random() < 0.3 and word.endswith("a"):
        word += "h"
    if rng.random() < 0.3:
        for double in ("mm", "ss", "dd", "rr", "nn", "ll", "bb", "zz", "ww", "yy", "tt"):
            word = word.replace(double, double[0])
    if rng.random() < 0.1:
        word = word.replace("q", "k")
    if rng.random() < 0.04:
        word = word.replace("j", "g")
    return word.capitalize()


def _latin_variant(latin: str, rng: np.random.Generator, *, family: bool) -> str:
    if latin == "abd allah":
        return _ABDULLAH[int(rng.integers(len(_ABDULLAH)))]
    if latin.startswith("abd al-"):
        rest = latin[len("abd al-") :]
        sun = next((s for s in _SUN if rest.startswith(s)), None)
        styles = ["Abdul {}", "Abdul{}", "Abd al-{}", "Abdel {}", "Abd Al {}"]
        if sun:
            styles += [f"Abd {sun}-{{}}", f"Abdu{sun} {{}}"]
        style = styles[int(rng.integers(len(styles)))]
        word = _latin_word(rest, rng)
        return style.format(word if "{} " in style or style.endswith(" {}") or "-{}" in style else word.lower())
    if latin.startswith(("al-", "al ")):
        rest = (
            _latin_word(latin[3:], rng)
            if " " not in latin[3:]
            else " ".join(_latin_word(w, rng) for w in latin[3:].split())
        )
        articles = ["Al-", "Al ", "El-", "Al", "al-", ""] if family else ["Al-", "Al ", "El-"]
        article = articles[int(rng.integers(len(articles)))]
        return article + (rest.lower() if article == "Al" else rest)
    return " ".join(_latin_word(w, rng) for w in latin.split())


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4:
        return text
    pos = int(rng.integers(1, len(text) - 1))
    if rng.random() < 0.5:
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + text[pos] + text[pos:]


# --- People and records -------------------------------------------------------------------


def generate_people(*, count: int, rng: np.random.Generator) -> list[Person]:
    """Households of siblings until ``count`` people exist."""
    males, females, families = parse_entries(MALE_FIRST), parse_entries(FEMALE_FIRST), _family_names()
    male_draw, female_draw = _Zipf(males, 0.9, rng), _Zipf(females, 0.9, rng)
    family_draw = _Zipf(families, 0.75, rng)
    people: list[Person] = []
    used_ids: set[str] = set()
    while len(people) < count:
        family, father, grandfather = family_draw.draw(), male_draw.draw(), male_draw.draw()
        household_phone = f"3{rng.integers(0, 10**7):07d}"
        year = int(rng.integers(1950, 2020))
        taken: set[str] = set()
        for _ in range(int(rng.choice([1, 2, 3, 4], p=[0.45, 0.3, 0.17, 0.08]))):
            sex = "m" if rng.random() < 0.5 else "f"
            first = (male_draw if sex == "m" else female_draw).draw()
            while first[0] in taken:
                first = (male_draw if sex == "m" else female_draw).draw()
            taken.add(first[0])
            dob = dt.date(min(year, 2024), 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
            year += int(rng.integers(2, 5))  # the next sibling is born 2–4 years later
            national_id = ""
            if rng.random() < 0.9:
                national_id = f"{rng.integers(10**8, 10**9 - 1):09d}"
                while national_id in used_ids:
                    national_id = f"{rng.integers(10**8, 10**9 - 1):09d}"
                used_ids.add(national_id)
            phone = household_phone if rng.random() < 0.3 else f"3{rng.integers(0, 10**7):07d}"
            people.append(Person(len(people), sex, first, father, grandfather, family, dob, national_id, phone))
    return people[:count]


def _record_for(person: Person, record_id: str, rng: np.random.Generator) -> tuple[dict[str, str], bool]:
    """One source's row for a person, and whether it was written in Latin script."""
    latin = rng.random() < 0.25

    def spell(name: Name, *, family: bool = False) -> str:
        text = _latin_variant(name[1], rng, family=family) if latin else _arabic_variant(name[0], rng, family=family)
        return _typo(text, rng) if rng.random() < 0.02 else text

    first, family = spell(person.first), spell(person.family, family=True)
    father = spell(person.father) if rng.random() < 0.92 else ""
    grandfather = spell(person.grandfather) if rng.random() < 0.7 and father else ""
    row = dict.fromkeys(COLUMNS, "")
    row["record_id"] = record_id
    row["sex"] = person.sex if rng.random() < 0.9 else ""
    if rng.random() < 0.4:
        particle = ("bin" if person.sex == "m" else "bint") if latin else ("بن" if person.sex == "m" else "بنت")
        chain = [first]
        if father:
            chain += [particle, father] if rng.random() < 0.3 else [father]
        chain += [grandfather] if grandfather else []
        row["full_name"] = " ".join([*chain, family])
    else:
        if rng.random() < 0.03:
            first, family = family, first  # a clerk typed them into the wrong boxes
        row.update(first_name=first, father_name=father, grandfather_name=grandfather, family_name=family)
    row["dob"] = _dob_text(person.dob, rng)
    if person.national_id and rng.random() < 0.75:
        row["national_id"] = _mistype(person.national_id, rng) if rng.random() < 0.03 else person.national_id
    if rng.random() < 0.6:
        style = rng.random()
        row["phone"] = (
            person.phone
            if style < 0.6
            else f"+973 {person.phone[:4]} {person.phone[4:]}"
            if style < 0.85
            else f"00973{person.phone}"
        )
    return row, latin


def _dob_text(dob: dt.date, rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.15:
        return ""
    if roll < 0.27:
        return str(dob.year)  # only the year is known
    if roll < 0.32:
        return str(dob.year + (1 if rng.random() < 0.5 else -1))  # an age given at the wrong time of year
    return dob.strftime("%d/%m/%Y") if roll < 0.5 else dob.isoformat()


def _mistype(national_id: str, rng: np.random.Generator) -> str:
    pos = int(rng.integers(len(national_id)))
    digit = str((int(national_id[pos]) + int(rng.integers(1, 10))) % 10)
    return national_id[:pos] + digit + national_id[pos + 1 :]


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    rows: list[dict[str, str]]
    truth: list[tuple[str, int, str]]  # (record_id, person_id, "ar" or "latin")


def generate_records(*, records: int, seed: int) -> GeneratedFile:
    """``records`` rows about roughly 0.55 × ``records`` people, in shuffled order."""
    rng = np.random.default_rng(seed)
    people = generate_people(count=max(1, int(records * 0.56)), rng=rng)
    copies = np.minimum(1 + rng.geometric(0.55, size=len(people)) - 1, 8)
    planned = [p for p, c in zip(people, copies, strict=True) for _ in range(int(c))]
    order = rng.permutation(len(planned))[:records]
    rows, truth = [], []
    for n, index in enumerate(order.tolist()):
        person = planned[index]
        record_id = f"R{n + 1:07d}"
        row, latin = _record_for(person, record_id, rng)
        rows.append(row)
        truth.append((record_id, person.person_id, "latin" if latin else "ar"))
    return GeneratedFile(rows=rows, truth=truth)


def write_generated_file(generated: GeneratedFile, *, output: Path, truth: Path | None) -> None:
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generated.rows)
    if truth is not None:
        with truth.open("w", encoding="utf-8", newline="") as handle:
            writer_t = csv.writer(handle)
            writer_t.writerow(["record_id", "person_id", "script"])
            writer_t.writerows(generated.truth)
