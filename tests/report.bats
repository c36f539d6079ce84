#!/usr/bin/env bats
# crm-report: periods, sections, figures, formats.
load helpers

# A small shop around week 2026-W46 (Mon 2026-11-09 .. Sun 2026-11-15),
# reported as of Mon 2026-11-16, so that every figure can be counted by hand:
#   W46: a returns (first order 2026-10-01), b is new with two orders, c is
#        new with one, a guest orders once, b's third order is cancelled
#        -> active 3, new 2, returning 1, repeat rate 2/3 (a, b), revenue
#           10000+20000+5000+3000+7000 = 45000 in 5 orders, AOV 9000
#   W45: d orders once (first order 2026-06-01)  -> active 1, new 0
#   e's last order, 2025-11-12, turns 365 days old in W46 -> lost 1 in W46
#   f's last order, 2025-11-03, turns 365 days old in W45 -> lost 1 in W45
shop() {
	csv customers.csv customer_id,email,name \
		a,a@x.kr,김민준 'b,b@x.kr,Jane Doe' 'c,c@x.kr,"=HYPERLINK(""x"")"' d,d@x.kr,Dana
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2026-10-01,4000,KRW,paid \
		2,a,2026-11-09T10:00:00,10000,KRW,paid \
		3,b,2026-11-10T11:00:00,20000,KRW,paid \
		4,b,2026-11-12T12:00:00,5000,KRW,pending \
		5,b,2026-11-13T12:00:00,90000,KRW,cancelled \
		6,c,2026-11-15T23:00:00,3000,KRW,paid \
		7,,2026-11-14T09:00:00,7000,KRW,paid \
		8,d,2026-06-01,1000,KRW,paid \
		9,d,2026-11-03T08:00:00,2000,KRW,paid \
		10,e,2025-11-12T08:00:00,1500,KRW,paid \
		11,f,2025-11-03T08:00:00,1500,KRW,paid
	# W46: t1 answered in 1 h, resolved in 4 h; t2 answered in 6 h, open
	csv tickets.csv ticket_id,customer_id,channel,category,opened_at,first_response_at,resolved_at,csat \
		t1,a,kakao,배송,2026-11-09T09:00:00,2026-11-09T10:00:00,2026-11-09T13:00:00,5 \
		t2,b,email,결제,2026-11-10T09:00:00,2026-11-10T15:00:00,,2 \
		t3,d,kakao,배송,2026-11-04T09:00:00,2026-11-04T09:30:00,2026-11-05T09:00:00,4
	# W46: 10 9 6 8 -> 2 promoters, 1 detractor of 4: NPS 25, margin
	#      1.96 * 100 * sqrt((0.5 + 0.25 - 0.25^2) / 4) = 81.3; W45: 10 3 -> 0
	csv responses.csv response_id,customer_id,answered_at,score \
		s1,a,2026-11-09,10 s2,b,2026-11-10,9 s3,c,2026-11-15,6 s4,,2026-11-12,8 \
		s5,d,2026-11-03,10 s6,d,2026-11-04,3
	csv reviews.csv review_id,customer_id,rating,title,posted_at,replied_at,platform \
		r1,a,2,별로예요,2026-11-10,,naver r2,b,5,좋아요,2026-11-11,,naver \
		r3,d,4,Good,2026-11-04,2026-11-05,coupang r4,c,1,Broken,2026-10-01,,coupang \
		r5,d,1,Answered,2026-10-02,2026-10-03,coupang
	for e in customers orders tickets reviews responses; do crm-import -q "$e" "$e.csv"; done
	# W46: codes for a and b, a's redeemed on order 2 (10000)
	printf 'customer_id\na\nb\n' | crm-coupon issue --campaign winback --discount 10% \
		--expires 30d --now 2026-11-10T09:00:00 >codes.csv 2>/dev/null
	CRM_TEST_CLOCK=2026-11-11T09:00:00 crm-coupon redeem "$(grep ',a,' codes.csv | cut -d, -f1)" \
		--order 2 --now 2026-11-11T09:00:00 >/dev/null
}

