#!/usr/bin/env python3
"""The demo scaled up: synthetic NPM-shaped objects and Qing archive records for load tests.

Writes CSV files with exactly the columns of data/npm-objects.csv and data/qing-archives.csv
(unique keys, zh-Hant titles built from period vocabulary, reign dates the DILA calendar can
read, materials, dimensions, places), so that the repository's own demo mappings
(data/mappings/npm-objects.rml.ttl, qing-archives.rml.ttl) publish them unchanged with
`jiyi ingest`. The output folder mirrors data/: OUT/npm-objects.csv, OUT/qing-archives.csv,
the small tables the mappings join with (creators, memorialists, series, roles, crosswalks;
copied from data/ because their keys are what the generated rows refer to) and
OUT/mappings/*.rml.ttl, copies of the demo mappings whose relative `rml:source` paths
(`../npm-objects.csv`) therefore name the generated files. (`jiyi ingest --input` cannot be
used: each of these mappings reads several sources, and --input replaces only a single one.)

Deterministic for a seed, streamed (one row in memory at a time). About 60 triples per
object and 36 per record once ingested; the defaults (10,000 objects, 14,000 records) give
about 1.1 million triples. Every generated text says it is generated benchmark data.

    python3 bench/deref/generate.py --output /tmp/deref-data [--objects 10000] [--records 14000] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "data"

# The two mappings scaled here, and the CSV each one's main logical source reads.
MAPPINGS = {
    "npm-objects.rml.ttl": "npm-objects.csv",
    "qing-archives.rml.ttl": "qing-archives.csv",
}

OBJECT_COLUMNS = ["識別碼", "品名", "title_en", "分類", "category_en", "朝代", "dynasty_en", "年代",
                  "作者", "creator_en", "材質", "material_en", "尺寸", "高_cm", "寬_cm", "說明",
                  "description_en"]
RECORD_COLUMNS = ["事由", "題名", "具奏人", "年份", "版本", "文獻編號", "統一編號", "地點"]

# --- calendars --------------------------------------------------------------------------------
# Reign eras per dynasty: (era, first Gregorian year, number of years). Only eras whose first
# year is unambiguous in DILA's table, so a bracketed Western year (…五年（1072）) is the
# Gregorian year of the span's beginning, which Jiyi checks.
ERAS = {
    "唐": [("貞觀", 627, 23), ("大曆", 766, 14)],
    "北宋": [("嘉祐", 1056, 8), ("熙寧", 1068, 10), ("元豐", 1078, 8), ("元祐", 1086, 9),
           ("崇寧", 1102, 5), ("大觀", 1107, 4), ("政和", 1111, 8), ("宣和", 1119, 7)],
    "南宋": [("紹興", 1131, 32), ("淳熙", 1174, 16), ("嘉定", 1208, 17)],
    "元": [("大德", 1297, 11), ("延祐", 1314, 7), ("至正", 1341, 28)],
    "明": [("洪武", 1368, 31), ("永樂", 1403, 22), ("宣德", 1426, 10), ("成化", 1465, 23),
          ("弘治", 1488, 18), ("正德", 1506, 16), ("嘉靖", 1522, 45), ("萬曆", 1573, 48)],
    "清": [("順治", 1644, 18), ("康熙", 1662, 61), ("雍正", 1723, 13), ("乾隆", 1736, 60),
          ("嘉慶", 1796, 25), ("道光", 1821, 30), ("咸豐", 1851, 11), ("同治", 1862, 13),
          ("光緒", 1875, 34)],
}
DYNASTY_EN = {"唐": "Tang dynasty", "北宋": "Northern Song dynasty", "南宋": "Southern Song dynasty",
              "宋": "Song dynasty", "元": "Yuan dynasty", "明": "Ming dynasty", "清": "Qing dynasty",
              "晉": "Jin dynasty", "五代": "Five Dynasties", "漢": "Han dynasty"}
# A dynasty written with an era of another (宋 + 北宋's eras: 宋 is DILA's 北宋 + 南宋).
ERAS["宋"] = ERAS["北宋"] + ERAS["南宋"]
PERIODS = ["早期", "中期", "晚期"]

DIGITS = "〇一二三四五六七八九"


def numeral(n: int) -> str:
    """1..99 as a Chinese numeral: 十, 十一, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    out = ""
    if tens:
        out += ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones:
        out += DIGITS[ones]
    return out


