#!/usr/bin/env bats
# Exact figures and no empty charts: JSON writes every figure as an exact
# decimal number (never a string, never "1.939e+04"), a metric's change is
# its current figure less its previous one as written, a chart with nothing
# to show is left out with a line that says so, and no format prints a zero
# with a sign ("-0.0 pp").
load helpers

# The bundled sample shop, with two saved segment runs (as make demo does).
sample() {
	import_sample
	crm-segment --tz Asia/Seoul --as-of 2026-11-09 --save >/dev/null
	crm-segment --tz Asia/Seoul --as-of 2026-11-16 --save >/dev/null
}

# check_json FILE: every metric's change is exactly current - previous, as
# decimals; every figure (metric, margin, point, a table's number column) is
# a number or null, never a string; no figure is written with an exponent.
check_json() {
	python3 - "$1" <<'EOF'
import json, re, sys
from decimal import Decimal
text = open(sys.argv[1]).read()
r = json.loads(text, parse_float=Decimal)
num = (int, Decimal)
assert not re.search(r'\d[eE][-+]?\d', text), "a figure with an exponent"
metrics = 0
for s in r["sections"]:
    for k, m in s["metrics"].items():
        for f in ("current", "previous", "change", "margin"):
            v = m.get(f)
            assert v is None or (isinstance(v, num) and not isinstance(v, bool)), (k, f, v)
        if m["current"] is not None and m["previous"] is not None:
            assert m["change"] == m["current"] - m["previous"], (k, m)
            metrics += 1
        else:
            assert m["change"] is None, (k, m)
    for p in s.get("chart", {}).get("points", []):
        assert p["value"] is None or isinstance(p["value"], num), p
    for t in s["tables"]:
        for row in t["rows"]:
            for cell, col in zip(row, t["columns"]):
                if col in ("customers", "share", "change", "tickets", "rating", "issued",
                           "redeemed", "rate", "revenue"):
                    assert cell is None or isinstance(cell, num), (t["key"], col, cell)
assert metrics > 0
EOF
}

@test "figures: the sample shop's report in JSON: exact decimals, change = current - previous" {
	sample
	run crm-report --tz Asia/Seoul --as-of 2026-11-16 --sla first=4h,resolve=48h --format json
	assert_success
	echo "$output" >r.json
	check_json r.json
	# the figures as the database gives them, to the tenth of a millionth
	python3 - <<'EOF'
import json
from decimal import Decimal
r = json.load(open("r.json"), parse_float=Decimal)
s = {x["key"]: x for x in r["sections"]}
rr = s["customers"]["metrics"]["repeat_rate"]
assert rr["current"] == Decimal("64.5161290323"), rr      # 20 of 31
assert rr["change"] == Decimal("8.5161290323"), rr        # against 14 of 25 = 56
sv = s["service"]["metrics"]["first_response_median"]
assert round(sv["current"] * 3600) == 384, sv             # 6 min 24 s
EOF
}

@test "figures: large values keep every digit: 19388.4 hours, 12,345,678,901.23 USD" {
	# W36 of 2024: one ticket resolved 69,798,240 s (19388.4 h) after it
	# opened; W35: one resolved after a second.  Revenue in cents.
	csv tickets.csv ticket_id,opened_at,first_response_at,resolved_at \
		t1,2024-09-02T00:00:00,2024-09-02T00:00:01,2026-11-18T20:24:00 \
		t2,2024-08-27T00:00:00,2024-08-27T00:00:01,2024-08-27T00:00:01
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2024-09-03,12345678901.23,USD,paid 2,b,2024-08-28,987654.32,USD,paid \
		3,b,2024-08-29,0.01,USD,paid
	crm-import -q tickets tickets.csv
	crm-import -q orders orders.csv
	run crm-report --period 2024-W36 --as-of 2026-11-30 --format json
	assert_success
	echo "$output" >r.json
	check_json r.json
	[[ "$output" != *e+0* ]]
	python3 - <<'EOF'
import json
from decimal import Decimal
r = json.load(open("r.json"), parse_float=Decimal)
s = {x["key"]: x for x in r["sections"]}
m = s["service"]["metrics"]["resolution_median"]
assert m["current"] == Decimal("19388.4"), m
assert m["previous"] == Decimal("0.0002777778"), m
assert m["change"] == Decimal("19388.3997222222"), m
v = s["revenue"]["metrics"]["revenue"]
assert (v["current"], v["previous"], v["change"]) == (
    Decimal("12345678901.23"), Decimal("987654.33"), Decimal("12344691246.90")), v
assert str(v["change"]) == "12344691246.90", v
EOF
	run crm-report --period 2024-W36 --as-of 2026-11-30
	assert_line --partial "Resolution, median"
	assert_line --regexp '^  Resolution, median +19388\.4 h +0\.0 h  \+19388\.4 h$'
}

