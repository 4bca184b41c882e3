"""Each normalisation rule on its own, then the cross-script key and the name chain."""

import pytest

from sanad.people import names


@pytest.mark.parametrize(
    ("raw", "expected"), [("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنة"), ("ٱلله", "الله")]
)
def test_fold_alef(raw: str, expected: str) -> None:
    assert names.fold_alef(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("مؤمن", "مومن"), ("عائشة", "عايشة"), ("ضياء", "ضيا"), ("لؤي", "لوي")])
def test_fold_hamza(raw: str, expected: str) -> None:
    assert names.fold_hamza(raw) == expected


def test_fold_taa_marbuta() -> None:
    assert names.fold_taa_marbuta("فاطمة") == "فاطمه"


def test_fold_alef_maqsura() -> None:
    assert names.fold_alef_maqsura("مصطفى") == "مصطفي"


def test_fold_persian_letters() -> None:
    assert names.fold_persian_letters("کریم") == "كريم"


@pytest.mark.parametrize("raw", ["مُحَمَّد", "مـــحمد", "مُحَمّـد", "مٌحمدْ"])
def test_strip_marks_and_tatweel(raw: str) -> None:
    assert names.strip_marks(raw) == "محمد"


def test_normalise_digits() -> None:
    assert names.normalise_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳") == "0123456789 0123"


def test_presentation_forms_unfold() -> None:
    assert names.normalise_arabic_text("ﻋﺒﺪ") == "عبد"


@pytest.mark.parametrize("raw", ["عبد الله", "عبدالله", "عبد  الله", "عَبْدُ الله"])
def test_abd_compound_joined(raw: str) -> None:
    assert names.normalise_given_name(raw) == "عبدالله"


def test_join_compounds_suffixes_and_abu() -> None:
    assert names.join_compounds(["نور", "الدين"]) == ["نورالدين"]
    assert names.join_compounds(["ابو", "بكر"]) == ["ابوبكر"]
    assert names.join_compounds(["نصر", "الله"]) == ["نصرالله"]
    assert names.normalise_given_name("أبو بكر") == names.normalise_given_name("ابوبكر")


def test_drop_particles() -> None:
    assert names.drop_particles(["محمد", "بن", "علي"]) == ["محمد", "علي"]
    assert names.drop_particles(["fatima", "bint", "ali"]) == ["fatima", "ali"]
    assert names.drop_particles(["سعد", "ابن", "خالد"]) == ["سعد", "خالد"]


@pytest.mark.parametrize("raw", ["الخليفة", "آل خليفة", "ال خليفة", "خليفة", "آلخليفة"])
def test_family_article_is_separable(raw: str) -> None:
    assert names.normalise_family_name(raw) == "خليفه"


def test_article_not_stripped_from_first_names_or_short_stems() -> None:
    assert names.normalise_given_name("الياس") == "الياس"
    assert names.strip_article("الحر") == "الحر"  # only two letters would remain
    assert names.strip_article("العلي") == "علي"


@pytest.mark.parametrize("raw", ["Al-Khalifa", "Al Khalifa", "El-Khalifa", "Alkhalifa", "Khalifa", "al khalifah"])
def test_latin_family_article(raw: str) -> None:
    assert names.normalise_family_name(raw) == "khalifa"


def test_latin_article_kept_before_vowel() -> None:
    assert names.normalise_family_name("Alawi") == "alawi"


@pytest.mark.parametrize("raw", ["Mohammed", "Mohamed", "Mohamad", "Mohd"])
def test_latin_muhammad_spellings(raw: str) -> None:
    assert names.normalise_given_name(raw) in {"mohamed", "mohamad", "muhamad"}
    assert names.name_key(raw) == "MHMD"


@pytest.mark.parametrize("raw", ["Abdullah", "Abdulla", "Abd Allah", "Abd-Allah", "Abdallah"])
def test_latin_abdullah(raw: str) -> None:
    assert names.normalise_given_name(raw) == "abdala"


@pytest.mark.parametrize("raw", ["Abdul Rahman", "Abdurrahman", "Abd ar-Rahman", "Abdel Rahman", "Abd al-Rahman"])
def test_latin_abd_article_canonical(raw: str) -> None:
    assert names.normalise_given_name(raw) == "abdalrahman"


def test_latin_vowel_and_double_letter_rules() -> None:
    assert names.normalise_latin_token("youssef") == "yusef"
    assert names.normalise_latin_token("waleed") == "walid"
    assert names.normalise_latin_token("mahmoud") == "mahmud"
    assert names.normalise_latin_token("fatimah") == "fatima"
    assert names.normalise_latin_token("Abdülaziz") == names.normalise_latin_token("abdulaziz")


def test_latin_din_suffix() -> None:
    for raw in ("Nour El-Din", "Nureddin", "Noureddine", "Nur al-Din"):
        assert names.normalise_given_name(raw) == "nuraldin"


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("محمد", "Mohammed"),
        ("محمد", "Muhammad"),
        ("أحمد", "Ahmed"),
        ("فاطمة", "Fatima"),
        ("يوسف", "Yousef"),
        ("وليد", "Waleed"),
        ("صالح", "Saleh"),
        ("خالد", "Khalid"),
        ("عبد الله", "Abdullah"),
        ("عبدالرحمن", "Abdul Rahman"),
        ("مصطفى", "Moustafa"),
        ("حسين", "Hussein"),
        ("شيماء", "Shaimaa"),
        ("جمال", "Gamal"),
        ("عيسى", "Issa"),
        ("إبراهيم", "Ebrahim"),
        ("أبو بكر", "Abu Bakr"),
    ],
)
def test_cross_script_key(arabic: str, latin: str) -> None:
    assert names.name_key(arabic) == names.name_key(latin)


@pytest.mark.parametrize(
    ("arabic", "latin"), [("المنصوري", "Al Mansouri"), ("آل خليفة", "Alkhalifa"), ("الشمري", "Ash-Shammari")]
)
def test_cross_script_family_key(arabic: str, latin: str) -> None:
    assert names.name_key(arabic, family=True) == names.name_key(latin, family=True)


def test_cross_script_key_separates_different_names() -> None:
    assert names.name_key("خالد") != names.name_key("وليد")
    assert names.name_key("Ahmed") != names.name_key("Hamza")


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("خالد محمد", ("خالد", "", "", "محمد")),
        ("خالد محمد المنصوري", ("خالد", "محمد", "", "المنصوري")),
        ("محمد بن عبد الله آل خليفة", ("محمد", "عبدالله", "", "الخليفه")),
        ("فاطمة بنت أحمد علي الشمري", ("فاطمه", "احمد", "علي", "الشمري")),
        ("خالد محمد سعيد علي المنصوري", ("خالد", "محمد", "سعيد", "المنصوري")),
        ("Mohammed bin Abdullah Al Khalifa", ("mohamed", "abdala", "", "al-khalifa")),
    ],
)
def test_parse_name_chain(full: str, expected: tuple[str, str, str, str]) -> None:
    chain = names.parse_name_chain(full)
    assert (chain.first, chain.father, chain.grandfather, chain.family) == expected


def test_parse_name_chain_empty_and_single() -> None:
    assert names.parse_name_chain("") == names.NameChain()
    assert names.parse_name_chain("سارة").first == "ساره"
