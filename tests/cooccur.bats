#!/usr/bin/env bats
# Products bought together and bought again (lib/cooccur.c, lib/replenish.c),
# on purchase histories built by hand and driven through build/t/cooccurcheck
# (no database: the loader is lib/history's, tested through crm-recommend).
# Every figure below is worked out by hand in the comments.
#
#   buy LINES...        the purchases, "BUYER SKU TIME" a line; a BUYER that
#                       starts with "guest" is one guest order
#   cc ARGS...          run cooccurcheck on them

load helpers

setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	CC="$CRM_BUILD/t/cooccurcheck"
	[ -x "$CC" ] || fail "cooccurcheck is not built: $CC"
	P="$BATS_TEST_TMPDIR/purchases"
	cd "$BATS_TEST_TMPDIR" || return 1
}

buy() { printf '%s\n' "$@" >"$P"; }
cc() { run "$CC" "$@" <"$P"; }

# Six buyers: c1 {A,B}, c2 {A} then {B,C}, c3 {A,C}, c4 {B}, guest1 {A,B},
# guest2 {C}.  buyers(A) = 4, buyers(B) = 4, buyers(C) = 3.
shop1() {
	buy 'c1 A 2025-01-01' 'c1 B 2025-01-01' \
	    'c2 A 2025-01-02' 'c2 B 2025-01-05' 'c2 C 2025-01-05' \
	    'c3 A 2025-01-03' 'c3 C 2025-01-03' 'c4 B 2025-01-04' \
	    'guest1 A 2025-01-06' 'guest1 B 2025-01-06' 'guest2 C 2025-01-06'
}

@test "also bought: both, support, confidence and lift over buyers, guest orders counted" {
	shop1
	# B: both = c1, c2, guest1 = 3; support 3/6; confidence 3/4;
	#    lift 0.75 / (4/6) = 1.125.
	# C: both = c2 (A and C in different orders), c3 = 2; support 2/6;
	#    confidence 2/4; lift 0.5 / (3/6) = 1.
	cc also A
	assert_success
	assert_output - <<-'OUT'
	buyers 4
	B 3 0.500000 0.750000 1.125000
	C 2 0.333333 0.500000 1.000000
	OUT
	# C: both with A 2 (c2, c3), with B 1 (c2): confidence 2/3 and 1/3,
	# lift (2/3) / (4/6) = 1 and (1/3) / (4/6) = 0.5.
	cc also C
	assert_output - <<-'OUT'
	buyers 3
	A 2 0.333333 0.666667 1.000000
	B 1 0.166667 0.333333 0.500000
	OUT
}

@test "also bought: top N, products not eligible left out, ties by lift then SKU" {
	shop1
	cc also A 1
	assert_output - <<-'OUT'
	buyers 4
	B 3 0.500000 0.750000 1.125000
	OUT
	cc -x B also A
	assert_output - <<-'OUT'
	buyers 4
	C 2 0.333333 0.500000 1.000000
	OUT
	# A product with no other product bought by its buyers: none.
	buy 'c1 A 2025-01-01' 'c2 B 2025-01-01'
	cc also A
	assert_output 'buyers 1'
	# Both 1 for B, C, D: lift 4/(1*2) = 2 for B and D (bought by 2),
	# 4/(1*1) = 4 for C; C first, then B before D by SKU.
	buy 'c1 A 2025-01-01' 'c1 B 2025-01-01' 'c1 C 2025-01-01' 'c1 D 2025-01-01' \
	    'c2 D 2025-01-01' 'c3 B 2025-01-01' 'c4 E 2025-01-01'
	cc also A
	assert_output - <<-'OUT'
	buyers 1
	C 1 0.250000 1.000000 4.000000
	B 1 0.250000 1.000000 2.000000
	D 1 0.250000 1.000000 2.000000
	OUT
}

