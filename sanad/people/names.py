"""Normalisation of Arabic and Latin-script Arabic person names, and a cross-script phonetic key.

Every rule is one small function so it can be tested (and argued about) on its own. The
pipeline for one name field is::

    text ─► Unicode NFKC ─► Arabic-Indic digits ─► marks & tatweel removed ─► letters folded
         ─► tokens ─► compounds joined ─► particles dropped ─► (family) article stripped

Arabic letter and mark rules
    * ``fold_alef``: the hamza-carrying and madda alefs أ إ آ ٱ ٲ ٳ become bare ا.
    * ``fold_hamza``: ؤ → و and ئ → ي (the seat letter survives), a standalone ء is dropped
      (ضياء = ضيا, "Diya").
    * ``fold_taa_marbuta``: ة → ه (فاطمة = فاطمه).
    * ``fold_alef_maqsura``: ى → ي (مصطفى = مصطفي).
    * ``fold_persian_letters``: Persian/Urdu forms typed on non-Arabic keyboards: ک → ك, ی → ي,
      گ → ك, پ → ب, چ → ج, ژ → ز, ڤ → ف.
    * ``strip_marks``: harakat, tanween, shadda, sukun, dagger alef, Quranic marks and tatweel (ـ).
    * ``normalise_digits``: Arabic-Indic ٠-٩ and Eastern ۰-۹ digits → 0-9.

Token rules (both scripts)
    * ``join_compounds``: a name that is written as two words is one name. عبد + X and ابو + X
      are joined (عبد الله = عبدالله); X + الله and X + الدين are joined (نصر الله, نور الدين).
      Latin: abd/abdul/abdel/abdur… + X, abu/abou + X, X + allah/ullah, X + eddin/uddin/al-din.
    * ``drop_particles``: the lineage particles بن ابن بنت (bin, ibn, ben, bint, binti) say
      "son/daughter of" and are not part of the chain.
    * ``strip_article``: the family-name article is separable: الخليفة = آل خليفة = خليفة,
      Al-Khalifa = El Khalifa = Khalifa. Only applied to family names (الياس is a first name),
      and only when at least three letters remain.

Latin rules (``normalise_latin_token``)
    Lower case and accents removed; apostrophes (used for ع and ء) dropped; the abbreviations
    Mohd/Mhd/Md → muhammad; the compound article after "abd" made canonical (Abdul Rahman,
    Abdel Rahman, Abd ar-Rahman, Abdurrahman → abdalrahman); ou/oo → u, ee → i; doubled letters
    collapsed (Mohammed = Mohamed); a final h after a vowel dropped (Fatimah = Fatima).

Cross-script key (``name_key``)
    A consonant skeleton in the spirit of Soundex, built so that an Arabic spelling and its
    usual Latin transliterations give the same key: محمد, Mohammed, Muhammad, Mohamed, Mohd → MHMD.
    Consonants map to classes shared by both scripts (ب/b/p→B, ت ث ط/t/th→T, ج/j/g→J, ح ه/h→H,
    خ/kh→X, د ذ ض ظ/d/dh→D, ر/r→R, ز/z→Z, س ص/s→S, ش/sh/ch→C, غ/gh→G, ف/f/v/ph→F, ق ك/q/k/c→K,
    ل/l→L, م/m→M, n/ن→N). Vowels are dropped because Arabic does not write short vowels: ا ع ء
    and a e i o u, and و ي / w y unless they start the name (وليد = Walid → WLD, but يوسف =
    Yousef → YSF). A final H is dropped (Latin cannot tell ح from ه/ة: صالح = Saleh), then
    repeated classes are collapsed. The key is deliberately coarse (محمود and محمد share MHMD);
    it is a blocking key and one agreement level, never the only evidence.

Name chain (``parse_name_chain``)
    Arabic names are chains: first, father, grandfather, family. After compounds are joined and
    particles dropped: 1 token → first; 2 → first, family; 3 → first, father, family; 4 → first,
    father, grandfather, family; 5 or more → first, father, grandfather, family = last token (the
    great-grandfathers in between are not kept).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- Arabic letters and marks -------------------------------------------------------------

_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا"})
_HAMZA_SEATS = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None})
_TAA_MARBUTA = str.maketrans({"ة": "ه"})
_ALEF_MAQSURA = str.maketrans({"ى": "ي"})
_PERSIAN = str.maketrans({"ک": "ك", "ی": "ي", "ې": "ي", "گ": "ك", "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف"})
_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
# Harakat and tanween (064B-065F), dagger alef (0670), Quranic annotation marks, and tatweel.
_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_ARABIC_LETTER_RE = re.compile("[\u0600-\u06ff]")


def fold_alef(text: str, /) -> str:
    """أ إ آ ٱ (and the rarer wavy-hamza alefs) → ا."""
    return text.translate(_ALEF_FORMS)


def fold_hamza(text: str, /) -> str:
    """ؤ → و, ئ → ي, standalone ء dropped: writers disagree on whether and where hamza is written."""
    return text.translate(_HAMZA_SEATS)


def fold_taa_marbuta(text: str, /) -> str:
    """ة → ه: the two are written interchangeably at the end of a name."""
    return text.translate(_TAA_MARBUTA)


def fold_alef_maqsura(text: str, /) -> str:
    """ى → ي: Egyptian and Gulf hands write final ya without dots and vice versa."""
    return text.translate(_ALEF_MAQSURA)


def fold_persian_letters(text: str, /) -> str:
    """Persian/Urdu keyboard letters to their Arabic counterparts (ک → ك, ی → ي, …)."""
    return text.translate(_PERSIAN)


def strip_marks(text: str, /) -> str:
    """Remove harakat, tanween, shadda, sukun, the dagger alef, Quranic marks and tatweel."""
    return _MARKS_RE.sub("", text)


def normalise_digits(text: str, /) -> str:
    """Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits → ASCII 0-9."""
    return text.translate(_DIGITS)


def is_arabic(text: str, /) -> bool:
    """True when the text holds at least one Arabic-block letter."""
    return _ARABIC_LETTER_RE.search(text) is not None


def normalise_arabic_text(text: str, /) -> str:
    """Apply every Arabic letter and mark rule, NFKC first so presentation forms (ﻻ, ﷲ) unfold."""
    text = unicodedata.normalize("NFKC", text)
    text = normalise_digits(text)
    text = strip_marks(text)
    for fold in (fold_persian_letters, fold_alef, fold_hamza, fold_taa_marbuta, fold_alef_maqsura):
        text = fold(text)
    return text


# --- Latin script -------------------------------------------------------------------------

_LATIN_ABBREVIATIONS = {
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mhd": "muhammad",
    "md": "muhammad",
    "mohd.": "muhammad",
}
# After "abd", any short vowel + (article or assimilated article) is the same "al".
_ABD_ARTICLE_RE = re.compile(r"^abd(?:[aeiou](?:l|r|s|d|t|n|z|sh)?)?-?")
_DIN_SUFFIX_RE = re.compile(r"(?:[aeiou][ld]?)?-?d(?:i|ee|e)ne?$")
_FINAL_H_AFTER_VOWEL_RE = re.compile(r"(?<=[aeiou])h$")
_DOUBLED_RE = re.compile(r"([a-z])\1+")


def strip_accents(text: str, /) -> str:
    """Latin accents removed (Abdülaziz, Ḥasan → abdulaziz, hasan), case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def canonical_abd_compound(token: str, /) -> str:
    """abdul-rahman, abdel rahman, abdurrahman, abd al rahman, abdallah → abdal + rest."""
    if not token.startswith("abd") or len(token) <= 4:
        return token
    rest = _ABD_ARTICLE_RE.sub("", token, count=1)
    # "abdallah"/"abdullah": the article ate the first l of "llah"; the rest already starts with l.
    return "abdal" + rest if rest else token


