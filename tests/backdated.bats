#!/usr/bin/env bats
# Back-dated reports: every figure of a period depends only on the orders
# made before that period's end (and the previous period's on those before
# its end), so an old period's report never changes as later orders arrive.
load helpers

# shop: a generated shop of 400 customers and 3000 orders, 2025-01-01 ..
# 2026-12-31 (UTC), some pending, cancelled or refunded, some in dollars,
# some of guests; written as orders-1.csv (before 2026-04-01, the end of
# the reported month), orders-2.csv (April and May) and orders-3.csv (the
# rest).
shop() {
	python3 - <<'EOF'
import csv, datetime, random
rnd = random.Random(15)
start = datetime.datetime(2025, 1, 1)
rows = []
for i in range(3000):
	t = start + datetime.timedelta(seconds=rnd.randrange(730 * 86400))
	cust = "c%03d" % rnd.randrange(400) if rnd.random() > 0.05 else ""
	status = rnd.choices(["paid", "pending", "cancelled", "refunded"], [80, 5, 10, 5])[0]
	cur = "USD" if rnd.random() < 0.08 else "KRW"
	rows.append([f"o{i:05d}", cust, t.strftime("%Y-%m-%dT%H:%M:%S"),
		     rnd.randrange(1, 500) * 100, cur, status])
cuts = ["2026-04-01", "2026-06-01", "9999"]
for k, cut in enumerate(cuts, 1):
	lo = cuts[k - 2] if k > 1 else ""
	with open(f"orders-{k}.csv", "w", newline="") as f:
		w = csv.writer(f, lineterminator="\n")
		w.writerow(["order_id", "customer_id", "ordered_at", "amount", "currency", "status"])
		w.writerows(r for r in rows if lo <= r[2] < cut)
EOF
}

# expect FIRST LAST PREV_FIRST LAST_DAYS: the customers and revenue figures
# of the period FIRST..LAST (dates) and of the previous one starting on
# PREV_FIRST, computed from all the orders of the three files by their own
# rule (only orders before each period's end), as JSON {key: [cur, prev]}.
expect() {
	python3 - "$@" <<'EOF'
import csv, datetime, json, sys
first, last, pfirst, days = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
D = datetime.date.fromisoformat
orders = []
for k in (1, 2, 3):
	orders += list(csv.DictReader(open(f"orders-{k}.csv")))
orders = [o for o in orders if o["currency"] == "KRW" and o["status"] in ("paid", "pending")]
def figures(a, b):       # the period [a, b) of dates
	lo, hi = a.isoformat(), b.isoformat()
	wlo, whi = (a - datetime.timedelta(days)).isoformat(), (b - datetime.timedelta(days)).isoformat()
	before = [o for o in orders if o["ordered_at"] < hi]
	inp = [o for o in before if o["ordered_at"] >= lo]
	n = {}
	for o in inp:
		if o["customer_id"]:
			n[o["customer_id"]] = n.get(o["customer_id"], 0) + 1
	firsts, lasts = {}, {}
	for o in before:
		c = o["customer_id"]
		if c:
			firsts[c] = min(firsts.get(c, "9"), o["ordered_at"])
			lasts[c] = max(lasts.get(c, ""), o["ordered_at"])
	new = sum(firsts[c] >= lo for c in n)
	rep = sum(firsts[c] < lo or n[c] > 1 for c in n)
	rev = sum(int(o["amount"]) for o in inp)
	return {"active": len(n), "new": new, "returning": len(n) - new,
		"repeat_rate": round(100.0 * rep / len(n), 10) if n else None,
		"lost": sum(wlo <= t < whi for t in lasts.values()),
		"revenue": rev, "orders": len(inp)}
cur = figures(D(first), D(last) + datetime.timedelta(1))
prev = figures(D(pfirst), D(first))
num = lambda x: None if x is None else float(x)
print(json.dumps({k: [num(cur[k]), num(prev[k])] for k in cur}, sort_keys=True))
EOF
}

# figures JSON: the same figures of a crm-report --format json.
figures() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["currency"] == "KRW", r["currency"]
s = {x["key"]: x for x in r["sections"]}
out = {}
for sec in ("customers", "revenue"):
	for k, m in s[sec]["metrics"].items():
		if k != "aov":
			v = [m.get("current"), m.get("previous")]
			out[k] = [None if x is None else float(x) for x in v]
print(json.dumps(out, sort_keys=True))' "$1"
}

