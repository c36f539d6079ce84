#!/usr/bin/env bats
# A shop's loyalty life at random (the property test of crm-loyalty): 18
# months of weekly order imports (new orders, cancellations, refunds,
# amounts changed, returns), with earn, expire, tiers --save and birthday
# --grant each month and redemptions and adjustments between, all through
# the commands.  After every step: the ledger only grew (every earlier row
# is still there, unchanged), check passes, every balance line keeps the
# balance equation with nothing negative, and a second earn writes nothing.
load helpers

@test "property: 18 random months of orders, earn, expire, tiers, birthdays, redemptions: check passes throughout" {
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'min_order = 10000' 'pending = 14 days' \
		'expires = 3 months month-end' \
		'tier Silver = spend >= 300000 in 3 months, earn x1.5' \
		'tier Gold = spend >= 900000 in 3 months or orders >= 6 in 3 months, earn x2' \
		'downgrade = at evaluation, grace 1 month' 'birthday = 500' 'signup = 100'
	CRM_TEST_CLOCK=2030-01-01T00:00:00Z python3 - <<'PY'
import csv, datetime as dt, io, os, random, subprocess, sys

rng = random.Random(1604)
db = os.environ["CRM_DB"]
people = ["c%d" % i for i in range(1, 9)]

def run(args, want=(0,)):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in want:
        sys.exit("%s: exit %d, not %s\n%s%s" % (" ".join(args), p.returncode, want, p.stdout[-3000:], p.stderr))
    return p

def loyalty(day, *args, want=(0,)):
    return run(["crm-loyalty", "--tz", "Asia/Seoul", "--as-of", day.isoformat()] + list(args), want)

def ledger():
    return run(["sqlite3", "-batch", db, "SELECT * FROM loyalty_entries ORDER BY entry_id"]).stdout.splitlines()

with open("people.csv", "w") as f:
    f.write("customer_id,email,name,birthday\n")
    for i, c in enumerate(people):
        f.write("%s,%s@x.kr,P%d,1990-%02d-%02d\n" % (c, c, i, 1 + i * 3 % 12, 1 + i))
run(["crm-import", "-q", "customers", "people.csv"])
loyalty(dt.date(2025, 1, 1), "program", "-q", "--program", "prog.txt")

orders = {}               # order_id -> [customer, ordered_at, amount, status]
def import_orders():
    with open("orders.csv", "w") as f:
        f.write("order_id,customer_id,ordered_at,amount,currency,status\n")
        for oid in sorted(orders):
            c, at, amt, st = orders[oid]
            f.write("%s,%s,%s,%d,KRW,%s\n" % (oid, c, at, amt, st))
    run(["crm-import", "-q", "orders", "orders.csv"])

def check_all(day):
    loyalty(day, "check")
    rows = list(csv.DictReader(io.StringIO(loyalty(day, "balance").stdout)))
    for r in rows:
        n = {k: int(r[k]) for k in ("available", "pending", "earned", "bonus", "adjusted",
                                    "redeemed", "expired", "reversed", "shortfall")}
        if n["earned"] + n["bonus"] + n["adjusted"] != (n["available"] + n["pending"] + n["redeemed"]
                                                       + n["expired"] + n["reversed"]):
            sys.exit("balance equation broken on %s: %s" % (day, r))
        if min(n["available"], n["pending"], n["earned"], n["bonus"], n["redeemed"],
               n["expired"], n["reversed"], n["shortfall"]) < 0:
            sys.exit("a negative figure on %s: %s" % (day, r))
    return rows

day = dt.date(2025, 1, 6)
seq = 0
seen = {"redeem0": 0, "redeem5": 0, "reversed": 0, "shortfall": 0, "moves": 0, "expired": 0}
before = ledger()
while day < dt.date(2026, 7, 1):
    for _ in range(rng.randint(1, 6)):           # new orders of the week
        seq += 1
        at = "%sT%02d:%02d:00+09:00" % (day + dt.timedelta(days=rng.randint(0, 6)),
                                        rng.randint(9, 22), rng.randint(0, 59))
        amt = rng.choice([5000, 9999, 10000, 25000, 60500, 120000, 310000, -20000])
        orders["o%04d" % seq] = [rng.choice(people), at, amt, "paid"]
    for oid in rng.sample(sorted(orders), min(2, len(orders))):   # changes to older orders
        o = orders[oid]
        if o[3] == "paid" and o[2] > 0:
            o[3], o[2] = rng.choice([("cancelled", o[2]), ("refunded", o[2]), ("paid", o[2] // 2),
                                     ("paid", o[2] + 30000), ("paid", o[2])])
    import_orders()
    week_end = day + dt.timedelta(days=6)
    if (week_end + dt.timedelta(days=1)).day <= 7:             # the month's last week
        loyalty(week_end, "earn", "-q")
        loyalty(week_end, "expire", "-q")
        loyalty(week_end, "tiers", "--save")
        loyalty(week_end, "birthday", "--month", str(week_end.month), "--grant")
        loyalty(week_end - dt.timedelta(days=40), "earn", "-q", want=(7,))   # no going back
    for _ in range(rng.randint(0, 3)):
        c = rng.choice(people)
        got = loyalty(week_end, "redeem", "-q", "--customer", c, "--points",
                      str(rng.choice([50, 300, 1200, 5000])), want=(0, 5)).returncode
        seen["redeem%d" % got] += 1
    if rng.random() < 0.3:
        loyalty(week_end, "adjust", "-q", "--customer", rng.choice(people), "--points",
                rng.choice(["+250", "-120"]), "--reason", "goodwill %s" % week_end, want=(0, 5))
    now = ledger()
    if now[:len(before)] != before:
        sys.exit("the ledger changed rows it had before %s" % week_end)
    loyalty(week_end, "earn", "-q")
    again = ledger()
    loyalty(week_end, "earn", "-q")
    if ledger() != again:
        sys.exit("a second earn on %s wrote to the ledger" % week_end)
    rows = check_all(week_end)
    before = ledger()
    day += dt.timedelta(days=7)

kinds = run(["sqlite3", "-batch", db, "SELECT kind || ' ' || count(*) FROM loyalty_entries "
             "GROUP BY kind UNION ALL SELECT 'shortfall ' || count(*) FROM loyalty_entries "
             "WHERE shortfall > 0 UNION ALL SELECT 'moves ' || count(*) FROM loyalty_tier_moves"]).stdout.split()
have = dict(zip(kinds[::2], map(int, kinds[1::2])))
# the sequence reached every kind of entry and both outcomes of redeem
for k in ("earn", "release", "redeem", "adjust", "expire", "reverse", "bonus", "shortfall", "moves"):
    if have.get(k, 0) == 0:
        sys.exit("the random sequence made no %s: %s" % (k, have))
if seen["redeem0"] == 0 or seen["redeem5"] == 0:
    sys.exit("redeem never succeeded or never was refused: %s" % seen)
PY
}

@test "property's check is not blind: a hand-corrupted ledger after a random life fails check" {
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'pending = 0' 'expires = never'
	csv people.csv customer_id c1 c2
	crm-import -q customers people.csv
	crm-loyalty --as-of 2025-01-01 program -q --program prog.txt
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		o1,c1,2025-02-01T10:00:00Z,50000,KRW,paid o2,c2,2025-02-02T10:00:00Z,70000,KRW,paid
	crm-import -q orders orders.csv
	crm-loyalty --as-of 2025-03-01 earn -q
	crm-loyalty --as-of 2025-03-01 redeem -q --customer c1 --points 200
	run -0 crm-loyalty --as-of 2025-03-01 check
	# a redemption that draws on another customer's lot
	q "UPDATE loyalty_entries SET lot = (SELECT entry_id FROM loyalty_entries WHERE order_id = 'o2')
	   WHERE kind = 'redeem'"
	run -1 crm-loyalty --as-of 2025-03-01 check
}
