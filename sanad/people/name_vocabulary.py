"""The vocabulary of name words (``NameWord``): completing a half-typed word, and refilling the
vocabulary after a bulk load that bypassed the triggers."""

from __future__ import annotations

from django.db import connection

from sanad.people.models import NEW_WORDS_SQL, NameWord

# Enough for the spellings a prefix of two or three letters can become, few enough that the word
# index is asked for a bounded union.
COMPLETIONS = 40


def completions(*prefixes: str, limit: int = COMPLETIONS) -> set[str]:
    """Words that start with one of ``prefixes``, the shortest ``limit`` for each: a name typed so
    far is most often the beginning of the shortest word it can be (محم → محمد before محمدين).
    One round trip for all prefixes; prefixes shorter than two letters complete to nothing."""
    wanted = sorted({p for p in prefixes if len(p) >= 2})
    if not wanted:
        return set()
    # text_pattern_ops index: a prefix LIKE is a range scan, whatever the database's collation.
    one = f"(SELECT word FROM {NameWord._meta.db_table} WHERE word LIKE %s ORDER BY length(word), word LIMIT %s)"  # noqa: S608 (table name from the model)
    params: list[str | int] = []
    for prefix in wanted:
        params += [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(wanted)), params)
        return {word for (word,) in cursor.fetchall()}


def refresh_name_vocabulary() -> None:
    """Add the words of every person: after a load that disabled triggers (benchmark COPY)."""
    words = NEW_WORDS_SQL.replace("new_rows", "people_person")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {NameWord._meta.db_table} (word) {words} ON CONFLICT DO NOTHING")