@test "figures: a report's tables hold numbers in JSON, and percents keep their sign in text" {
	sample
	run crm-report --tz Asia/Seoul --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}
t = {x["key"]: x for x in s["segments"]["tables"]}["distribution"]
assert t["columns"] == ["segment", "customers", "share", "change"], t["columns"]
for name, customers, share, change in t["rows"]:
    assert isinstance(customers, int) and isinstance(share, float), (name, customers, share)
    assert isinstance(change, int), (name, change)
total = sum(row[1] for row in t["rows"])
for row in t["rows"]:
    assert abs(row[2] - 100.0 * row[1] / total) <= 0.05, row
for row in {x["key"]: x for x in s["service"]["tables"]}["channel"]["rows"]:
    assert isinstance(row[1], int), row
EOF
	run crm-report --tz Asia/Seoul --as-of 2026-11-16
	assert_line --regexp '^    Hibernating +206 +31\.2% +\+3$'
	assert_line --regexp '^    New +57 +8\.6% +0$'
}

@test "figures: coupon campaigns' counts, rate and revenue are numbers in JSON" {
	csv customers.csv customer_id,email a,a@x.kr b,b@x.kr
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2026-11-10T10:00:00,1234567,KRW,paid
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
	printf 'customer_id\na\nb\n' | crm-coupon issue --campaign winback --discount 10% \
		--expires 30d --now 2026-11-10T09:00:00 >codes.csv 2>/dev/null
	CRM_TEST_CLOCK=2026-11-11T09:00:00 crm-coupon redeem "$(grep ',a,' codes.csv | cut -d, -f1)" \
		--order 1 --now 2026-11-11T09:00:00 >/dev/null
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	check_json r.json
	python3 -c '
import json
r = json.load(open("r.json"))
t = {x["key"]: x for x in r["sections"]}["coupons"]["tables"][0]
assert t["rows"] == [["winback", 2, 1, 50.0, 1234567]], t["rows"]'
	run crm-report --as-of 2026-11-16
	assert_line --regexp '^    winback +2 +1 +50\.0% +1,234,567 KRW$'
}

@test "figures: crm-nps --format json writes its figures as numbers, never strings" {
	sample
	run --separate-stderr crm-nps --format json --by month
	assert_success
	echo "$output" >n.json
	python3 - <<'EOF'
import json
rows = json.load(open("n.json"))
assert rows
for row in rows:
    for k, v in row.items():
        if k == "month":
            assert isinstance(v, str), (k, v)
        elif k == "significant":
            assert v is None or isinstance(v, bool), (k, v)
        else:
            assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), (k, v)
EOF
	run --separate-stderr crm-nps --format json --detractors
	assert_success
	echo "$output" >d.json
	python3 -c '
import json
for row in json.load(open("d.json")):
    assert isinstance(row["score"], int) and isinstance(row["orders"], int), row
    assert isinstance(row["spent"], (int, float)), row'
}

# Tickets with CSAT (so the section is there) and no survey answer at all.
no_answers() {
	csv tickets.csv ticket_id,opened_at,csat \
		t1,2026-11-10T09:00:00,5 t2,2026-11-03T09:00:00,4
	crm-import -q tickets tickets.csv
}