def canonical_din_suffix(token: str, /) -> str:
    """nureddin, nuruddin, nur al-din, noureldeen → nuraldin."""
    if len(token) > 5 and _DIN_SUFFIX_RE.search(token):
        return _DIN_SUFFIX_RE.sub("aldin", token)
    return token


def normalise_latin_token(token: str, /) -> str:
    """One Latin token to its comparison form (see the module docstring for each step)."""
    token = strip_accents(token)
    token = re.sub(r"[^a-z.]", "", token)
    token = _LATIN_ABBREVIATIONS.get(token, token).replace(".", "")
    token = token.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    token = canonical_abd_compound(token)
    token = canonical_din_suffix(token)
    token = _DOUBLED_RE.sub(r"\1", token)
    return _FINAL_H_AFTER_VOWEL_RE.sub("", token)


# --- Tokens: compounds, particles, article ------------------------------------------------

_AR_PREFIXES = {"عبد", "ابو"}
_AR_SUFFIXES = {"الله", "الدين", "الرحمن"}
_AR_PARTICLES = {"بن", "ابن", "بنت"}
_AR_ARTICLES = {"ال"}  # آل folds to ال
_LAT_PREFIXES = {"abd", "abdul", "abdel", "abdal", "abdu", "abdur", "abdus", "abdol", "abu", "abou", "abo", "aboo"}
_LAT_SUFFIXES = {"allah", "ullah", "illah", "alla", "ulla", "aldin", "eldin", "eddin", "uddin", "addin", "din", "deen"}
_LAT_PARTICLES = {"bin", "ibn", "ben", "bint", "binti", "bent"}
_LAT_ARTICLES = {"al", "el", "ul", "aal", "ar", "as", "ad", "an", "at", "az", "ash"}


