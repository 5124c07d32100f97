#!/usr/bin/env python3
"""Writes a museum-style CSV export of N object rows plus a creators table, deterministically.

The rows look like real collection exports: Traditional Chinese and English titles, quoted
fields holding commas, doubled quotes and line breaks, empty cells, numbers with decimals.
Quoted fields matter: an engine that mangles them is not measured, it is wrong.

usage: generate_csv.py ROWS OUT_DIR      (writes OUT_DIR/objects.csv and OUT_DIR/creators.csv)
"""
import csv
import random
import sys
from pathlib import Path

DYNASTIES = ["商", "西周", "東周", "漢", "唐", "宋", "北宋", "南宋", "元", "明", "清"]
MATERIALS = ["玉", "青銅", "瓷", "絹本設色", "紙本水墨", "漆器", "琺瑯", "木", "象牙"]
CATEGORIES = ["書畫", "器物", "圖書文獻"]
WORDS_ZH = "山水花鳥龍鳳雲松竹梅蘭菊壺瓶盤碗鼎圖卷軸冊頁"
WORDS_EN = ["landscape", "bird", "dragon", "vase", "bowl", "scroll", "album", "jar", "cup", "ding"]
CREATORS = 10_000


def main() -> None:
    rows = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261203)
    with open(out / "creators.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["creator_id", "name_zh", "name_en"])
        for i in range(CREATORS):
            w.writerow([f"C{i:05d}", "".join(rng.choice(WORDS_ZH) for _ in range(3)), f"Artist {i}, of the {rng.choice(DYNASTIES)} court"])
    with open(out / "objects.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["object_id", "title_zh", "title_en", "dynasty", "material", "height_cm", "category", "creator_id", "note"])
        for i in range(rows):
            title_zh = "".join(rng.choice(WORDS_ZH) for _ in range(rng.randint(2, 6)))
            words = [rng.choice(WORDS_EN) for _ in range(rng.randint(1, 4))]
            title_en = " ".join(words).capitalize()
            if i % 7 == 0:
                title_en += ', with "inscription"'  # comma and quotes: must stay one field
            note = ""
            if i % 11 == 0:
                note = "Seal reads:\n「乾隆御覽之寶」"  # a line break inside a quoted field
            height = "" if i % 13 == 0 else f"{rng.uniform(2, 300):.1f}"
            w.writerow([
                f"D{i:08d}", title_zh, title_en, rng.choice(DYNASTIES), rng.choice(MATERIALS),
                height, rng.choice(CATEGORIES), f"C{rng.randrange(CREATORS):05d}", note,
            ])


if __name__ == "__main__":
    main()
