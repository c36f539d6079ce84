#!/usr/bin/env bats
# The messages in Korean (issue 21): po/ko.po complete, every message of the
# code in the template, errors in both languages with the same exit status,
# what machines read unchanged by the locale, Hangul in aligned text tables.
load helpers

TOP=$BATS_TEST_DIRNAME/..

# The Korean tests need the locale (make deps generates it).
need_ko() {
	locale -a 2>/dev/null | grep -qix 'ko_KR.utf-\?8' || skip "no ko_KR.UTF-8 locale (make deps)"
}

# run_ko ARGS...: run a command with the messages in Korean.
run_ko() { run --separate-stderr env LC_ALL=ko_KR.UTF-8 "$@"; }

# Five customers' orders as of 2026-11-01 (segment.bats' five): d is At Risk.
five() {
	csv orders.csv order_id,customer_id,email,ordered_at,amount,currency,status \
		1,a,a@x.kr,2026-10-31,1000,KRW,paid \
		2,b,b@x.kr,2026-10-01,1000,KRW,paid 3,b,,2026-10-20,2000,KRW,paid \
		4,c,c@x.kr,2026-07-01,2000,KRW,paid 5,c,,2026-08-01,2000,KRW,paid \
		6,c,,2026-09-01,2000,KRW,paid \
		8,d,d@x.kr,2026-02-01,2500,KRW,paid 9,d,,2026-03-01,2500,KRW,paid \
		11,d,,2026-05-01,2500,KRW,paid \
		12,e,e@x.kr,2025-06-01,4000,KRW,paid 13,e,,2025-07-01,4000,KRW,paid \
		14,e,,2025-08-01,4000,KRW,paid 15,e,,2025-09-01,4000,KRW,paid \
		16,e,,2025-11-01,4000,KRW,paid
}

# Survey answers by channel, two of them Korean names.
answers() {
	csv a.csv response_id,answered_at,score,channel \
		1,2026-11-01,10,카카오톡 2,2026-11-02,9,카카오톡 3,2026-11-03,3,email \
		4,2026-11-04,7,"네이버 스마트스토어" 5,2026-11-05,0,email
}

@test "i18n: po/ko.po has no untranslated or fuzzy message" {
	run msgattrib --untranslated "$TOP/po/ko.po"
	assert_success
	assert_output ""
	run msgattrib --only-fuzzy "$TOP/po/ko.po"
	assert_success
	assert_output ""
	# and compiles with its formats checked against the English ones
	run msgfmt --check -o /dev/null "$TOP/po/ko.po"
	assert_success
}

@test "i18n: every message of the code is in the template, and translated" {
	# xgettext over cmd/ and lib/ now, with the Makefile's keywords
	make -s -C "$TOP" pot-new POT_NEW="$BATS_TEST_TMPDIR/new.pot" 2>xgettext.err ||
		fail "$(cat xgettext.err)"
	# a message of the code missing from po/crm.pot (a new _() without make pot)
	run msgcmp --use-untranslated "$TOP/po/crm.pot" new.pot
	assert_success
	# a message of the template the code no longer has
	run msgcmp --use-untranslated new.pot "$TOP/po/crm.pot"
	assert_success
	# every message of the template has its Korean
	run msgcmp "$TOP/po/ko.po" "$TOP/po/crm.pot"
	assert_success
}