@test "report: the customers and revenue of a week against the week before, counted by hand" {
	shop
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
assert r["period"] == {"label": "2026-W46", "first_day": "2026-11-09", "last_day": "2026-11-15"}, r["period"]
assert r["previous"]["label"] == "2026-W45"
assert r["currency"] == "KRW"
s = {x["key"]: x for x in r["sections"]}
c = s["customers"]["metrics"]
got = {k: (v["current"], v["previous"]) for k, v in c.items()}
assert got["active"] == (3, 1), got
assert got["new"] == (2, 0), got
assert got["returning"] == (1, 1), got
assert abs(got["repeat_rate"][0] - 66.67) < 0.01 and got["repeat_rate"][1] == 100, got
assert got["lost"] == (1, 1), got
v = s["revenue"]["metrics"]
assert (v["revenue"]["current"], v["revenue"]["previous"]) == (45000, 2000), v
assert (v["orders"]["current"], v["orders"]["previous"]) == (5, 1), v
assert v["aov"]["current"] == 9000 and v["revenue"]["change"] == 43000, v
pts = s["revenue"]["chart"]["points"]
assert len(pts) == 12 and pts[-1] == {"label": "2026-11-09", "value": 45000}, pts[-1]
assert pts[-2] == {"label": "2026-11-02", "value": 2000}, pts[-2]
EOF
}

@test "report: lost customers at the edges of both weeks' windows, in local days and one currency" {
	# --lost-days 30 in Seoul: W46 loses those whose last order was on
	# 2026-10-10 .. 10-16 (local), W45 those of 10-03 .. 10-09
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,p1,2026-10-10T00:00:00,100,KRW,paid 2,p2,2026-10-09T23:59:59,100,KRW,paid \
		3,p3,2026-10-16T23:59:59,100,KRW,paid 4,p4,2026-10-17T00:00:00,100,KRW,paid \
		5,p5,2026-10-03T00:00:00,100,KRW,pending 6,p6,2026-10-02T23:59:59,100,KRW,paid \
		7,p7,2026-10-12T10:00:00,100,USD,paid 8,p8,2026-10-12T10:00:00,100,KRW,paid \
		9,p8,2026-11-20T10:00:00,100,KRW,paid 10,p9,2026-10-12T10:00:00,100,KRW,cancelled \
		11,q,2026-11-10T10:00:00,100,KRW,paid 12,q,2026-11-03T10:00:00,100,KRW,paid
	crm-import -q --tz Asia/Seoul orders orders.csv
	# lost FILE: "current previous" of the report's lost customers
	lost() {
		python3 -c '
import json, sys
m = {x["key"]: x for x in json.load(open(sys.argv[1]))["sections"]}["customers"]["metrics"]
print(m["lost"]["current"], m["lost"]["previous"])' "$1"
	}
	run crm-report --tz Asia/Seoul --period 2026-W46 --lost-days 30 --format json
	assert_success
	echo "$output" >r.json
	# p1, p3 and p8 in W46 (p8 came back only after W46's end, which its
	# figures do not see); p2 and p5 in W45; p4 too late, p6 too early, p7
	# in dollars, p9's only order was cancelled
	[ "$(lost r.json)" = "3 2" ] || fail "lost: $(lost r.json)"
	run crm-report --tz UTC --period 2026-W46 --lost-days 30 --format json
	echo "$output" >u.json
	# in UTC the orders lie nine hours earlier: W46 loses p3, p4 and p8, W45
	# p1 and p2, and p5 falls out
	[ "$(lost u.json)" = "3 2" ] || fail "lost: $(lost u.json)"
	run crm-report --tz UTC --period 2026-W46 --lost-days 37 --format json
	echo "$output" >w.json
	# seven days more: W46 loses W45's p1 and p2, and W45 p5 and p6
	[ "$(lost w.json)" = "2 2" ] || fail "lost: $(lost w.json)"
	# an order a year on: the customers of the later orders are now more
	# than the windows' (lost.c reads them the other way); same figures
	csv more.csv order_id,customer_id,ordered_at,amount,currency,status \
		13,z,2027-12-01T10:00:00,100,KRW,paid
	crm-import -q --tz Asia/Seoul orders more.csv
	run crm-report --tz Asia/Seoul --period 2026-W46 --lost-days 30 --format json
	echo "$output" >y.json
	[ "$(lost y.json)" = "3 2" ] || fail "lost: $(lost y.json)"
}

