#!/usr/bin/env bats
# Reviews and survey answers from real exports: the order they name (and
# its customer), ids made from the content of rows that have none, and the
# local day of the report's list of negative reviews.
load helpers

# Orders of two customers and a guest: O1 is a's, O2 b's, O3 a guest's.
orders() {
	csv customers.csv customer_id,email,name a,a@x.kr,김민준 'b,b@x.kr,Jane Doe'
	csv orders.csv order_id,customer_id,ordered_at,amount,currency \
		O1,a,2026-11-02,10000,KRW O2,b,2026-11-03,20000,KRW O3,,2026-11-04,5000,KRW
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
}

# Reviews as Olist exports them: an id and an order, no customer.
olist() {
	csv olist.csv review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,review_answer_timestamp \
		'v1,O1,1,Broken,"arrived broken, no answer",2026-11-10 00:00:00,' \
		'v2,O2,5,,great,2026-11-11 00:00:00,2026-11-12 10:00:00' \
		'v3,O3,2,Late,,2026-11-12 00:00:00,' \
		'v4,O9,1,Wrong size,,2026-11-13 00:00:00,'
}

# ---- 5: the order a review or an answer names --------------------------------------

@test "reviews: an Olist export keeps each review's order, and a review takes its order's customer" {
	orders
	olist
	run crm-import reviews olist.csv
	assert_success
	assert_output "crm-import: reviews: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected
crm-import: reviews: 1 names an order not stored: kept, and linked to its customer once the order is imported"
	# O3 is a guest's order: no customer; O9 is not stored: none yet
	run q "SELECT review_id, order_id, customer_id, rating, title, body, posted_at, replied_at FROM reviews ORDER BY 1"
	assert_output "v1|O1|a|1|Broken|arrived broken, no answer|2026-11-10T00:00:00Z|
v2|O2|b|5||great|2026-11-11T00:00:00Z|2026-11-12T10:00:00Z
v3|O3||2|Late||2026-11-12T00:00:00Z|
v4|O9||1|Wrong size||2026-11-13T00:00:00Z|"
	# a re-import changes nothing, and still counts the order not stored
	run crm-import reviews olist.csv
	assert_output "crm-import: reviews: 4 read, 0 inserted, 0 updated, 4 unchanged, 0 rejected
crm-import: reviews: 1 names an order not stored: kept, and linked to its customer once the order is imported"
	# -q says nothing when all is well
	run crm-import -q reviews olist.csv
	assert_success
	assert_output ""
}

@test "reviews: a review's own customer wins over its order's; headers 주문번호 and Order ID are the order" {
	orders
	csv r.csv 리뷰번호,주문번호,회원아이디,별점,작성일 'k1,O1,b,4,2026-11-10' 'k2,O2,,3,2026-11-10'
	crm-import -q reviews r.csv
	csv e.csv 'Review ID,Order ID,E-mail,Stars,Date' 'k3,O2,a@x.kr,2,2026-11-11'
	crm-import -q reviews e.csv
	run q "SELECT review_id, order_id, customer_id FROM reviews ORDER BY 1"
	assert_output $'k1|O1|b\nk2|O2|b\nk3|O2|a'
}

@test "reviews: an order id longer than a key is refused with its file, line and column" {
	orders
	long=$(printf 'O%.0s' {1..256})
	csv r.csv review_id,order_id,rating,posted_at "k1,$long,4,2026-11-10" 'k2,O1,4,2026-11-10'
	run crm-import reviews r.csv
	assert_failure 1
	assert_line --index 0 "crm-import: r.csv:2: column 'order_id': '${long:0:60}...' is longer than 255 bytes"
	assert_line "crm-import: reviews: 2 read, 1 inserted, 0 updated, 0 unchanged, 1 rejected"
}

@test "reviews: imported before their orders, the report finds their customers through the orders" {
	olist
	run crm-import reviews olist.csv
	assert_success
	assert_line "crm-import: reviews: 4 name an order not stored: kept, and linked to its customer once the order is imported"
	orders
	run crm-report --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["reviews"]
m = {k: (v["current"], v["previous"]) for k, v in s["metrics"].items()}
# W46: 4 reviews by a, b, a guest and an order not stored: 2 customers
assert m["reviews"] == (4, 0) and m["reviewers"] == (2, 0), m
assert m["unanswered_negative"] == (3, None), m
t = s["tables"][0]
assert t["columns"] == ["posted", "rating", "customer", "order", "platform", "title"], t
assert t["rows"] == [["2026-11-10", 1, "김민준", "O1", "", "Broken"],
                     ["2026-11-12", 2, "", "O3", "", "Late"],
                     ["2026-11-13", 1, "", "O9", "", "Wrong size"]], t["rows"]
EOF
	# a re-import now that the orders are stored copies their customers
	run crm-import reviews olist.csv
	assert_line "crm-import: reviews: 4 read, 0 inserted, 2 updated, 2 unchanged, 0 rejected"
	run q "SELECT review_id, customer_id FROM reviews ORDER BY 1"
	assert_output $'v1|a\nv2|b\nv3|\nv4|'
}

