"""Name lists for the synthetic generator: Gulf and Levant names, most common first.

Each entry is "Arabic:romanisation". The romanisation is one plain scholarly-ish spelling; the
generator derives the many spellings people actually write from it. Order matters: the generator
draws with Zipf-like frequencies by rank, so the head of each list is the common names.
"""

from __future__ import annotations

MALE_FIRST = """
محمد:muhammad أحمد:ahmad عبدالله:abd_allah علي:ali خالد:khalid عمر:umar يوسف:yusuf إبراهيم:ibrahim حسن:hasan
حسين:husayn عبدالرحمن:abd_al-rahman فيصل:faysal سعد:saad سلطان:sultan ناصر:nasir فهد:fahd سعيد:said
عبدالعزيز:abd_al-aziz مصطفى:mustafa محمود:mahmud خليل:khalil جاسم:jasim راشد:rashid حمد:hamad طارق:tariq
ماجد:majid سالم:salim عادل:adil عيسى:isa موسى:musa زياد:ziyad وليد:walid هشام:hisham بدر:badr نواف:nawwaf
منصور:mansur عبدالكريم:abd_al-karim صالح:salih سامي:sami ياسر:yasir كريم:karim عماد:imad رامي:rami باسل:basil
عثمان:uthman أنس:anas حمزة:hamza مازن:mazin نبيل:nabil جمال:jamal غازي:ghazi فارس:faris عبدالرحيم:abd_al-rahim
أيمن:ayman إياد:iyad نايف:nayif مشعل:mishal تركي:turki بندر:bandar عبدالمجيد:abd_al-majid زيد:zayd عمار:ammar
شادي:shadi رائد:raid مراد:murad ثامر:thamir ضياء:diya منذر:mundhir سيف:sayf مهند:muhannad قاسم:qasim جابر:jabir
حازم:hazim عبدالحميد:abd_al-hamid صلاح:salah نور_الدين:nur_al-din علاء:ala عبدالرزاق:abd_al-razzaq هاني:hani
بلال:bilal حامد:hamid أسامة:usama مالك:malik جعفر:jafar حيدر:haydar عباس:abbas كمال:kamal رياض:riyad سمير:samir
نادر:nadir ياسين:yasin إسماعيل:ismail يعقوب:yaqub إلياس:ilyas داود:dawud سليمان:sulayman لؤي:luay مروان:marwan
عدنان:adnan غسان:ghassan فراس:firas وائل:wail معاذ:muadh تامر:tamir شريف:sharif صقر:saqr مبارك:mubarak
عبدالله:abdullah حمدان:hamdan سهيل:suhayl عوض:awad عامر:amir نزار:nizar هيثم:haytham أكرم:akram منير:munir
عبدالهادي:abd_al-hadi أمين:amin عبدالسلام:abd_al-salam فؤاد:fuad رشيد:rashid زكريا:zakariya يحيى:yahya شاكر:shakir
صابر:sabir فايز:fayiz مهدي:mahdi جواد:jawad رضا:rida كاظم:kazim عبدالوهاب:abd_al-wahhab حسام:husam
عصام:isam إيهاب:ihab مؤمن:mumin مجدي:majdi فتحي:fathi رمضان:ramadan شعبان:shaban عبدالناصر:abd_al-nasir
سامر:samir نضال:nidal جهاد:jihad إسحاق:ishaq عزيز:aziz لطفي:lutfi رفيق:rafiq وسيم:wasim توفيق:tawfiq
عبدالفتاح:abd_al-fattah حمود:hammud عواد:awwad مشاري:mishari عبدالإله:abd_al-ilah ظافر:zafir ذياب:dhiyab
متعب:mitab فالح:falih دخيل:dakhil هزاع:hazza زايد:zayid حميد:humayd سعود:saud عبدالمحسن:abd_al-muhsin
فواز:fawwaz شهاب:shihab معتز:mutazz أنور:anwar خضر:khidr جلال:jalal عاطف:atif صفوان:safwan عبيدة:ubayda
قصي:qusay أويس:uways تيسير:taysir منصف:munsif رأفت:rafat عمرو:amr بشار:bashshar بشير:bashir نصر:nasr
نصرالله:nasr_allah جادالله:jad_allah عطاالله:ata_allah فضل:fadl مأمون:mamun هادي:hadi إدريس:idris أيوب:ayyub
صهيب:suhayb طلال:talal عوني:awni زاهر:zahir حاتم:hatim نعيم:naim شوقي:shawqi سعدون:sadun ربيع:rabi
عبدالقادر:abd_al-qadir غانم:ghanim مساعد:musaid ضاري:dari عايض:ayid مفلح:muflih حسني:husni غالب:ghalib
سلمان:salman عبدالجليل:abd_al-jalil عبدالباسط:abd_al-basit نجيب:najib مختار:mukhtar يونس:yunus أبوبكر:abu_bakr
"""