def join_compounds(tokens: list[str], /) -> list[str]:
    """Join two-word names into one token.

    عبد الله → عبدالله, ابو بكر → ابوبكر, نور الدين → نورالدين, ال خليفة → الخليفه; Latin
    abd al rahman → abdalrahman, nur al din → nuraldin. A separate Latin article is kept with
    a hyphen (al khalifa → al-khalifa) so ``strip_article`` can still see it.
    """
    out: list[str] = []
    pending = list(tokens)
    while pending:
        token = pending.pop(0)
        if pending and (token in _AR_PREFIXES or token in _AR_ARTICLES or _is_latin_prefix(token)):
            pending[0] = token + pending[0]
            continue  # the joined token may itself take a suffix (عبد ال رحمن)
        if pending and token in _LAT_ARTICLES and pending[0] not in _LAT_PARTICLES:
            pending[0] = f"{token}-{pending[0]}"
            continue
        if out and (token in _AR_SUFFIXES or token in _LAT_SUFFIXES or _is_latin_din(token)):
            out[-1] += token.replace("-", "")
        else:
            out.append(token)
    return out


def _is_latin_prefix(token: str) -> bool:
    """abd, abdul, abu… or abd followed by a (possibly assimilated) article: abdar, abdas."""
    return token in _LAT_PREFIXES or (token.startswith("abd") and token[3:] in _LAT_ARTICLES)


def _is_latin_din(token: str) -> bool:
    """al-din / ed-din written with the article kept as a separate word."""
    return token.replace("-", "") in _LAT_SUFFIXES and "-" in token


def drop_particles(tokens: list[str], /) -> list[str]:
    """Drop بن / ابن / بنت and bin / ibn / ben / bint: they link the chain, they are not names."""
    return [t for t in tokens if t not in _AR_PARTICLES and t not in _LAT_PARTICLES]


_LAT_ARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|ul|aal|a[rsdtnz]|ash)-")
# "Alkhalifa" written as one word: strip al/el only before a consonant, so Alawi stays Alawi.
_LAT_JOINED_ARTICLE_RE = re.compile(r"^(?:al|el)(?=[^aeiou\-])")


def strip_article(token: str, /) -> str:
    """Family-name article: ال/آل, al-/el-/ar-…, or al/el glued before a consonant; ≥ 3 letters must remain."""
    if token.startswith("ال") and len(token) - 2 >= 3:
        return token[2:]
    match = _LAT_ARTICLE_PREFIX_RE.match(token) or _LAT_JOINED_ARTICLE_RE.match(token)
    if match and len(token) - match.end() >= 3:
        return token[match.end() :]
    return token


@lru_cache(maxsize=100_000)
def _word_pieces(word: str, /) -> tuple[str, ...]:
    """One space-separated word, letter-normalised and split on hyphens and the like.

    Every step before compound joining works within a word, so it is done (and cached) per
    word: a million full names are mostly distinct strings but are made of a few thousand words.
    """
    text = normalise_arabic_text(word)
    # Hyphens and apostrophes separate words (Al-Khalifa, Abd-al-Rahman) or mark ع/ء (Sa'id).
    text = re.sub(r"[-_,./()]+", " ", text)
    text = re.sub(r"['`’‘ʿʾ]+", "", text)
    return tuple(t if is_arabic(t) else strip_accents(t) for t in text.split())


@lru_cache(maxsize=100_000)
def _token_form(token: str, /) -> str:
    """A joined token's final comparison form (letters only; Latin spelling rules applied)."""
    if is_arabic(token):
        return re.sub("[^\u0621-\u064a]", "", token)
    return "-".join(normalise_latin_token(part) for part in token.split("-"))