@test "i18n: a bad option in Korean, English, and a locale that does not exist" {
	need_ko
	run_ko crm-nps --bogus
	assert_failure 2
	assert_output ""
	[[ "$stderr" == *"자세한 내용은 'crm-nps --help'를 실행해 보세요."* ]]
	run --separate-stderr crm-nps --bogus
	assert_failure 2
	[[ "$stderr" == *"Try 'crm-nps --help' for more information."* ]]
	run_ko crm-nps --format xml
	assert_failure 2
	[ "${stderr_lines[0]}" = "crm-nps: --format은 csv, text, json 중 하나여야 합니다 ('xml'은(는) 안 됨)" ]
	# no such locale: English, and not a word about the locale
	run --separate-stderr env LC_ALL=xx_XX.UTF-8 crm-nps --format xml
	assert_failure 2
	[ "$stderr" = "crm-nps: --format must be csv, text or json, not 'xml'
Try 'crm-nps --help' for more information." ]
}

@test "i18n: a bad value at FILE:LINE: column C in both languages, the same exit status" {
	need_ko
	csv bad.csv order_id,customer_id,ordered_at,amount,currency O1,C1,2024-13-01,100,KRW
	run_ko crm-import orders bad.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: bad.csv:2: 열 'ordered_at': '2024-13-01'은(는) 날짜가 아닙니다" ]
	[ "${stderr_lines[1]}" = "crm-import: orders: 1건 읽음, 0건 추가, 0건 갱신, 0건 변경 없음, 1건 거부" ]
	run --separate-stderr crm-import orders bad.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: bad.csv:2: column 'ordered_at': '2024-13-01' is not a date" ]
	# a line language's error keeps its place: FILE:LINE: column C
	printf 'VIP: recency < 30 and\n' >r.rules
	five
	crm-import -q orders orders.csv
	run_ko crm-segment --as-of 2026-11-01 --rules r.rules
	assert_failure 2
	[ "$stderr" = "crm-segment: r.rules:1: 열 19: 'and' 뒤에 조건이(가) 와야 합니다" ]
	run --separate-stderr crm-segment --as-of 2026-11-01 --rules r.rules
	assert_failure 2
	[ "$stderr" = "crm-segment: r.rules:1: column 19: expected a condition after 'and'" ]
}

@test "i18n: a missing database in Korean, through LANGUAGE too, the same exit status" {
	need_ko
	run_ko crm-segment --db nope.db --save
	assert_failure 3
	[ "${stderr_lines[0]}" = "crm-segment: nope.db: 그런 데이터베이스가 없습니다 (먼저 crm-import로 가져오세요)" ]
	# LANGUAGE picks the language once the locale is not C
	run --separate-stderr env -u LC_ALL LANG=ko_KR.UTF-8 LANGUAGE=ko crm-segment --db nope.db --save
	assert_failure 3
	[ "${stderr_lines[0]}" = "crm-segment: nope.db: 그런 데이터베이스가 없습니다 (먼저 crm-import로 가져오세요)" ]
	run --separate-stderr crm-segment --db nope.db --save
	assert_failure 3
	[ "${stderr_lines[0]}" = "crm-segment: nope.db: no such database (import something first: crm-import)" ]
}

@test "i18n: help and crm(1)'s command list in Korean" {
	need_ko
	run_ko crm --help
	assert_success
	assert_line "사용법: crm COMMAND [ARGS...]"
	assert_line "  segment    고객의 RFM 점수와 세그먼트, 세그먼트 간 이동"
	run_ko crm-segment --help
	assert_success
	# the synopsis keeps its options and its alignment under "사용법: "
	assert_line "사용법: crm-segment [--db PATH] [-t | -d CHAR] [--tz ZONE] [--as-of DATE]"
	assert_line "        crm-segment --runs"
}

@test "i18n: CSV output is the same byte for byte in both languages" {
	need_ko
	five
	crm-segment --as-of 2026-11-01 orders.csv >en.csv
	env LC_ALL=ko_KR.UTF-8 crm-segment --as-of 2026-11-01 orders.csv >ko.csv
	cmp en.csv ko.csv
	crm-segment --as-of 2026-11-01 --summary orders.csv >en.csv
	env LC_ALL=ko_KR.UTF-8 crm-segment --as-of 2026-11-01 --summary orders.csv >ko.csv
	cmp en.csv ko.csv
	answers
	crm-nps --by channel a.csv >en.csv 2>/dev/null
	env LC_ALL=ko_KR.UTF-8 crm-nps --by channel a.csv >ko.csv 2>/dev/null
	cmp en.csv ko.csv
	crm-nps --by channel --format json a.csv >en.json 2>/dev/null
	env LC_ALL=ko_KR.UTF-8 crm-nps --by channel --format json a.csv >ko.json 2>/dev/null
	cmp en.json ko.json
	# and the header is the English one
	[ "$(head -n 1 ko.csv)" = "channel,n,promoters,passives,detractors,promoters_pct,passives_pct,detractors_pct,nps,margin,adj_low,adj_high,no_answer" ]
}

@test "i18n: --segment 이탈위험 is --segment 'At Risk', in both languages" {
	need_ko
	five
	crm-segment --as-of 2026-11-01 --segment 'At Risk' orders.csv >en.csv
	# segment.bats: d (r=184, f=3 here) is the one At Risk
	[ "$(cut -d, -f1,14 en.csv)" = "customer_id,segment
d,At Risk" ]
	crm-segment --as-of 2026-11-01 --segment 이탈위험 orders.csv >label.csv
	cmp en.csv label.csv
	env LC_ALL=ko_KR.UTF-8 crm-segment --as-of 2026-11-01 --segment 'At Risk' orders.csv >ko.csv
	cmp en.csv ko.csv
	env LC_ALL=ko_KR.UTF-8 crm-segment --as-of 2026-11-01 --segment 이탈위험 orders.csv >ko.csv
	cmp en.csv ko.csv
	# an unknown one lists the names, and in Korean their labels beside them
	run_ko crm-segment --as-of 2026-11-01 --segment 없음 orders.csv
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"'At Risk' (이탈위험)"* ]]
}