# Ten guest orders: {A,B,C} {A,B} {A,B} {A,C} {B,C} {B,D} {C,D} {A,B,D} {D}
# {E}.  n(A) = 5, n(B) = 6, n(C) = 4, n(D) = 4, n(E) = 1.  Pairs: AB 4,
# AC 2, AD 1, BC 2, BD 2, CD 1.
shop2() {
	local o=0 item
	: >"$P"
	for basket in ABC AB AB AC BC BD CD ABD D E; do
		o=$((o + 1))
		for ((i = 0; i < ${#basket}; i++)); do
			printf 'guest%02d %s 2025-01-01\n' "$o" "${basket:i:1}" >>"$P"
		done
	done
}

@test "rules: support, confidence and lift of both directions, sorted by lift, support, A, B" {
	shop2
	# support 0.2: at least 2 orders; AD and CD (1 order) out.
	# A->B: 4/10, 4/5, 0.8 / (6/10) = 1.333333; B->A: 4/6, (4/6) / (5/10).
	# A->C: 2/5 / (4/10) = 1; C->A: 2/4 / (5/10) = 1.
	# B->C, B->D, C->B, D->B: 20/24 = 0.833333, by A then B.
	cc rules 0.2 0
	assert_success
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	A C 2 5 4 0.200000 0.400000 1.000000
	C A 2 4 5 0.200000 0.500000 1.000000
	B C 2 6 4 0.200000 0.333333 0.833333
	B D 2 6 4 0.200000 0.333333 0.833333
	C B 2 4 6 0.200000 0.500000 0.833333
	D B 2 4 6 0.200000 0.500000 0.833333
	OUT
}

@test "rules: min support, min confidence, at least 2 orders, top, products not eligible" {
	shop2
	# 0.3 and 0.25 of 10 orders: 3 orders, only AB has them.
	cc rules 0.3 0
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	OUT
	cc rules 0.25 0
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	OUT
	# confidence 0.5 drops A->C (0.4), B->C and B->D (1/3).
	cc rules 0.2 0.5
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	C A 2 4 5 0.200000 0.500000 1.000000
	C B 2 4 6 0.200000 0.500000 0.833333
	D B 2 4 6 0.200000 0.500000 0.833333
	OUT
	# support 0: still 2 orders at least (AD, CD out).
	cc rules 0 0
	assert_line --index 0 'orders 10'
	[ "${#lines[@]}" -eq 9 ]
	cc rules 0 0 3
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	A C 2 5 4 0.200000 0.400000 1.000000
	OUT
	cc -x C rules 0 0
	assert_output - <<-'OUT'
	orders 10
	A B 4 5 6 0.400000 0.800000 1.333333
	B A 4 6 5 0.400000 0.666667 1.333333
	B D 2 6 4 0.200000 0.333333 0.833333
	D B 2 4 6 0.200000 0.500000 0.833333
	OUT
}

@test "rules: baskets are orders; the same product twice in one counts once" {
	shop1
	# Orders: c1 {A,B}, c2 {A}, c2 {B,C}, c3 {A,C}, c4 {B}, guest1 {A,B},
	# guest2 {C}: 7.  n(A) = 4, n(B) = 4; AB in c1 and guest1: 2/7,
	# confidence 2/4, lift 0.5 / (4/7) = 0.875.  AC and BC: 1 order.
	cc rules 0 0
	assert_output - <<-'OUT'
	orders 7
	A B 2 4 4 0.285714 0.500000 0.875000
	B A 2 4 4 0.285714 0.500000 0.875000
	OUT
	buy 'c1 A 2025-01-01T10:00' 'c1 A 2025-01-01T10:00' 'c1 B 2025-01-01T10:00' \
	    'c2 A 2025-01-01T10:00' 'c2 B 2025-01-01T10:00' 'c2 A 2025-01-02T10:00'
	# Orders: c1 {A,B}, c2 {A,B}, c2 {A}: n(A) = 3, n(B) = 2, AB 2.
	cc rules 0 0
	assert_output - <<-'OUT'
	orders 3
	A B 2 3 2 0.666667 0.666667 1.000000
	B A 2 2 3 0.666667 1.000000 1.000000
	OUT
	# Two orders of c1 at the same second are two baskets: {A,B} x2 and {A}.
	buy 'c1 A 2025-01-01 o1' 'c1 B 2025-01-01 o1' 'c1 A 2025-01-01 o2' 'c1 B 2025-01-01 o2' \
	    'c2 A 2025-01-01 o3'
	cc rules 0 0
	assert_output - <<-'OUT'
	orders 3
	A B 2 3 2 0.666667 0.666667 1.000000
	B A 2 2 3 0.666667 1.000000 1.000000
	OUT
}

@test "rules: top N keeps the best N of many (132 rules of equal lift, by A then B)" {
	: >"$P"
	for o in 1 2 3; do
		for p in 01 02 03 04 05 06 07 08 09 10 11 12; do
			echo "guest$o P$p 2025-01-01" >>"$P"
		done
	done
	cc rules 0 0
	[ "${#lines[@]}" -eq 133 ]
	cc rules 0 0 5
	assert_output - <<-'OUT'
	orders 3
	P01 P02 3 3 3 1.000000 1.000000 1.000000
	P01 P03 3 3 3 1.000000 1.000000 1.000000
	P01 P04 3 3 3 1.000000 1.000000 1.000000
	P01 P05 3 3 3 1.000000 1.000000 1.000000
	P01 P06 3 3 3 1.000000 1.000000 1.000000
	OUT
	cc rules 0.5 0 1
	assert_output - <<-'OUT'
	orders 3
	P01 P02 3 3 3 1.000000 1.000000 1.000000
	OUT
	# No orders: no rules.
	: >"$P"
	cc rules 0 0
	assert_output 'orders 0'
}

# Soap S: c1 on 01-01, 01-31, 03-02 (30, 30); c2 01-10, 02-20 (41); c3 twice
# on 01-05, then 02-05 (31); c4 02-01 once; c5 2024-12-01, 01-10, 02-19 (40,
# 40); c6 2024-09-01 once; c7 03-15 once.  Repeat buyers c1, c2, c3, c5: 4,
# a cycle; intervals 30 30 31 40 40 41: median (31 + 40) / 2 = 35.5, 36.
# Tea T: repeat buyers c1, c2 only: no cycle.
shop3() {
	buy 'c1 S 2025-01-01' 'c1 S 2025-01-31' 'c1 S 2025-03-02' \
	    'c2 S 2025-01-10' 'c2 S 2025-02-20' \
	    'c3 S 2025-01-05T09:00' 'c3 S 2025-01-05T18:00' 'c3 S 2025-02-05' \
	    'c4 S 2025-02-01' \
	    'c5 S 2024-12-01' 'c5 S 2025-01-10' 'c5 S 2025-02-19' \
	    'c6 S 2024-09-01' 'c7 S 2025-03-15' \
	    'c1 T 2025-01-01' 'c1 T 2025-02-01' 'c2 T 2025-01-01' 'c2 T 2025-01-15' \
	    'c3 T 2025-01-01' 'guest1 S 2025-03-01'
}

@test "cycles: at least 3 repeat buyers, the median of their distinct-day intervals" {
	shop3
	cc cycles
	assert_success
	assert_output 'S 36'
	# Odd count: 10, 20, 30 (one each): 20.
	buy 'a X 2025-01-01' 'a X 2025-01-11' 'b X 2025-01-01' 'b X 2025-01-21' \
	    'c X 2025-01-01' 'c X 2025-01-31'
	cc cycles
	assert_output 'X 20'
	# Two repeat buyers and a third who bought twice on one day: none.
	buy 'a X 2025-01-01' 'a X 2025-01-11' 'b X 2025-01-01' 'b X 2025-01-21' \
	    'c X 2025-01-01T08:00' 'c X 2025-01-01T20:00'
	cc cycles
	assert_output ''
}

@test "cycles: days are local days of the zone" {
	# 23:00 and 01:00 UTC the next day: two days in UTC, one in Seoul.
	buy 'a X 2025-01-01T23:00Z' 'a X 2025-01-02T01:00Z' 'a X 2025-01-03T01:00Z' \
	    'b X 2025-01-01T23:00Z' 'b X 2025-01-02T01:00Z' 'b X 2025-01-03T01:00Z' \
	    'c X 2025-01-01T23:00Z' 'c X 2025-01-02T01:00Z' 'c X 2025-01-03T01:00Z'
	cc cycles
	assert_output 'X 1'
	cc -z Asia/Seoul cycles
	assert_output 'X 1'
	buy 'a X 2025-01-01T23:00Z' 'a X 2025-01-02T01:00Z' \
	    'b X 2025-01-01T23:00Z' 'b X 2025-01-02T01:00Z' \
	    'c X 2025-01-01T23:00Z' 'c X 2025-01-02T01:00Z'
	cc cycles
	assert_output 'X 1'
	cc -z Asia/Seoul cycles
	assert_output ''
}

@test "replenish: own median with 2+ intervals, else the product's; due within the window" {
	shop3
	# As of 03-20, within 14 (up to 04-03):
	# c1 own median 30: 03-02 + 30 = 04-01.  c2 one interval: 36,
	# 02-20 + 36 = 03-28.  c3 02-05 + 36 = 03-13.  c4 02-01 + 36 = 03-09.
	# c5 own 40: 02-19 + 40 = 03-31.  c6 lapsed (2024-09-01 + 108 days is
	# long past).  c7 03-15 + 36 = 04-20: not yet.  Tea: no cycle.  Guests
	# are never listed.
	cc replenish 2025-03-20 14
	assert_success
	assert_output - <<-'OUT'
	c1 S 2025-03-02 30 own 2025-04-01
	c2 S 2025-02-20 36 product 2025-03-28
	c3 S 2025-02-05 36 product 2025-03-13
	c4 S 2025-02-01 36 product 2025-03-09
	c5 S 2025-02-19 40 own 2025-03-31
	OUT
	# c7's 04-20 is 31 days after 03-20: in with 31, out with 30.
	cc replenish 2025-03-20 31
	assert_line --index 5 'c7 S 2025-03-15 36 product 2025-04-20'
	cc replenish 2025-03-20 30
	refute_line --partial c7
	# Not eligible (inactive, excluded): nobody.
	cc -x S replenish 2025-03-20 14
	assert_output ''
}

@test "replenish: lapsed on the day last + 3 x interval" {
	shop3
	# c4: 02-01 + 3 x 36 = 05-20.
	cc replenish 2025-05-19 0
	assert_line --partial 'c4 S 2025-02-01'
	cc replenish 2025-05-20 0
	refute_line --partial c4
	assert_line --partial 'c3 S 2025-02-05'
	[ "${#lines[@]}" -eq 5 ]
}

@test "rules and also bought agree with a brute-force count on random shops" {
	# Every pair of every order counted in Python (itertools.combinations),
	# against the scratch-row count after pruning; 8 seeds, 120 orders of
	# 15 products, guests in, and the thresholds at 0 and above.
	cat >brute.py <<'PY'
import random, sys, itertools
from collections import defaultdict
random.seed(int(sys.argv[1]))
mode = sys.argv[2]
prods = ["P%02d" % i for i in range(15)]
lines = []
orders = defaultdict(set)
buyer_of = {}
for o in range(120):
    buyer = "guest%03d" % o if random.random() < 0.3 else "c%02d" % random.randrange(25)
    day = "2025-01-%02d" % (1 + o % 28)
    oid = "o%03d" % o
    for _ in range(random.randint(1, 5)):
        p = random.choice(prods[:random.randint(3, 15)])
        lines.append(f"{buyer} {p} {day} {oid}")
        orders[oid].add(p)
    buyer_of[oid] = buyer
with open(sys.argv[3], "w") as f:
    f.write("\n".join(lines) + "\n")
N = len(orders)
n = defaultdict(int)
for s in orders.values():
    for p in s: n[p] += 1
if mode == "rules":
    ms, mc = float(sys.argv[4]), float(sys.argv[5])
    pair = defaultdict(int)
    for s in orders.values():
        for a, b in itertools.combinations(sorted(s), 2): pair[(a, b)] += 1
    rules = []
    for (a, b), c in pair.items():
        for x, y in ((a, b), (b, a)):
            sup, conf = c / N, c / n[x]
            lift = c * N / (n[x] * n[y])
            if c >= 2 and sup >= ms and conf >= mc:
                rules.append((-lift, -c, x, y, c, sup, conf, lift))
    rules.sort()
    print("orders %d" % N)
    for r in rules:
        x, y, c, sup, conf, lift = r[2:]
        print("%s %s %d %d %d %.6f %.6f %.6f" % (x, y, c, n[x], n[y], sup, conf, lift))
else:
    A = sys.argv[4]
    bought = defaultdict(set)
    for oid, s in orders.items():
        bought[buyer_of[oid]] |= s
    nb = len(bought)
    bp = defaultdict(int)
    for s in bought.values():
        for p in s: bp[p] += 1
    na = bp[A]
    both = defaultdict(int)
    for s in bought.values():
        if A in s:
            for p in s:
                if p != A: both[p] += 1
    rows = sorted((-c, -(c * nb / (na * bp[p])), p, c) for p, c in both.items())
    print("buyers %d" % na)
    for r in rows:
        p, c = r[2], r[3]
        print("%s %d %.6f %.6f %.6f" % (p, c, c / nb, c / na, c * nb / (na * bp[p])))
PY
	for seed in 1 2 3 4 5 6 7 8; do
		python3 brute.py "$seed" rules "$P" 0.02 0.1 >want
		"$CC" rules 0.02 0.1 <"$P" >got
		assert_golden want got
		[ "$(wc -l <got)" -gt 20 ]
		python3 brute.py "$seed" rules "$P" 0 0 >want
		"$CC" rules 0 0 <"$P" >got
		assert_golden want got
		python3 brute.py "$seed" also "$P" P01 >want
		"$CC" also P01 <"$P" >got
		assert_golden want got
	done
}