@test "backdated: a month's figures, both columns, match the orders before each month's end as later orders are imported" {
	shop
	want=$(expect 2026-03-01 2026-03-31 2026-02-01 60)
	# the generated shop has customers of both windows who came back later
	[ "$(echo "$want" | python3 -c 'import json,sys; print(min(json.load(sys.stdin)["lost"]) > 10)')" = True ]
	crm-import -q orders orders-1.csv
	run crm-report --period 2026-03 --as-of 2026-04-01 --lost-days 60 --format json
	assert_success
	echo "$output" >r1.json
	assert_equal "$(figures r1.json)" "$want"
	for k in 2 3; do
		crm-import -q orders orders-$k.csv
		run crm-report --period 2026-03 --as-of 2026-04-01 --lost-days 60 --format json
		assert_success
		echo "$output" >r$k.json
		assert_equal "$(figures r$k.json)" "$want"
	done
	# the whole customers and revenue sections stay the same, byte for byte
	sections() {
		python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps([x for x in r["sections"] if x["key"] in ("customers", "revenue")]))' "$1"
	}
	assert_equal "$(sections r3.json)" "$(sections r1.json)"
}

@test "backdated: weeks of a year ago with a year's lost days, against the orders, as of later days" {
	shop
	for k in 1 2 3; do crm-import -q orders orders-$k.csv; done
	for w in 2026-W05:2026-01-26:2026-02-01:2026-01-19 2026-W30:2026-07-20:2026-07-26:2026-07-13; do
		IFS=: read -r label first last pfirst <<<"$w"
		run crm-report --period "$label" --as-of 2026-12-31 --format json
		assert_success
		echo "$output" >r.json
		assert_equal "$(figures r.json)" "$(expect "$first" "$last" "$pfirst" 365)"
	done
}

@test "backdated: lost at the period's end: an order at the end or in another currency does not bring a customer back" {
	# --lost-days 30: W46 (2026-11-09 .. 15) loses the last orders of
	# 2026-10-10 .. 16, W45 those of 10-03 .. 09
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2026-10-12T10:00:00,100,KRW,paid 2,a,2026-11-16T00:00:00,100,KRW,paid \
		3,b,2026-10-12T10:00:00,100,KRW,paid 4,b,2026-11-15T23:59:59,100,KRW,paid \
		5,c,2026-10-12T10:00:00,100,KRW,paid 6,c,2026-11-12T10:00:00,100,KRW,cancelled \
		7,d,2026-10-05T10:00:00,100,KRW,paid 8,d,2026-11-10T10:00:00,100,KRW,paid \
		9,e,2026-10-05T10:00:00,100,KRW,paid 10,e,2026-11-08T23:59:59,100,KRW,paid \
		11,f,2026-10-12T10:00:00,100,KRW,paid 12,f,2026-11-13T10:00:00,100,USD,paid \
		13,g,2026-10-14T10:00:00,100,KRW,paid 14,g,2026-10-20T10:00:00,100,KRW,paid \
		15,h,2026-11-11T10:00:00,100,KRW,paid
	crm-import -q orders orders.csv
	run crm-report --period 2026-W46 --lost-days 30 --format json
	assert_success
	echo "$output" >r.json
	# W46: a (ordered again only at its end), c (cancelled), f (dollars);
	# b came back before the end, g within the 30 days.  W45: d, who came
	# back only in W46; e came back before W45's end
	run python3 -c '
import json
m = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["customers"]["metrics"]
print(m["lost"]["current"], m["lost"]["previous"])'
	assert_output "3 1"
}

@test "backdated: crm-segment --as-of reads only the orders up to its day, as later orders are imported" {
	shop
	# recency, frequency and monetary of each customer from the orders on or
	# before 2026-03-31 (UTC), as crm-segment prints them
	python3 - <<'EOF' >want.csv
import csv, datetime
fig = {}
for k in (1, 2, 3):
	for o in csv.DictReader(open(f"orders-{k}.csv")):
		if o["currency"] != "KRW" or o["status"] not in ("paid", "pending") or not o["customer_id"]:
			continue
		if o["ordered_at"] >= "2026-04-01":
			continue
		f = fig.setdefault(o["customer_id"], [o["ordered_at"], 0, 0])
		f[0] = max(f[0], o["ordered_at"])
		f[1] += 1
		f[2] += int(o["amount"])
for c in sorted(fig):
	last = datetime.date.fromisoformat(fig[c][0][:10])
	print(f"{c},{(datetime.date(2026, 3, 31) - last).days},{fig[c][1]},{fig[c][2]}")
EOF
	[ "$(wc -l <want.csv)" -gt 300 ]
	for k in 1 2 3; do
		crm-import -q orders orders-$k.csv
		run crm-segment --as-of 2026-03-31 --currency KRW
		assert_success
		echo "$output" | cut -d, -f1,4-6 | tail -n +2 >got-$k.csv
		assert_golden want.csv got-$k.csv
	done
}