@lru_cache(maxsize=200_000)
def name_tokens(text: str, /) -> tuple[str, ...]:
    """The normalised tokens of a name string (either script), compounds joined, particles dropped."""
    raw = [piece for word in text.split() for piece in _word_pieces(word)]
    out: list[str] = []
    for token in drop_particles(join_compounds([t for t in raw if t])):
        token = _token_form(token)
        if token.strip("-"):
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=200_000)
def normalise_given_name(text: str, /) -> str:
    """A first, father or grandfather name to its comparison form; several tokens are concatenated."""
    return "".join(t.replace("-", "") for t in name_tokens(text))


@lru_cache(maxsize=200_000)
def normalise_family_name(text: str, /) -> str:
    """A family name to its comparison form: the article is stripped from the first token."""
    tokens = list(name_tokens(text))
    if not tokens:
        return ""
    tokens[0] = strip_article(tokens[0])
    return "".join(t.replace("-", "") for t in tokens)


# --- Cross-script key ---------------------------------------------------------------------

_AR_CLASS = {
    "ب": "B",
    "ت": "T",
    "ث": "T",
    "ط": "T",
    "ج": "J",
    "ح": "H",
    "ه": "H",
    "خ": "X",
    "د": "D",
    "ذ": "D",
    "ض": "D",
    "ظ": "D",
    "ر": "R",
    "ز": "Z",
    "س": "S",
    "ص": "S",
    "ش": "C",
    "غ": "G",
    "ف": "F",
    "ق": "K",
    "ك": "K",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "و": "W",
    "ي": "Y",
}  # ا ع ء (and anything else) are vowels here
_LAT_DIGRAPHS = (("kh", "X"), ("gh", "G"), ("sh", "C"), ("ch", "C"), ("th", "T"), ("dh", "D"), ("ph", "F"), ("ck", "K"))
_LAT_CLASS = {
    "b": "B",
    "p": "B",
    "t": "T",
    "j": "J",
    "g": "J",
    "h": "H",
    "d": "D",
    "r": "R",
    "z": "Z",
    "s": "S",
    "f": "F",
    "v": "F",
    "q": "K",
    "k": "K",
    "c": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "w": "W",
    "y": "Y",
    "x": "KS",
}


def _skeleton(classes: list[str]) -> str:
    """Semi-vowels W/Y count only at the start; a final H goes; runs of one class collapse."""
    kept = [c for pos, c in enumerate(classes) if c and (pos == 0 or c not in ("W", "Y"))]
    out: list[str] = []
    for c in kept:
        if not out or out[-1] != c:
            out.append(c)
    if len(out) > 1 and out[-1] == "H":
        out.pop()
    return "".join(out)


def arabic_token_key(token: str, /) -> str:
    """Consonant skeleton of one normalised Arabic token."""
    return _skeleton([_AR_CLASS.get(ch, "") for ch in token])


def latin_token_key(token: str, /) -> str:
    """Consonant skeleton of one normalised Latin token (digraphs read first)."""
    classes: list[str] = []
    i = 0
    while i < len(token):
        pair = token[i : i + 2]
        digraph = next((cls for dg, cls in _LAT_DIGRAPHS if dg == pair), None)
        if digraph:
            classes.append(digraph)
            i += 2
            continue
        classes.append(_LAT_CLASS.get(token[i], ""))
        i += 1
    return _skeleton(classes)


def token_key(token: str, /) -> str:
    """Cross-script key of one already-normalised token."""
    return arabic_token_key(token) if is_arabic(token) else latin_token_key(token.replace("-", ""))


@lru_cache(maxsize=200_000)
def name_key(text: str, /, *, family: bool = False) -> str:
    """The cross-script phonetic key of a whole name field (محمد = Mohammed = MHMD)."""
    normalised = normalise_family_name(text) if family else normalise_given_name(text)
    return token_key(normalised)


# --- Name chain ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameChain:
    """The four links of an Arabic name; empty string when not known."""

    first: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""


def parse_name_chain(full_name: str, /) -> NameChain:
    """Split a full name into first, father, grandfather and family (see the module docstring).

    The parts are returned as normalised tokens (compounds joined, particles dropped), so
    "محمد بن عبد الله آل خليفة" → NameChain("محمد", "عبدالله", "", "الخليفه").
    """
    tokens = list(name_tokens(full_name))
    n = len(tokens)
    if n == 0:
        return NameChain()
    if n == 1:
        return NameChain(first=tokens[0])
    if n == 2:
        return NameChain(first=tokens[0], family=tokens[1])
    if n == 3:
        return NameChain(first=tokens[0], father=tokens[1], family=tokens[2])
    return NameChain(first=tokens[0], father=tokens[1], grandfather=tokens[2], family=tokens[-1])