@test "reviews: the text report lists a negative review's order and its order's customer" {
	orders
	olist
	crm-import -q reviews olist.csv
	run crm-report --as-of 2026-11-16
	assert_success
	assert_line "  Customers who reviewed                            2                0  +2"
	assert_line --regexp "^    posted +rating +customer +order +platform +title$"
	assert_line --regexp "^    2026-11-10 +1 +김민준 +O1 +Broken$"
	assert_line --regexp "^    2026-11-13 +1 +O9 +Wrong size$"
}

@test "responses: answers keep their order and take its customer, for the segments and the call list" {
	orders
	csv s.csv order_id,score,comment,answered_at 'O1,9,fast,2026-11-10' 'O2,3,slow,2026-11-11' \
		'O3,2,guest,2026-11-12' 'O9,0,unknown,2026-11-13'
	run crm-import responses s.csv
	assert_success
	assert_line "crm-import: responses: 1 names an order not stored: kept, and linked to its customer once the order is imported"
	run q "SELECT order_id, customer_id, score FROM responses ORDER BY 1"
	assert_output $'O1|a|9\nO2|b|3\nO3||2\nO9||0'
	# O9 comes later, with its customer: the answer is hers at read time
	csv more.csv order_id,customer_id,ordered_at,amount,currency O9,b,2026-11-05,3000,KRW
	crm-import -q orders more.csv
	crm-segment --as-of 2026-11-16 --save >/dev/null
	run crm-segment --as-of 2026-11-16
	seg_a=$(echo "$output" | sed -n 's/^a,.*,\([^,]*\)$/\1/p')
	seg_b=$(echo "$output" | sed -n 's/^b,.*,\([^,]*\)$/\1/p')
	[ -n "$seg_a" ] && [ -n "$seg_b" ] || fail "segments: $output"
	run --separate-stderr crm-nps --by segment --format json
	assert_success
	echo "$output" >n.json
	SEG_A=$seg_a SEG_B=$seg_b python3 - <<'EOF'
import json, os
rows = {r["segment"]: r["n"] for r in json.load(open("n.json"))}
# a: O1's answer; b: O2's and O9's (through the order imported later); the guest's: none
want = {None: 1}
for seg, n in ((os.environ["SEG_A"], 1), (os.environ["SEG_B"], 2)):
    want[seg] = want.get(seg, 0) + n
assert rows == want, (rows, want)
EOF
	# newest first: O9's (b's through the order), the guest's, O2's
	run --separate-stderr crm-nps --detractors
	assert_success
	assert_line --index 1 --regexp "^h[0-9a-f]{16},2026-11-13T00:00:00Z,0,unknown,,,b,Jane Doe,b@x.kr,"
	assert_line --index 2 --regexp "^h[0-9a-f]{16},2026-11-12T00:00:00Z,2,guest,,,,,,,"
	assert_line --index 3 --regexp "^h[0-9a-f]{16},2026-11-11T00:00:00Z,3,slow,,,b,Jane Doe,b@x.kr,"
	# the call recorded by customer covers the answers of b's orders
	csv called.csv customer_id,followed_at b,2026-11-14
	crm-nps --followed-up called.csv 2>/dev/null
	run q "SELECT f.customer_id, r.order_id FROM followups f JOIN responses r USING (response_id) ORDER BY 2"
	assert_output $'b|O2\nb|O9'
}

# ---- 6: rows without an id of their own --------------------------------------------

@test "reviews without review_id: ids made from each row's content, said once; a re-import changes nothing" {
	csv r.csv customer_id,rating,body,posted_at,platform 'a,1,"late, broken",2026-11-10,naver' \
		'b,5,good,2026-11-11,naver' 'a,1,"late, broken",2026-11-12,naver'
	run crm-import reviews r.csv
	assert_success
	assert_output "crm-import: r.csv: no column 'review_id': ids made from each row's content
crm-import: reviews: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected
crm-import: customers: 2 created, 0 merged"
	run q "SELECT count(*), count(DISTINCT review_id), sum(review_id GLOB 'h[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]') FROM reviews"
	assert_output "3|3|3"
	run crm-import reviews r.csv
	assert_success
	assert_line --index 1 "crm-import: reviews: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected"
	# -q: not a word, as with merges
	run crm-import -q reviews r.csv
	assert_success
	assert_output ""
	# the id is the content's: the same review in another file, in another
	# order of columns, is the same review
	csv r2.csv posted_at,platform,rating,body,customer_id '2026-11-11,naver,5,good,b'
	run crm-import reviews r2.csv
	assert_line --index 1 "crm-import: reviews: 1 read, 0 inserted, 0 updated, 1 unchanged, 0 rejected"
}