FEMALE_FIRST = """
فاطمة:fatima مريم:maryam نورة:nura عائشة:aisha سارة:sara زينب:zaynab هدى:huda خديجة:khadija ليلى:layla
منى:muna أمل:amal رنا:rana سلمى:salma هند:hind دانة:dana ريم:rim لطيفة:latifa شيخة:shaykha مها:maha
نوال:nawal سعاد:suad رقية:ruqayya آمنة:amina حصة:hissa موزة:mawza عبير:abir نادية:nadiya سميرة:samira
إيمان:iman أسماء:asma رحاب:rihab سناء:sana رانيا:raniya دعاء:dua شيماء:shayma آلاء:ala ياسمين:yasmin
لينا:lina رغد:raghad جود:jud لمى:lama تسنيم:tasnim حنان:hanan نسرين:nisrin وفاء:wafa سهى:suha جميلة:jamila
حليمة:halima صفية:safiyya أروى:arwa بشرى:bushra غدير:ghadir ملك:malak جنى:jana لجين:lujayn شهد:shahd
رهف:rahaf نجلاء:najla منيرة:munira العنود:al-anud الجوهرة:al-jawhara نوف:nuf بدرية:badriya فوزية:fawziya
عفاف:afaf هيفاء:hayfa سهام:siham نجوى:najwa رباب:rabab ابتسام:ibtisam إلهام:ilham أميرة:amira بسمة:basma
غادة:ghada ديما:dima رشا:rasha ميساء:maysa ولاء:wala هالة:hala لبنى:lubna سوسن:sawsan عبلة:abla نهى:nuha
ختام:khitam انتصار:intisar فدوى:fadwa كوثر:kawthar زهراء:zahra بتول:batul حوراء:hawra نرجس:narjis
مروة:marwa هبة:hiba نور:nur آية:aya إسراء:isra شروق:shuruq غزل:ghazal تالا:tala ميار:mayar جنان:jinan
روان:rawan رزان:razan دلال:dalal وجدان:wijdan نسيبة:nusayba أسيل:asil عهود:uhud مشاعل:mashael
حياة:hayat فريدة:farida زكية:zakiyya صباح:sabah نعيمة:naima سكينة:sakina رحمة:rahma عزة:izza
هيا:haya الهنوف:al-hanuf ريما:rima دينا:dina ندى:nada منار:manar أريج:arij تغريد:taghrid وعد:wad
سمية:sumayya حفصة:hafsa أمينة:amina مي:may لميس:lamis سلوى:salwa ثريا:thurayya نبيلة:nabila
عزيزة:aziza وداد:widad شريفة:sharifa سعدية:sadiya مريام:maryam حورية:hawriya كريمة:karima رجاء:raja
فرح:farah ضحى:duha يارا:yara جمانة:jumana رهام:riham إيناس:inas بيان:bayan أفنان:afnan جيهان:jihan
نادين:nadin سجى:saja رؤى:rua لانا:lana عليا:alya ثناء:thana أنوار:anwar غالية:ghaliya مضاوي:madawi
نجود:nujud وضحى:wadha فجر:fajr شمة:shamma ميثاء:maytha عوشة:awsha حمدة:hamda اليازية:al-yaziya
"""