def year_text(n: int) -> str:
    return "元" if n == 1 else numeral(n)


def month_text(m: int) -> str:
    return "正" if m == 1 else numeral(m)


def day_text(d: int) -> str:
    """Days as Qing documents write them: 初一…初十, 十一…二十, 廿一…廿八."""
    if d <= 10:
        return "初" + numeral(d)
    if d < 20:
        return numeral(d)
    if d == 20:
        return "二十"
    return "廿" + DIGITS[d - 20]


def object_date(r: random.Random, dynasty: str) -> str:
    """年代 as museums write it: reign year with or without the Western year, a reign, a period
    of the dynasty, or nothing."""
    eras = ERAS.get(dynasty)
    if not eras:
        return ""  # 晉, 五代, 漢: left empty, as in the demo data
    era, first, length = r.choice(eras)
    n = r.randint(1, length)
    x = r.random()
    if x < 0.40:
        return f"{dynasty}{era}{year_text(n)}年（{first + n - 1}）"
    if x < 0.65:
        return f"{dynasty}{era}{year_text(n)}年"
    if x < 0.80:
        return f"{dynasty}{era}年間"
    if x < 0.90 and dynasty != "宋":
        return f"{dynasty}{r.choice(PERIODS)}"
    return ""


# --- objects ----------------------------------------------------------------------------------

SCENES = [("谿山", "Streams and Mountains"), ("秋山", "Autumn Mountains"), ("春山", "Spring Hills"),
          ("雪景", "a Snowy Landscape"), ("寒林", "a Wintry Grove"), ("江村", "a River Village"),
          ("松壑", "a Pine Valley"), ("煙江", "a Misty River"), ("溪橋", "a Stream and Bridge"),
          ("竹林", "a Bamboo Grove"), ("梅花", "Plum Blossoms"), ("蘆汀", "a Reed Bank"),
          ("山居", "a Mountain Dwelling"), ("桃源", "the Peach Blossom Spring"),
          ("赤壁", "the Red Cliff"), ("漁莊", "a Fishing Village"), ("萬壑", "a Myriad Valleys"),
          ("層巒", "Layered Peaks")]
PAINTING_FORMS = [("{}行旅圖", "Travellers among {}"), ("{}圖", "{}"), ("{}讀書圖", "Reading amid {}"),
                  ("{}訪友圖", "Visiting a Friend amid {}"), ("{}晚眺圖", "Evening View of {}"),
                  ("{}歸棹圖", "Returning Boats by {}"), ("{}雅集圖", "Elegant Gathering amid {}"),
                  ("{}待渡圖", "Waiting for the Ferry by {}")]
POEMS = [("秋興", "Autumn Thoughts"), ("登高", "Climbing High"), ("赤壁", "the Red Cliff"),
         ("松風", "Wind in the Pines"), ("遊山", "a Mountain Excursion"), ("歸田", "Returning to the Fields"),
         ("中秋", "the Mid-Autumn Moon"), ("寒食", "the Cold Food Festival")]
SUPPORTS = [("紙本", "paper"), ("絹本", "silk")]

VESSEL_MATERIALS = [("瓷", "ceramic", 40), ("青銅", "bronze", 20), ("玉", "jade", 15),
                    ("翠玉", "jadeite", 5), ("象牙", "ivory", 5), ("漆", "lacquer", 10),
                    ("琺瑯", "enamel", 5)]
FORMS = [("鼎", "ding cauldron"), ("尊", "zun vessel"), ("壺", "pot"), ("瓶", "vase"), ("碗", "bowl"),
         ("盤", "dish"), ("爐", "censer"), ("盒", "box"), ("杯", "cup")]