@test "report: lost customers equal a count from the orders, for old and recent weeks" {
	# 300 random orders of 40 customers over 2026-06 .. 2026-11, some
	# refunded or in dollars; for each week and lost-days, the customers
	# whose last counting KRW order before the week's end lies in the window
	# [week start - L, week end - L), counted here in Python
	python3 - <<'EOF'
import random
random.seed(7)
with open("orders.csv", "w") as f:
    f.write("order_id,customer_id,ordered_at,amount,currency,status\n")
    for i in range(300):
        day = random.randrange(0, 180)
        m, d = divmod(day, 30)
        f.write("%d,c%d,2026-%02d-%02dT%02d:00:00,100,%s,%s\n" % (i, random.randrange(40),
                6 + m, d % 28 + 1, random.randrange(24),
                random.choice(["KRW"] * 9 + ["USD"]), random.choice(["paid"] * 6 + ["pending", "refunded"])))
EOF
	crm-import -q --tz UTC orders orders.csv
	for week in 2026-W30 2026-W40 2026-W45 2026-W47 2026-W49; do
		for days in 14 60; do
			run crm-report --tz UTC --currency KRW --period "$week" --lost-days "$days" --format json
			assert_success
			echo "$output" >r.json
			python3 - "$week" "$days" <<'EOF' || fail "$week, $days days"
import csv, datetime, json, sys
week, days = sys.argv[1], int(sys.argv[2])
start = datetime.datetime.strptime(week + "-1", "%G-W%V-%u")
orders = [r for r in csv.DictReader(open("orders.csv"))
          if r["currency"] == "KRW" and r["status"] in ("paid", "pending")]
def lost(start):
    end, lag = start + datetime.timedelta(days=7), datetime.timedelta(days=days)
    last = {}
    for r in orders:
        t = datetime.datetime.fromisoformat(r["ordered_at"])
        if t < end:
            last[r["customer_id"]] = max(last.get(r["customer_id"], t), t)
    return sum(start - lag <= t < end - lag for t in last.values())
want = (lost(start), lost(start - datetime.timedelta(days=7)))
m = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["customers"]["metrics"]
got = (m["lost"]["current"], m["lost"]["previous"])
assert got == want, (week, days, got, want)
EOF
		done
	done
}

@test "report: service times by nearest rank, SLA breaches, tickets by channel and category" {
	shop
	run crm-report --as-of 2026-11-16 --sla first=4h,resolve=48h --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["service"]
m = {k: (v["current"], v["previous"]) for k, v in s["metrics"].items()}
assert m["tickets"] == (2, 1), m
assert m["first_response_median"] == (1, 0.5), m       # ranks 1 of [1 h, 6 h]
assert m["first_response_p90"] == (6, 0.5), m          # rank 2 of 2
assert m["resolution_median"] == (4, 24), m            # t2 is still open
assert m["sla_first_breaches"] == (1, 0), m            # t2: 6 h > 4 h
assert m["sla_resolve_breaches"] == (1, 0), m          # t2: open for 6 days
t = {x["key"]: x["rows"] for x in s["tables"]}
assert t["channel"] == [["email", 1], ["kakao", 1]], t
assert t["category"] == [["결제", 1], ["배송", 1]], t
EOF
	# without --sla there is nothing to breach
	run crm-report --as-of 2026-11-16 --format json
	refute_output --partial sla_first
}

