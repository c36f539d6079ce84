#!/usr/bin/env bats
# Customers' text reaches people escaped (issue 14, item 10): an ESC, an OSC
# title sequence, a C1 CSI (U+009B, bytes C2 9B) or a newline in a name, a
# channel, a comment, a campaign is shown as \xHH, \n, never obeyed, in every
# human-facing output: the text, Markdown and HTML reports, crm-nps's text
# tables, and every command's messages.  Machine formats keep the value:
# CSV/TSV its bytes (quoted), JSON as RFC 8259 escapes.
load helpers

# The hostile value, and what a person is shown of it.
H=$'X\e]0;pwned\aY\xc2\x9b2J|Z\nW'
SHOWN='X\x1b]0;pwned\x07Y\xc2\x9b2J|Z\nW'
C1=$'\xc2\x9b'

# A shop whose every free text is the hostile value, in week 2026-W46.
hostile_shop() {
	printf 'customer_id,email,name\na,a@x.kr,"%s"\n' "$H" >customers.csv
	printf 'order_id,customer_id,ordered_at,amount,currency,status\n1,a,2026-11-10,1000,KRW,paid\n' >orders.csv
	printf 'ticket_id,customer_id,channel,category,opened_at\nt1,a,"%s","#%s",2026-11-10T09:00:00\n' \
		"$H" "$H" >tickets.csv
	printf 'review_id,customer_id,rating,title,posted_at,platform,order_id\nr1,a,1,"%s",2026-11-10,"%s","%s"\n' \
		"$H" "$H" "$H" >reviews.csv
	printf 'response_id,customer_id,answered_at,score,comment,survey,channel\n' >responses.csv
	printf 's1,a,2026-11-10,2,"%s","%s","%s"\n' "$H" "$H" "$H" >>responses.csv
	for e in customers orders tickets reviews responses; do crm-import -q "$e" "$e.csv"; done
	# a campaign may hold a C1 control (only C0 and DEL are refused)
	printf 'customer_id\na\n' | crm-coupon issue --campaign "win${C1}back" --discount 10% \
		--expires 30d --now 2026-11-10T09:00:00 >codes.csv 2>issue.err
}

# inert FILE: no ESC, BEL or C1 CSI byte anywhere in FILE.
inert() {
	[ "$(grep -c $'\e' "$1")" -eq 0 ] || fail "$1 holds ESC"
	[ "$(grep -c $'\a' "$1")" -eq 0 ] || fail "$1 holds BEL"
	[ "$(LC_ALL=C grep -c "$C1" "$1")" -eq 0 ] || fail "$1 holds a C1 CSI"
}

@test "escape: the text report shows customers' control characters as \\xHH and forges no line" {
	hostile_shop
	crm-report --as-of 2026-11-16 >r.txt
	inert r.txt
	# customer, order, platform and title of the review; channel; category
	[ "$(grep -cF "$SHOWN" r.txt)" -eq 3 ]
	grep -qF "  $SHOWN  $SHOWN  $SHOWN  $SHOWN" r.txt
	grep -qF "    #$SHOWN        1" r.txt
	grep -qF "win\\xc2\\x9bback" r.txt
	# the newline in the value started no line of its own (the one line
	# starting with W is a section's title)
	! grep '^W' r.txt | grep -qvx 'What customers say'
}

@test "escape: the Markdown report escapes control characters, and a '|' or '#' in a value" {
	hostile_shop
	run crm-report --as-of 2026-11-16 --format markdown
	assert_success
	printf '%s\n' "$output" >r.md
	inert r.md
	# '|' escaped keeps the row at two cells, '#' escaped starts no heading
	assert_line '| X\x1b\]0;pwned\x07Y\xc2\x9b2J\|Z\nW | 1 |'
	assert_line '| \#X\x1b\]0;pwned\x07Y\xc2\x9b2J\|Z\nW | 1 |'
	assert_line --partial '| 2026-11-10 | 1 | X\x1b\]0;pwned\x07Y\xc2\x9b2J\|Z\nW |'
	assert_line --partial '| win\xc2\x9bback |'
	! grep -q '^W' r.md
}

@test "escape: the HTML report shows control characters as \\xHH text, which XML allows" {
	hostile_shop
	crm-report --as-of 2026-11-16 --format html >r.html
	inert r.html
	grep -qF '<td style="padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left">X\x1b]0;pwned\x07Y\xc2\x9b2J|Z\nW</td>' r.html
}

@test "escape: every SVG of the HTML report is well-formed XML, its font in the style attribute" {
	hostile_shop
	crm-segment --as-of 2026-11-16 --save >/dev/null
	crm-report --as-of 2026-11-16 --format html >r.html
	python3 - <<'EOF'
import re
import xml.etree.ElementTree as ET
page = open("r.html", encoding="utf-8").read()
svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
assert len(svgs) >= 2, len(svgs)
for svg in svgs:
    root = ET.fromstring(svg)      # a bare 'font-family:' is no attribute: ParseError
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    assert "font-family:" in root.get("style"), root.attrib
    assert not [k for k in root.attrib if ":" in k or not re.fullmatch(r"[a-zA-Z-]+", k)], root.attrib
EOF
}

