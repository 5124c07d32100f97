#!/usr/bin/env python3
"""Extract the Chinese reign-era and lunar-month facts Jiyi needs from the DILA Time Authority.

Reads the MySQL dump ../shared/data/dila-calendar/authority_time/SQL/authority_time_chinese.sql
(Dharma Drum Institute of Liberal Arts, CC BY-SA 3.0) and writes
crates/jiyi-ingest/data/dila-calendar.txt, which jiyi-ingest embeds with include_str! so the
binary never needs ../shared at run time. Python 3 standard library only.

    scripts/extract-calendar.py [--sql PATH] [--out PATH]

What is extracted (facts only, no prose from the source):
  * dynasties: DILA id and names (primary name first, alternatives after);
  * eras (年號): dynasty, era names (primary + alternatives, Chinese only), the emperors under
    whom the era ran, and the Julian Day of the first and last non-proleptic day (status 'S');
  * months: per era and year-in-era, the months in order with their number, leap mark and
    length in days, and the Julian Day Number of the first day of the year.

Era records that DILA splits by emperor (光緒34 runs under 德宗 and, after his death, under
恭宗) are merged when they share dynasty and name and follow each other (gap < 400 days);
records of the same name in the same dynasty that are far apart (唐 上元 674 and 760) stay
separate eras. A lunar month DILA splits into two records (status or era changes mid-month,
`start_from` > 1) is merged back when both halves belong to the same era; when only the later
half belongs to the era, the month is written with the day it starts from.

One correction of the source: the second half of a split month that carries another month's
number is joined to the month it continues (光緒34年十月 days 22-30, after the death of the
Guangxu emperor, are recorded as 十二月 from day 22); the script prints each such change.
"""

import argparse
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SQL = os.path.join(
    HERE, "..", "..", "shared", "data", "dila-calendar", "authority_time", "SQL",
    "authority_time_chinese.sql")
DEFAULT_OUT = os.path.join(HERE, "..", "crates", "jiyi-ingest", "data", "dila-calendar.txt")

# DILA language id of Traditional Chinese names (10 is Korean hangul: not matched in records).
ZHO_HANT = 1
# Eras of one dynasty and name further apart than this are different eras.
MERGE_GAP_DAYS = 400


def parse_values(text):
    """Rows of a MySQL `INSERT ... VALUES (...),(...)` tail: ints, None or strings."""
    rows, i, n = [], 0, len(text)
    while i < n:
        if text[i] != "(":
            raise ValueError("expected ( at %d: %r" % (i, text[i:i + 20]))
        i += 1
        row = []
        while True:
            if text[i] == "'":
                j, buf = i + 1, []
                while text[j] != "'":
                    if text[j] == "\\":
                        buf.append(text[j + 1])
                        j += 2
                    else:
                        buf.append(text[j])
                        j += 1
                row.append("".join(buf))
                i = j + 1
            else:
                j = i
                while text[j] not in ",)":
                    j += 1
                value = text[i:j]
                row.append(None if value == "NULL" else int(value))
                i = j
            if text[i] == ",":
                i += 1
                continue
            i += 1  # ')'
            break
        rows.append(row)
        if i < n and text[i] == ",":
            i += 1
    return rows


def read_tables(path):
    tables = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("INSERT INTO `"):
                continue
            name = line[len("INSERT INTO `"):line.index("`", len("INSERT INTO `"))]
            tail = line[line.index(" VALUES ") + len(" VALUES "):].rstrip().rstrip(";")
            tables[name].extend(parse_values(tail))
    return tables