@test "report: satisfaction (NPS with its margin, CSAT of tickets) and coupons, counted by hand" {
	shop
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}
m = s["satisfaction"]["metrics"]
assert (m["answers"]["current"], m["answers"]["previous"]) == (4, 2), m
assert (m["nps"]["current"], m["nps"]["previous"]) == (25, 0), m
assert m["nps"]["margin"] == 81.2573073637 and m["nps"]["within_noise"] is True, m
assert (m["csat"]["current"], m["csat"]["previous"]) == (50, 100), m
pts = s["satisfaction"]["chart"]["points"]
assert pts[-1] == {"label": "2026-11-09", "value": 25} and pts[-2]["value"] == 0, pts
assert pts[0]["value"] is None, pts
assert "below 30" in s["satisfaction"]["note"]
c = s["coupons"]["metrics"]
assert (c["issued"]["current"], c["redeemed"]["current"]) == (2, 1), c
assert c["rate"]["current"] == 50 and c["revenue"]["current"] == 10000, c
assert c["issued"]["previous"] == 0, c
assert s["coupons"]["tables"][0]["rows"] == [["winback", 2, 1, 50.0, 10000]], s["coupons"]
EOF
}

@test "report: reviews, and the negative ones still unanswered, oldest first" {
	shop
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["reviews"]
m = {k: (v["current"], v["previous"]) for k, v in s["metrics"].items()}
assert m["reviews"] == (2, 1) and m["rating"] == (3.5, 4), m
assert m["unanswered_negative"] == (2, None), m
rows = s["tables"][0]["rows"]
assert [x[0] for x in rows] == ["2026-10-01", "2026-11-10"], rows
assert rows[1][2] == "김민준" and rows[1][5] == "별로예요" and rows[1][3] == "", rows
EOF
}

@test "report: the whole text report, compared with the one read and checked by hand" {
	shop
	run --keep-empty-lines crm-report --as-of 2026-11-16 --sla first=4h,resolve=48h
	assert_success
	# tests/fixtures/report-w46.txt: the figures of this shop as counted in
	# the comment above shop(); an intended change of layout updates it.
	# What customers say (crm-feedback tag/triage --summary agree): texts W46
	#   t1 t2 s1-s4 r1 r2 = 8, W45 t3 s5 s6 r3 = 4; no title names a topic.
	#   Waiting at W46's end r1, r4 = 2 (r5 replied), at W45's end r4 = 1.
	#   Replied: W46 0 of r1 r2 (r1 the one negative: 0.0%), W45 r3 of 1
	#   (100.0%, no negative) after 24 h: median and p90 24.0 h.
	assert_golden "$FIX/report-w46.txt"
	[[ "$output" != *$'\e'* ]]
	run --keep-empty-lines crm-report --as-of 2026-11-16 --sla first=4h,resolve=48h --format markdown
	assert_golden "$FIX/report-w46.md"
}

@test "report: sections without data are left out, and an empty period says so" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency \
		1,a,2026-11-10,1000,KRW
	crm-import -q orders orders.csv
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 -c 'import json; r = json.load(open("r.json")); assert [s["key"] for s in r["sections"]] == ["customers", "revenue"], r'
	run crm-report --as-of 2030-01-01 --period 2029-W01
	assert_success
	assert_output "Customer report 2029-W01, against 2028-W52
as of 2030-01-01

No data in this period."
}

@test "report: segments from the last two saved runs, with the biggest moves" {
	shop
	crm-segment --as-of 2026-11-09 --save >/dev/null
	crm-segment --as-of 2026-11-16 --save >/dev/null
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	# run 2's customers per segment, as crm-segment counts them again
	crm-segment --as-of 2026-11-16 --summary | python3 -c '
import csv, sys
rows = [(r["segment"], int(r["customers"])) for r in csv.DictReader(sys.stdin) if r["customers"] != "0"]
for name, n in sorted(rows, key=lambda r: (-r[1], r[0].encode())):
    print("%s|%d" % (name, n))' >want
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["segments"]
t = {x["key"]: x for x in s["tables"]}
got = "".join("%s|%s\n" % (row[0], row[1]) for row in t["distribution"]["rows"])
assert got == open("want").read(), (got, open("want").read())
assert sum(int(row[1]) for row in t["distribution"]["rows"]) == 6
assert "moves" in t and t["moves"]["rows"], t
assert s["note"] == "saved run 2 (as of 2026-11-16) against run 1 (as of 2026-11-09)", s["note"]
EOF
	run crm-report --as-of 2026-11-16 --format markdown
	assert_line "## Segments"
	assert_line "| from | to | customers |"
}