@test "reviews: two rows alike in every column are one review, the second counted unchanged" {
	csv r.csv customer_id,rating,body,posted_at 'a,2,same,2026-11-10' 'a,2,same,2026-11-10' \
		'a,2,same,2026-11-10 00:00:01'
	run crm-import reviews r.csv
	assert_success
	assert_line "crm-import: reviews: 3 read, 2 inserted, 0 updated, 1 unchanged, 0 rejected"
	run q "SELECT count(*) FROM reviews"
	assert_output 2
}

@test "reviews: rows with an empty review_id get ids made from their content, counted once per file" {
	csv r.csv review_id,customer_id,rating,posted_at 'k1,a,4,2026-11-10' ',a,2,2026-11-10' \
		',b,1,2026-11-11'
	run crm-import reviews r.csv
	assert_success
	assert_output "crm-import: r.csv: 2 rows with an empty 'review_id': ids made from their content
crm-import: reviews: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected
crm-import: customers: 2 created, 0 merged"
	csv one.csv review_id,customer_id,rating,posted_at ',c,5,2026-11-12'
	run crm-import reviews one.csv
	assert_line --index 0 "crm-import: one.csv: 1 row with an empty 'review_id': ids made from its content"
	run q "SELECT count(*) FROM reviews WHERE review_id LIKE 'h%'"
	assert_output 3
}

@test "reviews without review_id still need a rating and a time: refused by line and column" {
	csv r.csv rating,posted_at 6,2026-11-10 3, '4,2026-11-10'
	run crm-import reviews r.csv
	assert_failure 1
	assert_line "crm-import: r.csv:2: column 'rating': '6' is not a rating from 1 to 5"
	assert_line "crm-import: r.csv:3: column 'posted_at' is empty"
	assert_line "crm-import: reviews: 3 read, 1 inserted, 0 updated, 0 unchanged, 2 rejected"
	csv t.csv body,posted_at x,2026-11-10
	run crm-import reviews t.csv
	assert_failure 1
	assert_line --partial "t.csv:1: missing required column 'rating' for reviews"
}

@test "responses: the ids made from an answer's content are those of the crm before order_id" {
	# hb47f991c6b0299f4 is the id the crm of schema 6 before order_id was
	# imported (commit 3570377) made of this answer, with or without the
	# order column, which it did not read
	csv r.csv email,score,comment,date 'a@x.co,9,좋아요,2025-01-01'
	run crm-import responses r.csv
	assert_success
	run q "SELECT response_id, order_id FROM responses"
	assert_output "hb47f991c6b0299f4|"
	# the same answers exported again with their orders: the same answers,
	# now linked, not new ones
	csv r2.csv email,score,comment,date,order_id 'a@x.co,9,좋아요,2025-01-01,O1'
	run crm-import responses r2.csv
	assert_success
	assert_line "crm-import: responses: 1 read, 0 inserted, 1 updated, 0 unchanged, 0 rejected"
	run q "SELECT response_id, order_id FROM responses"
	assert_output "hb47f991c6b0299f4|O1"
}

@test "reviews: the ids made from a review's content leave its order out, as answers' do" {
	csv r.csv customer_id,rating,posted_at a,1,2026-11-10
	crm-import -q reviews r.csv
	csv r2.csv customer_id,rating,posted_at,order_id a,1,2026-11-10,O1
	run crm-import reviews r2.csv
	assert_success
	assert_line "crm-import: reviews: 1 read, 0 inserted, 1 updated, 0 unchanged, 0 rejected"
	run q "SELECT count(*), max(order_id) FROM reviews"
	assert_output "1|O1"
}

# ---- 11: the local day of the negative reviews -------------------------------------

@test "report: a negative review is listed on its local day of --tz, not its UTC date" {
	# 08:00 in Seoul on the 1st is 23:00 UTC on October 31
	csv r.csv review_id,customer_id,rating,title,posted_at k1,a,1,Late,'2026-11-01 08:00'
	crm-import -q --tz Asia/Seoul reviews r.csv
	run q "SELECT posted_at FROM reviews"
	assert_output "2026-10-31T23:00:00Z"
	run crm-report --tz Asia/Seoul --period 2026-11 --as-of 2026-11-16 --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["reviews"]
assert s["metrics"]["reviews"]["current"] == 1, s["metrics"]
assert [x[0] for x in s["tables"][0]["rows"]] == ["2026-11-01"], s["tables"][0]["rows"]
EOF
	run crm-report --tz UTC --as-of 2026-11-16
	assert_line --regexp "^    2026-10-31 +1 +a +Late$"
	run crm-report --tz America/New_York --as-of 2026-11-16
	assert_line --regexp "^    2026-10-31 +1 +a +Late$"
	run crm-report --tz Pacific/Kiritimati --as-of 2026-11-16
	assert_line --regexp "^    2026-11-01 +1 +a +Late$"
}