@test "figures: a weekly NPS chart with no answers is left out, and one line says so" {
	no_answers
	line="Weekly NPS: no survey answers in the 12 weeks from 2026-08-24 to 2026-11-15"
	run crm-report --as-of 2026-11-16
	assert_success
	assert_line "Satisfaction"
	assert_line "  $line"
	refute_line --partial "    2026-11-09"
	refute_output --partial "Weekly NPS"$'\n'
	run crm-report --as-of 2026-11-16 --format markdown
	assert_line "$line"
	refute_line "**Weekly NPS**"
	run crm-report --as-of 2026-11-16 --format html
	assert_line "<p style=\"font-size:13px;color:#6b7280\">$line</p>"
	refute_output --partial "<title>Weekly NPS</title>"
	refute_output --partial ">Figures<"
	# JSON keeps the chart, its points null, and says nothing more
	run crm-report --as-of 2026-11-16 --format json
	echo "$output" >r.json
	python3 -c '
import json
s = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["satisfaction"]
c = s["chart"]
assert c["key"] == "weekly_nps" and len(c["points"]) == 12, c
assert all(p["value"] is None for p in c["points"]), c
assert "note" not in s, s'
}

@test "figures: a weekly revenue chart with no orders is left out the same way" {
	no_answers
	line="Weekly revenue: no orders in the 12 weeks from 2026-08-24 to 2026-11-15"
	for f in text markdown html; do
		run crm-report --as-of 2026-11-16 --currency KRW --format $f
		assert_success
		assert_output --partial "$line"
		refute_output --partial "2026-11-09  "
		refute_output --partial "<title>Weekly revenue</title>"
		refute_output --partial "**Weekly revenue**"
	done
	run crm-report --as-of 2026-11-16 --currency KRW --format json
	echo "$output" >r.json
	python3 -c '
import json
s = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["revenue"]
assert [p["value"] for p in s["chart"]["points"]] == [0] * 12, s'
}

@test "figures: a change that is or rounds to zero has no sign in any format" {
	# W46: NPS 33.3 (1000 answers), W45: 100/3 = 33.33 (3 answers): the
	# change, -0.03, rounds to zero
	csv responses.csv response_id,answered_at,score \
		a1,2026-11-03,10 a2,2026-11-03,10 a3,2026-11-03,0
	python3 - <<'EOF'
with open("responses.csv", "a") as f:
    for i in range(1000):
        f.write("b%d,2026-11-10,%d\n" % (i, 10 if i < 333 else 8))
EOF
	crm-import -q responses responses.csv
	for f in text markdown html; do
		run crm-report --as-of 2026-11-16 --format $f
		assert_success
		assert_output --partial "33.3"
		echo "$output" >out
		run grep -E -e '[-+]0\.0+([^0-9]|$)' -e '[-+]0 ' out
		assert_failure
	done
	run crm-report --as-of 2026-11-16
	assert_line --regexp '^  NPS +\+33\.3 ±[0-9.]+ +\+33\.3  0\.0 \(noise\)$'
	run crm-report --as-of 2026-11-16 --format json
	echo "$output" >r.json
	check_json r.json
	python3 -c '
import json
from decimal import Decimal
m = {x["key"]: x for x in json.load(open("r.json"), parse_float=Decimal)["sections"]}
m = m["satisfaction"]["metrics"]["nps"]
assert (m["current"], m["previous"]) == (Decimal("33.3"), Decimal("33.3333333333")), m
assert m["change"] == Decimal("-0.0333333333"), m'
}

@test "figures: a number cell of any command's table never prints -0.0 or breaks JSON" {
	# crm-nps writes through table.c: a month whose change rounds to zero
	csv s.csv answered_at,score 2026-10-05,10 2026-10-05,10 2026-10-05,0
	python3 - <<'EOF'
with open("s.csv", "a") as f:
    for i in range(1000):
        f.write("2026-11-03,%d\n" % (10 if i < 333 else 8))
EOF
	for f in csv text json; do
		run --separate-stderr crm-nps --by month --format $f s.csv
		assert_success
		[[ "$output" != *-0.0* ]]
	done
	echo "$output" >n.json
	python3 -c '
import json
rows = json.load(open("n.json"))
assert rows[1]["change"] == 0, rows'
}