DECOR = {
    "瓷": [("青花纏枝蓮紋", "blue-and-white, interlaced lotus"), ("粉彩花鳥", "famille rose, birds and flowers"),
          ("鬥彩", "doucai enamels"), ("汝窯青瓷", "Ru ware, bluish-green glaze"),
          ("定窯白瓷", "Ding ware, white glaze")],
    "青銅": [("饕餮紋", "taotie pattern"), ("夔龍紋", "kui-dragon pattern"), ("蟠螭紋", "interlaced-dragon pattern")],
    "玉": [("雕龍", "carved dragon"), ("螭紋", "chi-dragon pattern"), ("素面", "plain")],
    "翠玉": [("雕花", "carved flowers"), ("素面", "plain")],
}
GENERIC_DECOR = [("雕花", "carved flowers"), ("描金", "gilt decoration")]
VESSEL_DYNASTIES = [("清", 40), ("明", 25), ("北宋", 10), ("元", 10), ("唐", 5), ("南宋", 5), ("漢", 5)]

BOOKS = [("經", "周易正義", "Correct Meaning of the Book of Changes"),
         ("經", "尚書注疏", "Commentaries on the Book of Documents"),
         ("經", "毛詩正義", "Correct Meaning of the Book of Songs"),
         ("史", "史記", "Records of the Grand Historian"), ("史", "漢書", "Book of Han"),
         ("史", "資治通鑑", "Comprehensive Mirror in Aid of Governance"),
         ("子", "荀子", "Xunzi"), ("子", "齊民要術", "Essential Techniques for the Common People"),
         ("集", "李太白文集", "Collected Works of Li Bai"), ("集", "杜工部集", "Collected Works of Du Fu")]
CATEGORIES = [("書畫", "Painting and calligraphy", 45), ("器物", "Antiquities", 40),
              ("圖書", "Rare books and documents", 15)]
CATEGORY_ZH = {"書畫": "書畫", "器物": "器物", "圖書": "圖書文獻"}


def weighted(r: random.Random, items):
    return r.choices(items, weights=[i[-1] for i in items])[0]


def cm(x: float) -> str:
    return f"{x:.1f}"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def objects(r: random.Random, count: int, creators: list[dict[str, str]]):
    """Rows of npm-objects.csv: 書畫 by the demo's creators, 器物, 圖書文獻."""
    serial = {"書畫": 0, "器物": 0, "圖書": 0}
    for _ in range(count):
        code, category_en, _ = weighted(r, CATEGORIES)
        serial[code] += 1
        key = f"GEN-{code}-{serial[code]:06d}"
        creator, creator_en, height, width, size = "", "", "", "", ""
        if code == "書畫":
            if r.random() < 0.85:
                c = r.choice(creators)
                creator, creator_en, dynasty = c["作者"], c["name_en"], c["朝代"]
            else:
                dynasty = r.choice(["北宋", "南宋", "元", "明", "清"])
            material, material_en = r.choice(SUPPORTS)
            if r.random() < 0.3:
                poem, poem_en = r.choice(POEMS)
                title, title_en = f"{poem}詩帖", f"Poem on {poem_en}"
            else:
                scene, scene_en = r.choice(SCENES)
                form, form_en = r.choice(PAINTING_FORMS)
                title, title_en = form.format(scene), form_en.format(scene_en)
            if r.random() < 0.85:
                h = r.uniform(20, 230)
                w = r.uniform(20, 1200) if r.random() < 0.3 else r.uniform(20, 120)
                height, width, size = cm(h), cm(w), f"縱{cm(h)}公分，橫{cm(w)}公分"
        elif code == "器物":
            material, material_en, _ = weighted(r, VESSEL_MATERIALS)
            dynasty, _ = weighted(r, VESSEL_DYNASTIES)
            form, form_en = r.choice(FORMS)
            decor, decor_en = r.choice(DECOR.get(material, GENERIC_DECOR))
            title = f"{decor}{form}" if material in ("瓷", "青銅") else f"{material}{decor}{form}"
            title_en = f"{form_en.capitalize()} ({material_en}, {decor_en})"
            if r.random() < 0.8:
                h = r.uniform(2, 80)
                height, size = cm(h), f"高{cm(h)}公分"
                if r.random() < 0.5:
                    w = r.uniform(2, 60)
                    width, size = cm(w), f"{size}，寬{cm(w)}公分"
        else:
            material, material_en = "紙本", "paper"
            dynasty = "清" if r.random() < 0.8 else "明"
            part, book, book_en = r.choice(BOOKS)
            juan = r.randint(1, 120)
            title = f"欽定四庫全書（文淵閣本）{part}部《{book}》卷{numeral(juan) if juan < 100 else juan}"
            title_en = f"Siku Quanshu, Wenyuan Pavilion copy: {book_en}, juan {juan}"
            if r.random() < 0.25:
                h, w = r.uniform(25, 32), r.uniform(15, 21)
                height, width, size = cm(h), cm(w), f"縱{cm(h)}公分，橫{cm(w)}公分"
        dynasty_en = DYNASTY_EN[dynasty]
        category = CATEGORY_ZH[code]
        description = f"生成的測試資料（並非真實典藏）：{dynasty}{category}，{material}。{title}。"
        description_en = (f"Generated benchmark record, not a real holding: {category_en.lower()}, "
                          f"{dynasty_en}, {material_en}. {title_en}.")
        yield [key, title, title_en, category, category_en, dynasty, dynasty_en,
               object_date(r, dynasty), creator, creator_en, material, material_en, size,
               height, width, description, description_en]


