#!/usr/bin/env bats
# crm-report in Korean (LC_ALL=ko_KR.UTF-8) and in English: the demo shop's
# week 2026-W46, its headings, Korean dates, weeks, money and counter
# words, JSON the same in both, text tables aligned in display columns;
# l10n.h's forms through tests/unit/l10ncheck; make install's Korean pages
# and catalogue.
load helpers

# The demo shop of make demo (bench/demo): imports, two saved segment runs
# (2026-11-09, 2026-11-16), a month of loyalty points, once for the file.
setup_file() {
	export DEMO=$BATS_FILE_TMPDIR/demo.db
	CRM_DEMO_DB=$DEMO "$BATS_TEST_DIRNAME/../bench/demo" "$CRM_BUILD_DIR" >/dev/null 2>&1
}

# ko: the Korean tests need the locale (make deps generates it)
ko() {
	locale -a 2>/dev/null | grep -qix 'ko_KR.utf8' || skip "no ko_KR.UTF-8 locale (make deps makes it)"
}

# report LOCALE ARGS...: the demo's weekly report as make demo prints it
report() {
	local loc=$1
	shift
	LC_ALL=$loc crm-report --db "$DEMO" --tz Asia/Seoul --as-of 2026-11-16 \
		--sla first=4h,resolve=48h "$@"
}

# aligned FILE TABLE...: in the text report FILE, every metric block, the
# tables titled TABLE and the charts have their columns aligned in display
# columns (a Hangul syllable takes two): each column of a row starts where
# its head starts (text) or ends where its head ends (figures), the same for
# every row, or is empty; each chart's bars start in one column and its
# figures 32 columns after.
aligned() {
	python3 - "$@" <<'EOF'
import re, sys, unicodedata

def grid(line):
    """The character at each display column (a wide one fills two)."""
    g = []
    for ch in line:
        g += [ch] * (2 if unicodedata.east_asian_width(ch) in "WF" else 1)
    return g

def at(g, c):
    return g[c] if 0 <= c < len(g) else " "

def heads(line):
    """The head's cells: (first, past-last) display columns of each run of
    text between runs of two or more spaces."""
    g, out, c = grid(line), [], 0
    while c < len(g):
        if g[c] == " ":
            c += 1
            continue
        s = c
        while c < len(g) and not (g[c] == " " and at(g, c + 1) == " "):
            c += 1
        out.append((s, c))
    return out

def kind(g, s, e):
    if all(at(g, c) == " " for c in range(s, e)):
        return "empty"
    if at(g, s) != " " and at(g, s - 1) == " ":
        right = at(g, e - 1) != " " and at(g, e) == " "
        return "both" if right else "left"
    if at(g, e - 1) != " " and at(g, e) == " ":
        return "right"
    return None

def check(name, head, rows, skip=0):
    cols = heads(head)[skip:]
    for j, (s, e) in enumerate(cols):
        seen = set()
        for r in rows:
            k = kind(grid(r), s, e)
            assert k, "%s: column %d (%s) misplaced in %r" % (name, j, head[s:e], r)
            if k != "empty":
                seen.add(k)
        assert len(seen - {"both"}) <= 1, "%s: column %d both left and right: %s" % (name, j, seen)

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
tables, metrics, charts = set(sys.argv[2:]), 0, 0
found = set()
for i, line in enumerate(lines):
    # a section's metrics: its title, then the head of two periods
    if line and line[0] != " " and i + 1 < len(lines) and lines[i + 1].startswith(" " * 30):
        rows = []
        for r in lines[i + 2:]:
            if not r.startswith("  ") or r.startswith("  ("):
                break
            rows.append(r)
        check(line, lines[i + 1], rows)
        metrics += 1
    # a table's or a chart's title, then its lines
    if not re.match(r"^  \S", line):
        continue
    title, rows = line[2:], []
    for r in lines[i + 1:]:
        if not r.startswith("    ") or r.startswith("    ... "):
            break
        rows.append(r)
    if title in tables:
        assert len(rows) > 1, title
        check(title, rows[0], rows[1:])
        found.add(title)
    elif any("#" in r for r in rows):
        rows = [grid(r) for r in rows]
        bar = min(g.index("#") for g in rows if "#" in g)
        for g in rows:
            assert "#" not in g or g.index("#") == bar, (title, "".join(g))
            assert at(g, bar + 31) == " " and at(g, bar + 32) != " ", (title, "".join(g))
        charts += 1
assert found == tables, tables - found
assert metrics >= 7 and charts == 2, (metrics, charts)
EOF
}