@test "escape: the JSON report escapes C0 and C1 controls as \\u00XX and keeps the value" {
	hostile_shop
	crm-report --as-of 2026-11-16 --format json >r.json
	inert r.json
	grep -qF 'X\u001b]0;pwned\u0007Y\u009b2J|Z\nW' r.json
	H="$H" python3 - <<'EOF'
import json, os
r = json.load(open("r.json", encoding="utf-8"))
s = {x["key"]: x for x in r["sections"]}
chan = s["service"]["tables"][0]["rows"][0][0]
assert chan == os.environ["H"], repr(chan)
EOF
}

@test "escape: crm-nps text tables escape keys, comments and names; JSON escapes C1" {
	hostile_shop
	crm-nps --by channel,survey --format text - <responses.csv >by.txt
	inert by.txt
	grep -qF "$SHOWN  $SHOWN  1" by.txt
	crm-nps --detractors --format text >det.txt
	inert det.txt
	[ "$(grep -oF "$SHOWN" det.txt | wc -l)" -eq 4 ]
	crm-nps --detractors --format json >det.json
	inert det.json
	grep -qF '"comment": "X\u001b]0;pwned\u0007Y\u009b2J|Z\nW"' det.json
}

@test "escape: CSV keeps the bytes, quoted; TSV quotes a tab or a newline so the row stays whole" {
	hostile_shop
	crm-nps --by channel - <responses.csv >by.csv
	grep -q $'\e' by.csv
	T=$'tab\there\nnext'
	printf 'response_id\tanswered_at\tscore\tchannel\ns1\t2026-11-10\t9\t"%s"\n' "$T" >tabs.tsv
	crm-nps --by channel --tsv - <tabs.tsv >by.tsv 2>/dev/null
	T="$T" python3 - <<'EOF'
import csv, os
rows = list(csv.reader(open("by.tsv", encoding="utf-8", newline=""), delimiter="\t"))
assert len(rows) == 2 and rows[1][0] == os.environ["T"] and rows[1][1] == "1", rows
EOF
}

@test "escape: messages escape C1 controls and bytes that are not UTF-8, and cut between escapes" {
	# valid UTF-8 goes out as it is; a surrogate and a cut sequence byte by byte
	run --separate-stderr crm-report --tz $'가\xed\xa0\x80😀\xc2\xa0\xe2\x82'
	[ "${stderr%%$'\n'*}" = $'crm-report: --tz \'가\\xed\\xa0\\x80😀\xc2\xa0\\xe2\\x82\' is not a known time zone' ] ||
		fail "$stderr"
	# a long quoted value is cut between two escapes, with room for its end
	printf 'customer_id\na\n' | crm-import -q customers
	run --separate-stderr crm-coupon redeem "$(printf "$C1%.0s" {1..40})" --order 1
	[ "$status" -ne 0 ]
	[ "$stderr" = "crm-coupon: '$(printf '\\xc2\\x9b%.0s' {1..15})...' has a character that no code has (none has 0, O, 1, I or L): mistyped, check the code" ] ||
		fail "$stderr"
	# a value and a file name in a place message
	printf 'order_id,customer_id,ordered_at,amount\nO1,C1,2026%s,100\n' "$C1" >"bad${C1}.csv"
	run --separate-stderr crm-import orders --currency KRW "bad${C1}.csv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bad\\xc2\\x9b.csv:2: column 'ordered_at': '2026\\xc2\\x9b'"* ]] || fail "$stderr"
	[[ "$stderr" != *"$C1"* ]] || fail "a C1 control went through"
}

@test "escape: crm-coupon's summary shows a campaign's C1 control escaped" {
	hostile_shop
	grep -qF "issue 'win\\xc2\\x9bback': 1 customers, 1 issued" issue.err
	inert issue.err
}

@test "escape: the progress line on a terminal shows a file name's control characters escaped" {
	command -v script >/dev/null || skip "script(1) is not installed (util-linux)"
	local name=$'p\e]0;x\a\xc2\x9b.csv'
	{ echo customer_id; seq 1 1100 | sed 's/^/c/'; } >"$name"
	# script(1) gives standard error a terminal, the progress line's one condition
	script -qec "crm-import customers '$name'" /dev/null >tty.out
	grep -qF 'crm-import: p\x1b]0;x\x07\xc2\x9b.csv: 1024 rows' tty.out
	! grep -q $'\e]' tty.out
	[ "$(LC_ALL=C grep -c "$C1" tty.out)" -eq 0 ]
}

@test "table: a cell rendered once and written many times is the same bytes in every format" {
	# tablecheck writes random tables (quotes, delimiters, line ends, BOM,
	# formula leads, signed zeros, booleans, controls, bad UTF-8, missing
	# values) cell by cell and through crm_table_render/crm_table_put
	run "$CRM_BUILD/t/tablecheck" 7 3000
	assert_success
	assert_output "ok 3000"
}