FAMILY = """
الخليفة:al-khalifa الشمري:al-shammari العتيبي:al-utaybi القحطاني:al-qahtani الدوسري:al-dawsari المطيري:al-mutayri
الزعبي:al-zubi العنزي:al-anazi الحربي:al-harbi الغامدي:al-ghamdi الزهراني:al-zahrani المالكي:al-maliki
السيد:al-sayyid الحسيني:al-husayni النعيمي:al-nuaymi المنصوري:al-mansuri الكعبي:al-kabi الظاهري:al-zahiri
البلوشي:al-balushi المهيري:al-muhayri الشامسي:al-shamsi الفلاسي:al-falasi السويدي:al-suwaydi المري:al-murri
الهاجري:al-hajiri الكواري:al-kuwari العبيدي:al-ubaydi الجبوري:al-juburi التميمي:al-tamimi الخطيب:al-khatib
النجار:al-najjar الحداد:al-haddad العلي:al-ali الأحمد:al-ahmad الصالح:al-salih الحسن:al-hasan العمري:al-umari
المصري:al-masri الشامي:al-shami الحلبي:al-halabi البغدادي:al-baghdadi النابلسي:al-nabulsi القدسي:al-qudsi
الرفاعي:al-rifai الجابري:al-jabiri الزين:al-zayn عبدالله:abd_allah حداد:haddad خوري:khuri نصار:nassar
عيسى:isa يوسف:yusuf منصور:mansur سليمان:sulayman حمدان:hamdan عودة:awda قاسم:qasim جرادات:jaradat
عبيدات:ubaydat بني_هاني:bani_hani الخوالدة:al-khawalida المجالي:al-majali الفايز:al-fayiz العدوان:al-adwan
الطراونة:al-tarawina الرواشدة:al-rawashida الحياري:al-hiyari النسور:al-nusur الروسان:al-rusan العمرو:al-amr
البطاينة:al-bataina الشرع:al-shara أبو_زيد:abu_zayd أبو_حسين:abu_husayn أبو_علي:abu_ali أبو_غزالة:abu_ghazala
الجمال:al-jamal الدباغ:al-dabbagh الشريف:al-sharif الكردي:al-kurdi التركي:al-turki العجمي:al-ajmi
الرشيد:al-rashid السبيعي:al-subayi البوعينين:al-buaynayn المسلم:al-muslim الدوري:al-duri السامرائي:al-samarrai
الحمادي:al-hammadi الكتبي:al-kutbi الشحي:al-shihhi النقبي:al-naqbi الزعابي:al-zaabi الرميثي:al-rumaythi
المزروعي:al-mazrui القبيسي:al-qubaysi الهاشمي:al-hashimi البستكي:al-bastaki الأنصاري:al-ansari
الجلاهمة:al-jalahma المناعي:al-mannai الرميحي:al-rumayhi البنعلي:al-binali الذوادي:al-dhawadi
بوكمال:bukamal الستري:al-sitri الجودر:al-jawdar المحميد:al-muhamid الشيخ:al-shaykh فخرو:fakhru كانو:kanu
الزياني:al-zayani المؤيد:al-muayyad العريض:al-urayyid الدرازي:al-darazi المعاودة:al-maawda الكوهجي:al-kuhaji
"""

# Family names are also formed from a forefather's first name: ال + name + ي (nisba),
# آل + name (house of), أبو + name (father of), and the bare name itself.
FAMILY_PATTERNS = (("ال{}ي", "al-{}i"), ("آل {}", "al {}"), ("أبو {}", "abu {}"), ("{}", "{}"))


def parse_entries(text: str) -> list[tuple[str, str]]:
    """The "Arabic:latin" entries of a block, first occurrence kept; "_" stands for a space inside a name."""
    entries: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in text.split():
        arabic, latin = item.replace("_", " ").split(":", 1)
        if arabic not in seen:
            seen.add(arabic)
            entries.append((arabic, latin))
    return entries