@test "report_ko: the demo shop's week in Korean: headings, dates, weeks, money and counters" {
	ko
	run -0 report ko_KR.UTF-8
	# 2026-11-09 .. 11-15 is ISO week 46: its Thursday 11-12 is day 316 of
	# the year (Jan 1 a Thursday), (316 - 1) / 7 + 1 = 46; W45 the week before.
	# 2026-11-16 is a Monday: Jan 1 (Thursday) + 319 days = 45 weeks + 4 days.
	assert_line --index 0 "고객 보고서 2026년 46주차 (2026-W46), 비교 기간 2026년 45주차 (2026-W45)"
	assert_line --index 1 "기준일 2026년 11월 16일 (월); 금액 단위 원"
	for h in 고객 매출 세그먼트 만족도 "고객 서비스" 리뷰 "고객의 목소리" "포인트와 등급"; do
		assert_line "$h"
	done
	# the figures of make demo's English report (31 and 25 customers, 34 and
	# 29 orders): +6 of 25 = +24.0%, +5 of 29 = +17.2%; revenue 1,386,800 -
	# 1,630,200 = -243,400, of 1,630,200 = -14.9%
	assert_line --regexp '^  구매 고객 +31명 +25명  \+6명 \(\+24\.0%\)$'
	assert_line --regexp '^  주문 +34건 +29건  \+5건 \(\+17\.2%\)$'
	assert_line --regexp '^  매출 +1,386,800원 +1,630,200원  -243,400원 \(-14\.9%\)$'
	# 64.5% - 56.0% = +8.5 percentage points; hours as 시간
	assert_line --regexp '^  재구매율 +64\.5% +56\.0%  \+8\.5%p$'
	assert_line --regexp '^  해결 시간, 90백분위 +26\.4시간 +0\.2시간  \+26\.2시간$'
	assert_line --regexp '^  리뷰 +9건 +5건  \+4건 \(\+80\.0%\)$'
	assert_line --regexp '^  리뷰 작성 고객 +9명 +5명  \+4명 \(\+80\.0%\)$'
	assert_line --partial "(이탈: 365일 동안 주문 없음)"
	# the weekly chart's twelve weeks end with W46: W35 starts 2026-08-24
	assert_line --regexp '^    2026년 35주차 \(2026-W35\)  #+ +838,200원$'
	assert_line --regexp '^    2026년 46주차 \(2026-W46\)  #+ +1,386,800원$'
	# the oldest unanswered negative review, posted 2024-11-27: day 332 of
	# leap 2024 (305 days to November), Jan 1 a Monday, 331 = 47 weeks + 2: Wednesday
	assert_line --regexp '^    2024년 11월 27일 \(수\)  +2  안정희 +coupang  별로예요$'
	assert_line --partial "(2026년 11월 16일 (월) 기준 저장 실행 2번과 2026년 11월 9일 (월) 기준 실행 1번 비교)"
	# names the catalogue knows; a tier of the shop's own program as it is
	assert_line --regexp '^    이탈위험 +31 +4\.7% +0$'
	assert_line --regexp '^    높음 +2 +0 +1$'
	assert_line --regexp '^    Gold +18 +0 +0$'
	assert_line "    ... 외 5건"
	refute_output --partial " KRW"
	refute_output --partial "Customer report"
}

@test "report_ko: the same report in English keeps its forms" {
	run -0 report C.UTF-8
	assert_line --index 0 "Customer report 2026-W46, against 2026-W45"
	assert_line --index 1 "as of 2026-11-16; money in KRW"
	assert_line --regexp '^  Active customers +31 +25  \+6 \(\+24\.0%\)$'
	assert_line --regexp '^  Revenue +1,386,800 KRW +1,630,200 KRW  -243,400 KRW \(-14\.9%\)$'
	assert_line --regexp '^    2026-08-24  #+ +838,200 KRW$'
	assert_line --regexp '^    2024-11-27  +2  안정희 +coupang +별로예요$'
	assert_line "    ... and 5 more"
	refute_output --regexp '[0-9]원'

}