def names_by_id(rows):
    """{id: [names by ranking]} for Traditional Chinese names."""
    out = collections.defaultdict(list)
    for ident, name, ranking, language in sorted(rows, key=lambda r: (r[0], r[2])):
        if language == ZHO_HANT and not name.startswith("（") and name not in out[ident]:
            out[ident].append(name)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sql", default=DEFAULT_SQL)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    t = read_tables(args.sql)
    dynasty_names = names_by_id(t["t_dynasty_names"])
    emperor_names = names_by_id(t["t_emperor_names"])
    era_names = names_by_id(t["t_era_names"])
    emperor_dynasty = {e: d for e, d in t["t_emperor"]}
    era_emperor = {e: emp for e, emp in t["t_era"]}

    # month columns: id, year, month, month_name, leap_month, era_id, first, last, ganzhi,
    # start_from, status, eclipse
    months_by_era = collections.defaultdict(list)
    for row in t["t_month"]:
        months_by_era[row[5]].append(row)

    # Group era records by (dynasty, primary name), then split where far apart.
    groups = collections.defaultdict(list)
    for era_id, names in era_names.items():
        if not names or era_id not in era_emperor or not months_by_era.get(era_id):
            continue
        dynasty = emperor_dynasty[era_emperor[era_id]]
        if dynasty_names[dynasty][:1] == ["民國"]:
            # Minguo dates are solar (Gregorian) from 1912: Jiyi converts them by arithmetic,
            # not with DILA's lunar months of 民國元年.
            continue
        first = min(r[6] for r in months_by_era[era_id])
        last = max(r[7] for r in months_by_era[era_id])
        groups[(dynasty, names[0])].append((first, last, era_id))

    eras = []
    for (dynasty, name), records in groups.items():
        records.sort()
        cluster = [records[0]]
        for rec in records[1:]:
            if rec[0] - max(r[1] for r in cluster) > MERGE_GAP_DAYS:
                eras.append((dynasty, name, cluster))
                cluster = [rec]
            else:
                cluster.append(rec)
        eras.append((dynasty, name, cluster))
    eras.sort(key=lambda e: (e[2][0][0], e[0], e[1]))

    lines = []
    used_dynasties = sorted({e[0] for e in eras})
    for d in used_dynasties:
        lines.append("D\t%d\t%s" % (d, "|".join(dynasty_names[d])))

    total_months = 0
    for dynasty, name, cluster in eras:
        ids = [r[2] for r in cluster]
        aliases = []
        emperors = []
        for i in ids:
            for n in era_names[i]:
                if n not in aliases:
                    aliases.append(n)
            for n in emperor_names.get(era_emperor[i], []):
                if n not in emperors:
                    emperors.append(n)
        # Merge month records: the halves of a split month, and the same month recorded
        # under two era records of the cluster, become one month (intervals that touch or
        # overlap with the same year, number and leap mark). A year may name a month number
        # twice (太初元年 has 十月 of the old and of the new calendar): those stay apart.
        records = sorted(
            (r[6], r[7], r[1], r[2], r[4], r[9]) for i in ids for r in months_by_era[i])
        statuses = [(r[6], r[7], r[10]) for i in ids for r in months_by_era[i]]
        merged = []  # [first, last, year, month, leap, start_from]
        for first, last, year, month, leap, start in records:
            if merged:
                m = merged[-1]
                if (start > 1 and first == m[1] + 1 and m[2] == year
                        and (month, leap) != (m[3], m[4])
                        and m[1] - m[0] + m[5] == start - 1):
                    # The second half of a split month carrying another month's number
                    # (光緒34年: 十月 days 22-30 are recorded as 十二月 from day 22).
                    print("relabelled %s %s %d: month %s%d from day %d -> %s%d" % (
                        dynasty, name, year, "L" if leap else "", month, start,
                        "L" if m[4] else "", m[3]), file=sys.stderr)
                    month, leap = m[3], m[4]
                if (m[2], m[3], m[4]) == (year, month, leap) and first <= m[1] + 1:
                    m[1] = max(m[1], last)
                    continue
            merged.append([first, last, year, month, leap, start])
        standard = [s for s in statuses if s[2] == "S"]
        s_first = min(s[0] for s in standard) if standard else min(s[0] for s in statuses)
        s_last = max(s[1] for s in standard) if standard else max(s[1] for s in statuses)
        lines.append("E\t%d\t%s\t%s\t%d\t%d" % (
            dynasty, "|".join(aliases), "|".join(emperors), s_first, s_last))
        years = collections.defaultdict(list)
        for first, last, year, month, leap, start in merged:
            years[year].append((first, last, start, month, leap))
        for year in sorted(years):
            ms = sorted(years[year])
            tokens = []
            for k, (first, last, start, month, leap) in enumerate(ms):
                token = "%s%d:%d" % ({0: "", 1: "L", 2: "H"}[leap], month, last - first + 1)
                if start != 1:
                    token += "@%d" % start
                if k > 0 and first != ms[k - 1][1] + 1:
                    gap = first - ms[k - 1][1] - 1
                    if gap < 0:
                        raise SystemExit("overlap in %s %s year %d before month %d" % (
                            dynasty, name, year, month))
                    token += "+%d" % gap
                tokens.append(token)
            total_months += len(ms)
            lines.append("%d\t%d\t%s" % (year, ms[0][0], ",".join(tokens)))

    header = """\
# Chinese reign eras and lunar months, extracted from the DILA Time Authority Database.
# Source: Dharma Drum Institute of Liberal Arts (DILA, 法鼓文理學院), Buddhist Studies Authority
#   Databases, authority_time/SQL/authority_time_chinese.sql (http://authority.dila.edu.tw/),
#   read from ../shared/data/dila-calendar (commit %s).
# Licence: Creative Commons Attribution-ShareAlike 3.0 Unported
#   (http://creativecommons.org/licenses/by-sa/3.0/); this extract is shared under the same licence.
# Made by scripts/extract-calendar.py (do not edit by hand; run the script again).
# Facts only: %d eras, %d lunar months.
#
# Format (tab-separated):
#   D  dynasty-id  names (primary|alternatives)
#   E  dynasty-id  era names (primary|alternatives)  emperors  first-JD  last-JD
#      (the era's non-proleptic extent in Julian Day Numbers; years outside it are DILA's
#       proleptic records, still convertible)
#   year-in-era  JD-of-first-day  months
#      months in order, comma-separated: [L=閏|H=後]number:days[@start-day]
#      (@n: the era begins on day n of that lunar month, whose first JD is day n;
#       +n: n days belonging to another era come before this month)
#   Month numbers -1 and -2 are DILA's 臘 and 一 of the 周正 calendar (武周).
# Correction: 光緒34年十月 days 22-30, recorded in the source as 十二月 from day 22, are joined
#   to 十月. Minguo (民國) is left out: Minguo dates are Gregorian.
""" % (read_commit(args.sql), len(eras), total_months)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        f.write("\n".join(lines))
        f.write("\n")
    print("%d dynasties, %d eras, %d months -> %s (%d bytes)" % (
        len(used_dynasties), len(eras), total_months, args.out, os.path.getsize(args.out)),
        file=sys.stderr)


def read_commit(sql_path):
    path = os.path.join(os.path.dirname(sql_path), "..", "..", "SOURCE_COMMIT")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
