"""The fixed list of sectors. A country pack refers to these codes; the list grows only here."""

from __future__ import annotations

SECTORS = [
    ("police", "الشرطة", "Police"),
    ("health", "الصحة", "Health"),
    ("forensic_medicine", "الطب الشرعي", "Forensic medicine"),
    ("social_services", "الخدمات الاجتماعية", "Social services"),
    ("shelter", "الإيواء", "Shelter"),
    ("education", "التعليم", "Education"),
    ("prosecution", "النيابة العامة", "Prosecution"),
    ("court", "المحاكم", "Courts"),
    ("alimony_fund", "صندوق النفقة", "Alimony fund"),
    ("social_centre", "المراكز الاجتماعية", "Social centres"),
    ("ngo", "المنظمات غير الحكومية", "NGOs"),
    ("national_council", "المجلس الوطني", "National council"),
    ("government", "جهة حكومية أخرى", "Other government body"),
]


def ensure_sectors() -> None:
    """Create or relabel the sectors; the pack loader calls this so a fresh database needs no fixture."""
    from sanad.institutions.models import Sector

    for order, (code, name_ar, name_en) in enumerate(SECTORS):
        current = Sector.objects.filter(code=code).first()
        values = {"name_ar": name_ar, "name_en": name_en, "sort_order": order}
        if current is None:
            Sector.objects.create(code=code, **values)
        elif any(getattr(current, k) != v for k, v in values.items()):
            Sector.objects.filter(pk=current.pk).update(**values)


SECTOR_CODES = frozenset(code for code, _, _ in SECTORS)