@test "i18n: a text table with Hangul stays aligned, its headings in Korean" {
	need_ko
	answers
	env LC_ALL=ko_KR.UTF-8 crm-nps --by channel --format text a.csv >t.txt 2>/dev/null
	# every line as wide on a terminal as the header: the last column is a
	# right-aligned number; Hangul takes two columns each (wc -L counts so)
	n=0
	while IFS= read -r line; do
		w=$(printf '%s\n' "$line" | LC_ALL=ko_KR.UTF-8 wc -L)
		[ -n "${want:-}" ] || want=$w
		[ "$w" -eq "$want" ] || fail "line $n is $w columns wide, not $want: $line"
		n=$((n + 1))
	done <t.txt
	[ "$n" -eq 4 ]         # the header and three channels
	run head -n 1 t.txt
	[[ "$output" == "채널"*"응답수"*"추천"*"무응답" ]]
	# the values stay as they are: channel names, numbers
	grep -q '^카카오톡 ' t.txt
	grep -q '^네이버 스마트스토어 ' t.txt
	# English: the same table with the column names of the CSV
	crm-nps --by channel --format text a.csv 2>/dev/null | head -n 1 | grep -q '^channel  *n  *promoters'
}

@test "i18n: crm(7) in Korean is the whole English page: its sections, list items and examples" {
	en=$BATS_TEST_DIRNAME/../man/crm.7 ko=$BATS_TEST_DIRNAME/../man/ko/crm.7
	# count MACRO FILE: its lines
	count() { grep -c "^\.$1\b" "$2" || true; }
	for m in Sh It Bl Dl Xr; do
		[ "$(count $m "$ko")" = "$(count $m "$en")" ] ||
			fail ".$m: $(count $m "$ko") in Korean, $(count $m "$en") in English"
	done
	# the Korean page has one sub-section more (언어: the messages' language)
	# and one example more (a report in Korean)
	[ "$(count Ss "$ko")" = $(($(count Ss "$en") + 1)) ] || fail ".Ss: $(count Ss "$ko")"
	[ "$(count Bd "$ko")" = $(($(count Bd "$en") + 1)) ] || fail ".Bd: $(count Bd "$ko")"
	# every line of every English example block, word for word and in order
	blocks() { awk '/^\.Bd -literal/ { on = 1; next } /^\.Ed/ { on = 0 } on' "$1"; }
	run diff <(blocks "$en") <(blocks "$ko")
	refute_output --partial '<'
	diff <(grep '^\.Dl' "$en") <(grep '^\.Dl' "$ko")
	run mandoc -Tlint -W warning "$ko"
	assert_success
	assert_output ''
}