@test "report_ko: text tables stay aligned in display columns, in Korean and in English" {
	ko
	report ko_KR.UTF-8 >ko.txt
	aligned ko.txt "세그먼트별 고객" "가장 큰 이동" "채널별 문의" "유형별 문의" \
		"우선순위별 SLA 위반" "답변 없는 부정 리뷰" "주요 주제" "등급별 회원"
	report C.UTF-8 >en.txt
	aligned en.txt "Customers per segment" "Biggest moves" "Tickets by channel" \
		"Tickets by category" "SLA breaches by priority" "Negative reviews without a reply" \
		"Top topics" "Members per tier"
	# the check fails on a table padded in bytes: a Hangul cell three bytes
	# a syllable pushes its row's later columns
	sed 's/^    휴면     /    휴면 /' ko.txt >bad.txt
	run aligned bad.txt "세그먼트별 고객"
	assert_failure
	assert_output --partial "세그먼트별 고객: column 1"
}

@test "report_ko: JSON is the same in both languages; Markdown and HTML in Korean" {
	ko
	report ko_KR.UTF-8 --format json >ko.json
	report C.UTF-8 --format json >en.json
	cmp ko.json en.json
	grep -q '"title": "Customers"' ko.json
	run -0 report ko_KR.UTF-8 --format markdown
	assert_line --index 0 "# 고객 보고서 2026년 46주차 (2026-W46)"
	assert_line "비교 기간 2026년 45주차 (2026-W45); 기준일 2026년 11월 16일 (월); 금액 단위 원."
	assert_line "## 고객의 목소리"
	assert_line "| 구매 고객 | 31명 | 25명 | +6명 (+24.0%) |"
	assert_line "| 2026년 46주차 (2026-W46) | 1,386,800원 |"
	assert_line "| 2024년 11월 27일 (수) | 2 | 안정희 |  | coupang | 별로예요 |"
	report ko_KR.UTF-8 --format html >ko.html
	grep -q '^<html lang="ko">' ko.html
	grep -q '<h2[^>]*>고객</h2>' ko.html
	grep -q '<title>고객 보고서 2026년 46주차 (2026-W46)</title>' ko.html
	# the columns' ticks: the weeks' first days, 2026-08-24 .. 11-09
	grep -q '>8월 24일</text>' ko.html
	grep -q '>11월 9일</text>' ko.html
	report C.UTF-8 --format html >en.html
	grep -q '^<html lang="en">' en.html
	grep -q '>08-24</text>' en.html
}

@test "report_ko: months, spans of days and a chart with nothing to show, in Korean" {
	ko
	run -0 report ko_KR.UTF-8 --period 2026-10
	assert_line --index 0 "고객 보고서 2026년 10월, 비교 기간 2026년 9월"
	# a Sunday week start makes a span: Sun 2026-11-08 .. Sat 11-14
	run -0 report ko_KR.UTF-8 --week-start sun
	assert_line --index 0 "고객 보고서 2026년 11월 8일 (일) ~ 11월 14일 (토), 비교 기간 2026년 11월 1일 (일) ~ 11월 7일 (토)"
	# no order in the 12 weeks to 2016's week 46: 2016-01-04 is the Monday
	# of W01 (Jan 1 a Friday), + 45 weeks = day 319 = 2016-11-14 (305 days to
	# November), W46's Sunday 11-20; W35 starts 77 days before: 2016-08-29
	run -0 report ko_KR.UTF-8 --period 2016-W46 --currency KRW
	assert_line --index 0 "고객 보고서 2016년 46주차 (2016-W46), 비교 기간 2016년 45주차 (2016-W45)"
	assert_line --regexp '^  주문 +0건 +0건  0건$'
	assert_line "  주간 매출: 2016년 8월 29일 (월)부터 2016년 11월 20일 (일)까지 12주 동안 주문 없음"
	run -0 report C.UTF-8 --period 2016-W46 --currency KRW
	assert_line "  Weekly revenue: no orders in the 12 weeks from 2016-08-29 to 2016-11-20"
}