# --- archive records --------------------------------------------------------------------------

# The reigns in which each demo memorialist wrote (years of his posts, from the demo records);
# a memorialist not listed here gets no generated records.
CAREERS = {
    "施琅": [("康熙", 20, 35)], "覺羅滿保": [("康熙", 50, 61)], "鄂爾泰": [("雍正", 1, 13)],
    "六十七": [("乾隆", 9, 12)], "福康安": [("乾隆", 50, 60)], "方維甸": [("嘉慶", 10, 20)],
    "阮元": [("嘉慶", 20, 25), ("道光", 1, 10)], "林則徐": [("道光", 15, 22)],
    "姚瑩": [("道光", 18, 23)], "達洪阿": [("道光", 18, 23)],
    "曾國藩": [("咸豐", 3, 11), ("同治", 1, 11)], "沈葆楨": [("同治", 6, 13), ("光緒", 1, 5)],
    "李鴻章": [("同治", 7, 13), ("光緒", 1, 27)], "何璟": [("光緒", 2, 10)],
    "丁日昌": [("光緒", 1, 5)], "岑毓英": [("光緒", 5, 15)], "劉璈": [("光緒", 7, 11)],
    "左宗棠": [("光緒", 1, 11)], "劉銘傳": [("光緒", 10, 17)], "邵友濂": [("光緒", 17, 20)],
    "唐景崧": [("光緒", 17, 21)],
}
PLACES = ["臺灣", "臺灣府", "臺灣府城", "鹿仔港", "噶瑪蘭", "雞籠", "大安港", "臺北", "大甲溪", "臺南",
          "基隆", "滬尾", "新竹", "彰化", "鳳山", "嘉義", "澎湖", "淡水", "恆春", "宜蘭"]
MATTERS = [
    ("{p}本年收成分數及米價", "{p}本年早晚二季收成分數及米價情形。"),
    ("{p}添設營汛", "{p}地方遼闊，擬添設營汛、增派兵丁以資彈壓。"),
    ("查辦{p}分類械鬥", "{p}民人分類械鬥，查拿首要、安撫良善的經過。"),
    ("籌辦{p}海防", "籌議{p}沿海砲臺、兵輪與防務事宜。"),
    ("{p}颱風災情", "{p}颱風過境，田廬受損情形及撫卹辦法。"),
    ("{p}清丈田畝", "{p}清丈田畝、釐定賦稅的辦理情形。"),
    ("修築{p}城垣", "{p}城垣年久失修，估計工料、請款修築。"),
    ("{p}附近番社歸化", "{p}附近番社歸化、設立社學等事。"),
    ("{p}商船掛驗", "{p}往來商船掛驗、稽查偷渡事宜。"),
    ("{p}水災賑濟", "{p}水災後賑濟災民、蠲免錢糧事。"),
]
VERBS = ["奏為", "奏報", "奏請"]
EDITIONS = [("原件", 60), ("錄副", 30), ("抄本", 10)]


