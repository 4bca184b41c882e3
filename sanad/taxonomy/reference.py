"""The two international classifications every violence type maps to, as data checked against.

GBVIMS classifies an incident by the act into six core types (the GBVIMS Classification Tool);
an act outside them is "non_gbv". ICCS is the UN International Classification of Crime for
Statistical Purposes (version 1.0, 2015); only the codes a family-violence platform can need are
listed here (sections 01-03 and their parents), each with the official English title and an Arabic
rendering. A version that maps a type to a code missing here is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Reference:
    code: str
    label_ar: str
    label_en: str

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ar").startswith("en") else self.label_ar


NON_GBV = "non_gbv"

GBVIMS_TYPES: dict[str, Reference] = {
    r.code: r
    for r in (
        Reference("rape", "اغتصاب", "Rape"),
        Reference("sexual_assault", "اعتداء جنسي", "Sexual assault"),
        Reference("physical_assault", "اعتداء جسدي", "Physical assault"),
        Reference("forced_marriage", "زواج قسري", "Forced marriage"),
        Reference(
            "denial_of_resources",
            "الحرمان من الموارد أو الفرص أو الخدمات",
            "Denial of resources, opportunities or services",
        ),
        Reference("psychological_abuse", "إساءة نفسية أو عاطفية", "Psychological / emotional abuse"),
        Reference(NON_GBV, "ليس عنفاً قائماً على النوع الاجتماعي", "Not gender-based violence"),
    )
}
GBVIMS_CORE = frozenset(GBVIMS_TYPES) - {NON_GBV}

ICCS_CODES: dict[str, Reference] = {
    r.code: r
    for r in (
        Reference(
            "01", "أفعال تؤدي إلى الوفاة أو تهدف إلى التسبب فيها", "Acts leading to death or intending to cause death"
        ),
        Reference("0101", "القتل العمد", "Intentional homicide"),
        Reference("0102", "الشروع في القتل العمد", "Attempted intentional homicide"),
        Reference("0103", "القتل غير العمد", "Non-intentional homicide"),
        Reference("0104", "المساعدة على الانتحار أو التحريض عليه", "Assisting or instigating suicide"),
        Reference(
            "02",
            "أفعال تسبب الأذى للشخص أو تهدف إلى إيذائه",
            "Acts causing harm or intending to cause harm to the person",
        ),
        Reference("0201", "الاعتداءات والتهديدات", "Assaults and threats"),
        Reference("02011", "الاعتداء", "Assault"),
        Reference("020111", "الاعتداء الجسيم", "Serious assault"),
        Reference("020112", "الاعتداء البسيط", "Minor assault"),
        Reference("02012", "التهديد", "Threat"),
        Reference("020121", "التهديد الجسيم", "Serious threat"),
        Reference("020122", "التهديد البسيط", "Minor threat"),
        Reference("0202", "الأفعال الماسة بالحرية", "Acts against liberty"),
        Reference("02021", "خطف قاصر", "Abduction of a minor"),
        Reference("02022", "الحرمان من الحرية", "Deprivation of liberty"),
        Reference("020221", "الاختطاف", "Kidnapping"),
        Reference("020222", "الاحتجاز غير المشروع", "Illegal restraint"),
        Reference("020229", "أشكال أخرى من الحرمان من الحرية", "Other deprivation of liberty"),
        Reference("02029", "أفعال أخرى ماسة بالحرية", "Other acts against liberty"),
        Reference("020292", "الزواج القسري", "Forced marriage"),
        Reference("020299", "أفعال أخرى ماسة بالحرية غير مصنفة", "Other acts against liberty not elsewhere classified"),
        Reference("0203", "الاسترقاق والاستغلال", "Slavery and exploitation"),
        Reference("02032", "العمل القسري", "Forced labour"),
        Reference("0204", "الاتجار بالأشخاص", "Trafficking in persons"),
        Reference("02041", "الاتجار بالأشخاص لغرض الاستغلال الجنسي", "Trafficking in persons for sexual exploitation"),
        Reference(
            "02042", "الاتجار بالأشخاص لغرض العمل القسري", "Trafficking in persons for forced labour or services"
        ),
        Reference("0205", "الإكراه", "Coercion"),
        Reference("0206", "الإهمال", "Negligence"),
        Reference("02061", "الإهمال في رعاية الأشخاص المعالين", "Negligence in situations of persons under care"),
        Reference(
            "0208", "أفعال تهدف إلى إثارة الخوف أو الضيق النفسي", "Acts intended to induce fear or emotional distress"
        ),
        Reference("02081", "التحرش", "Harassment"),
        Reference("02082", "الملاحقة", "Stalking"),
        Reference("0209", "التشهير أو الإهانة", "Defamation or insult"),
        Reference(
            "0299", "أفعال أخرى تسبب الأذى للشخص", "Other acts causing harm or intending to cause harm to the person"
        ),
        Reference("03", "أفعال ضارة ذات طابع جنسي", "Injurious acts of a sexual nature"),
        Reference("0301", "العنف الجنسي", "Sexual violence"),
        Reference("03011", "الاغتصاب", "Rape"),
        Reference("03012", "الاعتداء الجنسي", "Sexual assault"),
        Reference("03019", "أفعال أخرى من العنف الجنسي", "Other acts of sexual violence"),
        Reference("0302", "الاستغلال الجنسي", "Sexual exploitation"),
        Reference("03021", "الاستغلال الجنسي للبالغين", "Sexual exploitation of adults"),
        Reference("03022", "الاستغلال الجنسي للأطفال", "Sexual exploitation of children"),
        Reference("0399", "أفعال ضارة أخرى ذات طابع جنسي", "Other injurious acts of a sexual nature"),
    )
}