@test "report: periods: weeks, ISO weeks, months, spans, a Sunday week start, local days" {
	shop
	period() { crm-report --as-of "$1" "${@:2}" --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(r["period"]["label"], r["period"]["first_day"], r["period"]["last_day"], r["previous"]["label"], r["previous"]["first_day"])'; }
	[ "$(period 2026-11-16)" = "2026-W46 2026-11-09 2026-11-15 2026-W45 2026-11-02" ]
	[ "$(period 2026-11-22)" = "2026-W46 2026-11-09 2026-11-15 2026-W45 2026-11-02" ]
	[ "$(period 2026-11-16 --period this-week)" = "2026-W47 2026-11-16 2026-11-22 2026-W46 2026-11-09" ]
	[ "$(period 2026-11-16 --period 2026-W46)" = "2026-W46 2026-11-09 2026-11-15 2026-W45 2026-11-02" ]
	[ "$(period 2026-01-05 --period 2026-W01)" = "2026-W01 2025-12-29 2026-01-04 2025-W52 2025-12-22" ]
	[ "$(period 2026-11-16 --period last-month)" = "2026-10 2026-10-01 2026-10-31 2026-09 2026-09-01" ]
	[ "$(period 2026-03-10 --period 2026-02)" = "2026-02 2026-02-01 2026-02-28 2026-01 2026-01-01" ]
	[ "$(period 2026-11-16 --from 2026-11-01 --to 2026-11-10)" = "2026-11-01..2026-11-10 2026-11-01 2026-11-10 2026-10-22..2026-10-31 2026-10-22" ]
	[ "$(period 2026-11-16 --week-start sun)" = "2026-11-08..2026-11-14 2026-11-08 2026-11-14 2026-11-01..2026-11-07 2026-11-01" ]
	# c's order at 23:00 UTC on Sunday 2026-11-15 is Monday morning in Seoul
	orders() { crm-report --as-of 2026-11-16 --format json "$@" | python3 -c '
import json, sys
print({s["key"]: s for s in json.load(sys.stdin)["sections"]}["revenue"]["metrics"]["orders"]["current"])'; }
	[ "$(orders)" = 5 ]
	[ "$(orders --tz Asia/Seoul)" = 4 ]
}

@test "report: HTML is one self-contained page that headless Chromium renders with its charts" {
	command -v chromium >/dev/null || skip "chromium is not installed (make deps installs it)"
	shop
	crm-segment --as-of 2026-11-09 --save >/dev/null
	crm-segment --as-of 2026-11-16 --save >/dev/null
	crm-report --as-of 2026-11-16 --format html >r.html
	# nothing is fetched: no scripts, no external sources, styles inline
	! grep -Eiq '<script|<link|src=|url\(|<style' r.html
	# customers' text is escaped
	grep -q '=HYPERLINK(&quot;x&quot;)' r.html
	flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$BATS_TEST_TMPDIR/chromium"
	timeout 120 chromium $flags --dump-dom "file://$PWD/r.html" >dom.html 2>/dev/null
	# the browser parsed the whole page: every section and all three charts
	[ "$(grep -c '<svg' dom.html)" -eq 3 ]
	grep -q '<path fill="none"' dom.html          # the NPS line
	# 12 weekly columns, then one bar per segment of the last run
	bars=$(crm-segment --as-of 2026-11-16 --summary | awk -F, 'NR > 1 && $2 > 0' | wc -l)
	[ "$(grep -o '<rect' dom.html | wc -l)" -eq $((12 + bars)) ]
	grep -q '<h2[^>]*>Customers</h2>' dom.html
	grep -q '<h2[^>]*>Reviews</h2>' dom.html
	grep -q '</html>' dom.html
	timeout 120 chromium $flags --window-size=800,3000 --screenshot="$PWD/r.png" "file://$PWD/r.html" >/dev/null 2>&1
	# a drawn page, not a blank one: a PNG of some size
	[ "$(head -c 8 r.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$(stat -c %s r.png)" -gt 20000 ]
}

@test "report: Markdown escapes customers' text and keeps its tables whole" {
	shop
	csv more.csv review_id,customer_id,rating,title,posted_at,platform \
		r9,a,1,"a | b *c*",2026-11-12,naver
	crm-import -q reviews more.csv
	run crm-report --as-of 2026-11-16 --format markdown
	assert_success
	assert_line --index 0 "# Customer report 2026-W46"
	assert_line "| Active customers | 3 | 1 | +2 (+200.0%) |"
	assert_line --partial '| a \| b \*c\* |'
}

@test "report: bad options and a missing database are refused with the reason" {
	run crm-report --period next-week
	assert_failure 2
	assert_output --partial "crm-report: --period 'next-week': expected last-week, this-week, last-month, this-month, YYYY-MM or YYYY-Www"
	run crm-report --period 2026-W54
	assert_failure 2
	assert_output --partial "there is no such ISO week in that year"
	run crm-report --period 2026-13
	assert_failure 2
	assert_output --partial "there is no such month"
	run crm-report --from 2026-11-10
	assert_failure 2
	assert_output --partial "--from and --to go together"
	run crm-report --from 2026-11-10 --to 2026-11-01
	assert_failure 2
	assert_output --partial "the period ends before it starts"
	run crm-report --sla first=soon
	assert_failure 2
	assert_output --partial "--sla 'first=soon': expected first=DURATION,resolve=DURATION"
	run crm-report --format pdf
	assert_failure 2
	run crm-report --week-start someday
	assert_failure 2
	run crm-report --as-of 2026-02-30
	assert_failure 2
	assert_output --partial "--as-of '2026-02-30' is not a date"
	run crm-report --db "$BATS_TEST_TMPDIR/none.db"
	assert_failure 3
	assert_output --partial "none.db"
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
}

@test "report: a report reads while an import holds the write lock" {
	shop
	# a writer holding the lock in another process, its order not committed
	sqlite3 "$CRM_DB" "BEGIN IMMEDIATE; INSERT INTO orders (order_id, customer_id, ordered_at, amount, currency, status) VALUES ('z','a','2026-11-10T00:00:00Z',1,'KRW','paid');" ".shell touch locked; sleep 3" "COMMIT;" >/dev/null &
	writer=$!
	# a writer that failed never makes the file: no endless wait for it
	while [ ! -e locked ]; do kill -0 "$writer" 2>/dev/null || fail "the writer failed"; sleep 0.1; done
	run crm-report --as-of 2026-11-16 --format json
	wait "$writer"
	assert_success
	assert_output --partial '"orders": {"label": "Orders", "current": 5,'
	run crm-report --as-of 2026-11-16 --format json
	assert_output --partial '"orders": {"label": "Orders", "current": 6,'
}

@test "report: the moves it shows are crm-segment --diff's, also for a database of schema 2" {
	shop
	crm-segment --as-of 2026-10-01 --save >/dev/null
	crm-segment --as-of 2026-11-16 --save >/dev/null
	crm-segment --diff | tail -n +2 | grep -v '^\(.*\),\1,' | head -5 >want.csv
	moves() { crm-report --as-of 2026-11-16 --format json | python3 -c '
import json, sys
s = {x["key"]: x for x in json.load(sys.stdin)["sections"]}["segments"]
for row in {t["key"]: t for t in s["tables"]}["moves"]["rows"]:
    print(",".join(map(str, row)))'; }
	[ -s want.csv ]
	moves >got.csv
	cmp want.csv got.csv
	crm-report --as-of 2026-11-16 --format json >before.json
	# a database of schema 2 gets its runs' flows when it is migrated, and
	# its customer figures' text times become Unix seconds (schema 4)
	drop_schema_9
	q "$DROP_SCHEMA_7 DROP TABLE segment_flows; DROP TABLE coupons; DROP TABLE coupon_failures; DROP TABLE followups;
	   DROP INDEX orders_time; DROP INDEX tickets_opened; DROP INDEX reviews_posted;
	   DROP INDEX reviews_unreplied; DROP INDEX responses_answered;
	   DROP INDEX reviews_order; DROP INDEX responses_order;
	   ALTER TABLE reviews DROP COLUMN order_id; ALTER TABLE responses DROP COLUMN order_id;
	   ALTER TABLE orders DROP COLUMN lines_total; ALTER TABLE orders DROP COLUMN amount_from_lines;
	   ALTER TABLE customer_stats RENAME TO s4;
	   CREATE TABLE customer_stats (customer_id TEXT NOT NULL, currency TEXT NOT NULL,
	     first_at TEXT NOT NULL, last_at TEXT NOT NULL, orders INTEGER NOT NULL,
	     monetary INTEGER NOT NULL, PRIMARY KEY (customer_id, currency)) WITHOUT ROWID;
	   INSERT INTO customer_stats SELECT customer_id, currency,
	     strftime('%Y-%m-%dT%H:%M:%SZ', first_unix, 'unixepoch'),
	     strftime('%Y-%m-%dT%H:%M:%SZ', last_unix, 'unixepoch'), orders, monetary FROM s4;
	   DROP TABLE s4; PRAGMA user_version = 2"
	# a reader migrates nothing (db.bats): a writer takes it to schema 4
	crm-coupon expire -q
	moves >migrated.csv
	cmp want.csv migrated.csv
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	crm-report --as-of 2026-11-16 --format json >after.json
	# the same report, but for the coupons the downgrade dropped
	python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
a["sections"] = [x for x in a["sections"] if x["key"] != "coupons"]
sys.exit(a != b)' before.json after.json
}

@test "report: a customer whose stored order times are not crm's is named once, exit 1, nothing printed" {
	local id
	shop
	cp "$CRM_DB" good.db
	# b is counted on the first connection, d from the middle id on, on the
	# second one's thread, which says nothing and leaves d to the first
	for id in b d; do
		cp good.db "$CRM_DB"
		q "UPDATE customer_stats SET times = x'0102' WHERE customer_id = '$id'"
		run --separate-stderr crm-report --as-of 2026-11-16
		assert_failure 1
		assert_equal "$stderr" "crm-report: $CRM_DB: customer '$id': its order times are not crm's"
		assert_equal "$output" ""
	done
}

@test "report: without a second thread the customers are counted alike" {
	shop
	crm-report --as-of 2026-11-16 --format json >threaded.json
	preloaded libfailthread.so
	run --separate-stderr "${PRELOADED[@]}" FAILTHREAD=all crm-report --as-of 2026-11-16 --format json
	assert_success
	assert_equal "$output" "$(cat threaded.json)"
}

@test "report: orders committed between the other connections' snapshots and the first's are counted, on the first" {
	shop
	csv more.csv order_id,customer_id,ordered_at,amount,currency,status \
		12,f,2026-11-11T08:00:00,2500,KRW,paid 13,a,2026-10-21T08:00:00,700,KRW,paid
	crm-report --as-of 2026-11-16 --format json >before.json
	mkfifo go
	# the weeks' and the customers' connections begin their snapshots, the
	# import commits, then the first's begins: f, in the upper half, is
	# counted again on the first, and so is the week of October 19
	CRM_TEST_TWIN_PAUSE=go CRM_TEST_TWIN_PAUSE_AT=2 \
		crm-report --as-of 2026-11-16 --format json >paused.json &
	reporter=$!
	crm-import orders more.csv
	timeout 30 sh -c 'echo >go' || fail "the report did not wait"
	wait "$reporter"
	crm-report --as-of 2026-11-16 --format json >after.json
	assert_equal "$(cat paused.json)" "$(cat after.json)"
	run grep -c '"active": {"label": "Active customers", "current": 4,' after.json
	assert_output 1
	# order 13 is in a week of the chart that is not one of the periods
	run grep -c '{"label": "2026-10-19", "value": 0}' before.json
	assert_output 1
	run grep -c '{"label": "2026-10-19", "value": 700}' after.json
	assert_output 1
}

@test "report: a segment's name of the rules' greatest length is shown whole in the chart" {
	local name=가나다라마바사아자차카타파하가나다라마바사   # 21 characters, 63 bytes
	shop
	printf '%s: m >= 10000\n' "$name" >rules.txt
	crm-segment --as-of 2026-11-15 --rules rules.txt --save >/dev/null
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	assert_output --partial "{\"label\": \"$name\", \"value\": "
	run crm-report --as-of 2026-11-16 --format html
	assert_success
	assert_output --partial ">$name</text>"
}