def records(r: random.Random, count: int, memorialists: list[str]):
    """Rows of qing-archives.csv by the demo's memorialists, dated within their careers."""
    for n in range(1, count + 1):
        who = r.choice(memorialists)
        era, low, high = r.choice(CAREERS[who])
        year = r.randint(low, high)
        x = r.random()
        if x < 0.35:
            date = f"{era}{year_text(year)}年{month_text(r.randint(1, 12))}月{day_text(r.randint(1, 28))}日"
        elif x < 0.75:
            date = f"{era}{year_text(year)}年{month_text(r.randint(1, 12))}月"
        elif x < 0.95:
            date = f"{era}{year_text(year)}年"
        else:
            date = ""
        place = r.choice(PLACES) if r.random() < 0.7 else ""
        matter, scope = r.choice(MATTERS)
        p = place or "臺灣"
        edition, _ = weighted(r, EDITIONS)
        yield [scope.format(p=p), f"{r.choice(VERBS)}{matter.format(p=p)}事", who, date, edition,
               f"示例-生成-{n:07d}", f"GEN-QA-{n:07d}", place]


# --- output -----------------------------------------------------------------------------------

SOURCE = re.compile(r'rml:source\s+"([^"]+)"')


def copy_mapping(name: str, out: Path, generated: set[str]) -> list[str]:
    """Copies a demo mapping into OUT/mappings and every table it reads that is not generated
    into OUT, so relative sources resolve to the generated files. Returns the tables copied."""
    mapping = DATA / "mappings" / name
    text = mapping.read_text(encoding="utf-8")
    copied = []
    for source in sorted(set(SOURCE.findall(text))):
        target = (out / "mappings" / source).resolve()
        original = (mapping.parent / source).resolve()
        if target.name in generated:
            continue
        if not original.is_file() or target.parent != out.resolve():
            sys.exit(f"error: {name} reads {source}, which is not a table beside data/; "
                     "the generator only knows the demo's layout")
        shutil.copyfile(original, target)
        copied.append(target.name)
    (out / "mappings").mkdir(exist_ok=True)
    (out / "mappings" / name).write_text(text, encoding="utf-8")
    return copied


def generate(out: Path, n_objects: int, n_records: int, seed: int) -> dict:
    """Writes the scaled demo into `out`; returns a manifest (also written as manifest.json)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "mappings").mkdir(exist_ok=True)
    r = random.Random(seed)
    creators = read_rows(DATA / "npm-creators.csv")
    memorialists = [row["具奏人"] for row in read_rows(DATA / "qing-memorialists.csv")
                    if row["具奏人"] in CAREERS]
    if not creators or not memorialists:
        sys.exit("error: data/npm-creators.csv or data/qing-memorialists.csv has no usable row")
    for filename, columns, rows in (
        ("npm-objects.csv", OBJECT_COLUMNS, objects(r, n_objects, creators)),
        ("qing-archives.csv", RECORD_COLUMNS, records(r, n_records, memorialists)),
    ):
        demo_columns = next(csv.reader(open(DATA / filename, encoding="utf-8", newline="")))
        if demo_columns != columns:
            sys.exit(f"error: data/{filename} now has the columns {demo_columns}; update the generator")
        tmp = out / f".{filename}.part"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            for row in rows:
                w.writerow(row)
        tmp.replace(out / filename)
    copied = []
    for name in MAPPINGS:
        copied += copy_mapping(name, out, set(MAPPINGS.values()))
    manifest = {"seed": seed, "objects": n_objects, "records": n_records,
                "mappings": [str(out / "mappings" / m) for m in MAPPINGS],
                "generated": sorted(MAPPINGS.values()), "copied": sorted(set(copied))}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", type=Path, required=True, help="folder to write (created)")
    ap.add_argument("--objects", type=int, default=10_000, help="rows of npm-objects.csv")
    ap.add_argument("--records", type=int, default=14_000, help="rows of qing-archives.csv")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.objects < 1 or args.records < 1:
        ap.error("--objects and --records must be at least 1")
    m = generate(args.output, args.objects, args.records, args.seed)
    print(f"wrote {m['objects']:,} objects and {m['records']:,} records to {args.output}; "
          f"ingest with: jiyi ingest --mapping {args.output}/mappings/npm-objects.rml.ttl "
          f"(and qing-archives.rml.ttl) --store STORE --base BASE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