@test "report_ko: l10n.h's forms, counted by hand" {
	T=$CRM_BUILD/t/l10ncheck
	check() { run -0 "$T" "${@:2}"; assert_output "$1"; }
	# 2026-11-16 is a Monday (above); ISO week 47
	check "2026년 11월 16일 (월)" date 2026-11-16 ko
	check "2026-11-16" date 2026-11-16 en
	check "2026년 47주차 (2026-W47)" week 2026-11-16 ko
	check "2026-W47" week 2026-11-22 en
	# 2021-01-03, a Sunday, closes 2020's week 53 (2020-12-31 is its
	# Thursday); 2024-12-30, a Monday, opens 2025-W01 (its Thursday is 2025-01-02)
	check "2020년 53주차 (2020-W53)" week 2021-01-03 ko
	check "2025년 1주차 (2025-W01)" week 2024-12-30 ko
	check "2024년 2월 29일 (목)" date 2024-02-29 ko
	check "1월 5일" tick 2026-01-05 ko
	check "01-05" tick 2026-01-05 en
	check "2026년 46주차 (2026-W46)" period last-week 2026-11-16 ko
	check "2026-W46" period last-week 2026-11-16 en
	check "2026년 2월" period 2026-02 2026-03-10 ko
	check "2026년 11월 1일 (일) ~ 11월 10일 (화)" span 2026-11-01 2026-11-10 ko
	check "2025년 12월 28일 (일) ~ 2026년 1월 3일 (토)" span 2025-12-28 2026-01-03 ko
	check "2025-12-28..2026-01-03" span 2025-12-28 2026-01-03 en
	# KRW has no minor unit: 1386800 minor units are 1,386,800 won
	check "1,386,800원" money 1386800 KRW ko
	check "1,386,800 KRW" money 1386800 KRW en
	check "-243,400원" money -243400 KRW ko
	check "0원" money 0 KRW ko
	check "1,234.50 USD" money 123450 USD ko
	check "-0.05 EUR" money -5 EUR ko
	check "92,233,720,368,547,758.07 USD" money 9223372036854775807 USD ko
	check "1,234,567.891" group 1234567.891
	check "-100" group -100
	check "999" group 999
	# the counters come from the catalogue: bare in English
	export L10NCHECK_LOCALEDIR=$CRM_BUILD_DIR/locale
	check "31" count 31 people
	check "en" lang
	ko
	export LC_ALL=ko_KR.UTF-8
	check "ko" lang
	check "31명" count 31 people
	check "+5건" count +5 cases
	check "2장" count 2 coupons
	check "15,760점" count 15,760 points
	check "7" count 7 bare
	# LANGUAGE picks the language before LC_ALL, as gettext reads it
	LANGUAGE=en check "en" lang
	run "$T" count 1 dozens
	assert_failure 2
	run "$T" date 2026-02-30 ko
	assert_failure 2
	assert_output --partial "'2026-02-30' is not a date"
}

@test "report_ko: make install puts the Korean pages and the catalogue under the prefix, where crm-report finds it" {
	ko
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	# a build of its own: the catalogue's directory is compiled in from PREFIX
	run make -s -C "$top" -j2 B="$BATS_TEST_TMPDIR/b" PREFIX="$BATS_TEST_TMPDIR/usr" \
		CFLAGS=-O1 install
	assert_success
	u=$BATS_TEST_TMPDIR/usr
	[ -f "$u/share/man/ko/man1/crm.1" ] && [ -f "$u/share/man/ko/man7/crm.7" ]
	[ -f "$u/share/man/man1/crm.1" ] && [ -f "$u/share/locale/ko/LC_MESSAGES/crm.mo" ]
	# man-db's path for LANG=ko_KR: the Korean page, not the English one
	grep -q '^\.Sh 설명' "$u/share/man/ko/man1/crm.1"
	# nothing beside the installed command: the catalogue is the prefix's
	[ ! -e "$u/bin/locale" ]
	run -0 env LC_ALL=ko_KR.UTF-8 "$u/bin/crm-report" --db "$DEMO" --tz Asia/Seoul --as-of 2026-11-16
	assert_line --index 0 "고객 보고서 2026년 46주차 (2026-W46), 비교 기간 2026년 45주차 (2026-W45)"
	run -0 env LC_ALL=C.UTF-8 "$u/bin/crm-report" --db "$DEMO" --tz Asia/Seoul --as-of 2026-11-16
	assert_line --index 0 "Customer report 2026-W46, against 2026-W45"
	# without the catalogue: English, without a word on standard error
	rm "$u/share/locale/ko/LC_MESSAGES/crm.mo"
	run -0 --separate-stderr env LC_ALL=ko_KR.UTF-8 "$u/bin/crm-report" --db "$DEMO" --tz Asia/Seoul --as-of 2026-11-16
	assert_line --index 0 "Customer report 2026-W46, against 2026-W45"
	[ -z "$stderr" ]
}

@test "report_ko: --list N shows N negative reviews and counts the rest; 0 shows none" {
	run -0 report C.UTF-8 --list 3
	assert_line "    ... and 12 more"
	assert_line --regexp '^    2025-03-01  +1  홍예준 +coupang +Wrong shade$'
	run -0 report C.UTF-8 --list 0
	assert_line "    ... and 15 more"
	refute_output --regexp '^    2024-11-27 '
	run report C.UTF-8 --list -1
	assert_failure 2
}
