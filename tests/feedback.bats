#!/usr/bin/env bats
# crm-feedback through the command: tag, topics (shares, the z test both
# ways, rising, examples, --by), triage (order, waits, reply rate and time),
# replied, and the bad input each verb refuses.
load helpers

# A dictionary of three topics, so that the figures hang on these lines only.
dict() {
	printf '%s\n' '# the test dictionary' 'delivery: 배송, 택배' 'price: 가격, 비싸' 'smell: =향' >dict.txt
}

# A shop: customer c1 (with a last order of S1, 수분크림) and c2.
# November 2026 (the period), ten reviews N1..N10, N<i> posted 2026-11-0<i>
# (N10 on the 10th) at 10:00 UTC:
#   N1-N3  5 stars  배송이 빨라요            delivery
#   N4-N6  1 star   배송이 느려요            delivery, negative
#   N7     1 star   배송이 안 와요           delivery negated, negative
#   N8     2 stars  배송 늦고 가격도 비싸요  delivery and price, negative
#   N9     4 stars  가격 괜찮아요            price
#   N10    5 stars  좋아요                   none
# replied: N1 2 h after (12:00), N4 22 h after (11-05 08:00), N9 24 h after.
# October 2026 (the previous period), ten reviews O1..O10 on 2026-10-0<i>:
#   O1 배송 빨라요 (delivery), O2 가격 착해요 (price), O3-O10 좋아요; all 5 stars.
shop() {
	local i line
	dict
	csv customers.csv customer_id,email,name,phone 'c1,c1@x.kr,김민준,010-1234-5678' \
		'c2,c2@x.kr,Jane Doe,'
	csv orders.csv order_id,customer_id,ordered_at,amount,currency O1,c1,2026-10-15,10000,KRW \
		O2,c2,2026-09-01,5000,KRW
	csv items.csv order_id,ordered_at,sku,product,quantity,unit_price \
		O1,2026-10-15,S1,수분크림,1,10000 O2,2026-09-01,S2,선크림,1,5000
	{
		echo review_id,customer_id,sku,rating,body,posted_at,replied_at,platform
		for i in 1 2 3; do echo "N$i,c2,S2,5,배송이 빨라요,2026-11-0$i 10:00,,coupang"; done
		for i in 4 5 6; do echo "N$i,c1,S1,1,배송이 느려요,2026-11-0$i 10:00,,naver"; done
		echo "N7,c1,S1,1,배송이 안 와요,2026-11-07 10:00,,naver"
		echo "N8,c2,S2,2,배송 늦고 가격도 비싸요,2026-11-08 10:00,,naver"
		echo "N9,c2,S2,4,가격 괜찮아요,2026-11-09 10:00,2026-11-10 10:00,coupang"
		echo "N10,c2,S2,5,좋아요,2026-11-10 10:00,,coupang"
		echo "O1,c2,S2,5,배송 빨라요,2026-10-01 10:00,,coupang"
		echo "O2,c2,S2,5,가격 착해요,2026-10-02 10:00,,coupang"
		for i in 3 4 5 6 7 8 9; do echo "O$i,c2,S2,5,좋아요,2026-10-0$i 10:00,,coupang"; done
		echo "O10,c2,S2,5,좋아요,2026-10-10 10:00,,coupang"
	} >reviews.csv
	sed -i -e 's/^\(N1,.*\),,coupang$/\1,2026-11-01 12:00,coupang/' \
		-e 's/^\(N4,.*\),,naver$/\1,2026-11-05 08:00,naver/' reviews.csv
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
	crm-import -q --currency KRW order_items items.csv
	crm-import -q reviews reviews.csv
}

# A survey answer and a ticket beside the reviews, for the sources.
others() {
	csv responses.csv response_id,customer_id,answered_at,score,comment \
		'A1,c1,2026-11-03,6,배송이 늦었어요' 'A2,c2,2026-11-04,10,'
	csv tickets.csv ticket_id,customer_id,channel,category,opened_at,csat,subject,description \
		'T1,c1,email,shipping,2026-11-04 10:00,,배송 문의,택배가 안 왔어요 최악' \
		'T2,c2,chat,billing,2026-11-05 10:00,4,가격 문의,'
	crm-import -q responses responses.csv
	crm-import -q tickets tickets.csv
}

# ---- tag ------------------------------------------------------------------------------

@test "feedback tag: each text with its topics, the negated ones, the sentiment and what decided it" {
	shop
	others
	run crm-feedback tag --topics dict.txt --period 2026-11 --as-of 2026-12-01
	assert_success
	# reviews by the rating, the answer by its NPS class (6: detractor), T1 by
	# the lexicon (최악 is negative), T2 by its csat 4; each source by id
	assert_output "source,id,customer_id,at,rating,topics,negated,sentiment,sentiment_source
reviews,N1,c2,2026-11-01T10:00:00Z,5,delivery,,positive,rating
reviews,N10,c2,2026-11-10T10:00:00Z,5,,,positive,rating
reviews,N2,c2,2026-11-02T10:00:00Z,5,delivery,,positive,rating
reviews,N3,c2,2026-11-03T10:00:00Z,5,delivery,,positive,rating
reviews,N4,c1,2026-11-04T10:00:00Z,1,delivery,,negative,rating
reviews,N5,c1,2026-11-05T10:00:00Z,1,delivery,,negative,rating
reviews,N6,c1,2026-11-06T10:00:00Z,1,delivery,,negative,rating
reviews,N7,c1,2026-11-07T10:00:00Z,1,delivery,delivery,negative,rating
reviews,N8,c2,2026-11-08T10:00:00Z,2,delivery;price,,negative,rating
reviews,N9,c2,2026-11-09T10:00:00Z,4,price,,positive,rating
responses,A1,c1,2026-11-03T00:00:00Z,6,delivery,,negative,score
responses,A2,c2,2026-11-04T00:00:00Z,10,,,positive,score
tickets,T1,c1,2026-11-04T10:00:00Z,,delivery,delivery,negative,lexicon
tickets,T2,c2,2026-11-05T10:00:00Z,4,price,,positive,csat"
}

@test "feedback tag: --source picks sources; without a period every text; json and text formats" {
	shop
	others
	run crm-feedback tag --topics dict.txt --source tickets,responses
	assert_success
	assert_line --index 0 "source,id,customer_id,at,rating,topics,negated,sentiment,sentiment_source"
	assert_line --index 1 "responses,A1,c1,2026-11-03T00:00:00Z,6,delivery,,negative,score"
	assert_equal "${#lines[@]}" 5
	run crm-feedback tag --source reviews
	assert_success
	# 20 reviews, both months, by the built-in dictionary, by id (N before O)
	assert_equal "${#lines[@]}" 21
	assert_line --index 1 --regexp '^reviews,N1,c2,2026-11-01T10:00:00Z,5,delivery,,positive,rating$'
	assert_line --index 11 --regexp '^reviews,O1,c2,2026-10-01T10:00:00Z,5,delivery,,positive,rating$'
	run crm-feedback tag --topics dict.txt --source tickets --format json
	assert_success
	assert_line --index 1 '  {"source": "tickets", "id": "T1", "customer_id": "c1", "at": "2026-11-04T10:00:00Z", "rating": null, "topics": "delivery", "negated": "delivery", "sentiment": "negative", "sentiment_source": "lexicon"},'
	run crm-feedback --tsv tag --topics dict.txt --source tickets
	assert_line --index 2 $'tickets\tT2\tc2\t2026-11-05T10:00:00Z\t4\tprice\t\tpositive\tcsat'
}

@test "feedback tag: invalid UTF-8 in a text is tagged and reported once with its table, id and byte" {
	shop
	# crm-import refuses such bytes, so they are written straight in:
	# 배 is EB B0 B0, then a stray FF at byte 4, then 송
	run crm-import reviews <(printf 'review_id,rating,body,posted_at\nX1,3,\xeb\xb0\xb0\xff,2026-11-01\n')
	assert_failure 1
	assert_output --partial "invalid UTF-8 (byte 0xff)"
	q "INSERT INTO reviews(review_id, rating, body, posted_at) VALUES ('X1', 1,
	   CAST(X'ebb0b0ffec86a1' AS TEXT), '2026-11-11T00:00:00Z')"
	run --separate-stderr crm-feedback tag --topics dict.txt --source reviews --period 2026-11 --as-of 2026-12-01
	assert_success
	# the bad byte reads as a space: "배 송" still matches 배송 (spaces
	# between Hangul are dropped)
	assert_line "reviews,X1,,2026-11-11T00:00:00Z,1,delivery,,negative,rating"
	assert_equal "$stderr" "crm-feedback: reviews: review 'X1': invalid UTF-8 at byte 4
crm-feedback: 1 of 11 texts with invalid UTF-8, tagged all the same"
}

# ---- topics ---------------------------------------------------------------------------

@test "feedback topics: mentions, shares, negatives, ratings and the change against October" {
	shop
	run crm-feedback topics --topics dict.txt --source reviews --period 2026-11 --as-of 2026-12-01
	assert_success
	# delivery: N1-N8 mention it, 8 of 10 = 80.0%; negative N4-N8 (1-2 stars,
	#   N7's negated too) = 5, 5/8 = 62.5%; stars (3*5 + 3*1 + 1 + 2)/8 =
	#   21/8 = 2.625 -> 2.63.  October: O1, 1 of 10 = 10.0%.
	#   change 80 - 10 = +70.0 points; SE now 100 sqrt(.8 .2 / 10) = 12.649,
	#   then 100 sqrt(.1 .9 / 10) = 9.487; noise 1.96 sqrt(160 + 90) = 31.0:
	#   70 > 31.0, significant.  Negative per text: 5/10 against 0/10,
	#   +50 points, noise 1.96 * 100 sqrt(.5 .5 / 10) = 31.0: rising.
	# price: N8, N9: 2 of 10 = 20.0%; negative N8: 1, 50.0%; stars (2 + 4)/2
	#   = 3.00.  October O2: 10.0%.  change +10.0, noise 1.96 sqrt(160 + 90)
	#   = 31.0: 10 < 31.0, not significant.  Negative 1/10 against 0/10:
	#   +10, noise 1.96 * 100 sqrt(.1 .9 / 10) = 18.6: not rising.
	# smell: no mention in either month: no row.
	assert_output "topic,texts,mentions,share_pct,negative,negative_pct,avg_rating,rated,prev_texts,prev_mentions,prev_share_pct,change_pts,noise_pts,significant,rising
delivery,10,8,80.0,5,62.5,2.63,8,10,1,10.0,70.0,31.0,yes,yes
price,10,2,20.0,1,50.0,3.00,2,10,1,10.0,10.0,31.0,no,no"
}

@test "feedback topics: a period with no texts before it is not tested; --format json" {
	shop
	run crm-feedback topics --topics dict.txt --period 2026-10 --as-of 2026-12-01 --format json
	assert_success
	# September has no text: no change, no test (null), not rising
	assert_line --index 1 '  {"topic": "delivery", "texts": 10, "mentions": 1, "share_pct": 10.0, "negative": 0, "negative_pct": 0.0, "avg_rating": 5.00, "rated": 1, "prev_texts": 0, "prev_mentions": 0, "prev_share_pct": null, "change_pts": null, "noise_pts": null, "significant": null, "rising": false},'
}

@test "feedback topics --examples: the N most recent mentioning texts, cut at a character boundary" {
	shop
	# a long text: 250 characters of 가 after 배송 (3 bytes each)
	q "INSERT INTO reviews(review_id, rating, body, posted_at) VALUES ('L1', 5,
	   '배송' || replace(printf('%250s', ''), ' ', '가'), '2026-11-20T00:00:00Z')"
	run crm-feedback topics --topics dict.txt --period 2026-11 --as-of 2026-12-01 --examples 2
	assert_success
	assert_line --index 0 --partial ",rising,example_1_id,example_1,example_2_id,example_2"
	# delivery: L1 (11-20) then N8 (11-08); L1 cut after 200 characters
	# (배송 and 198 가) with "...": 599 bytes + 3
	local long="배송$(printf '가%.0s' $(seq 198))..."
	assert_line --index 1 --partial ",reviews:L1,$long,reviews:N8,배송 늦고 가격도 비싸요"
	# price: N9 (11-09), then N8
	assert_line --index 2 --partial ",reviews:N9,가격 괜찮아요,reviews:N8,배송 늦고 가격도 비싸요"
}

@test "feedback topics --by: platform, source, month (each month against the month before)" {
	shop
	others
	run crm-feedback topics --topics dict.txt --source reviews --period 2026-11 --as-of 2026-12-01 --by platform
	assert_success
	# coupang in November: N1-N3, N9, N10 (5 texts): delivery 3 (60.0%), price 1;
	#   October: all 10 are coupang's: delivery 1, price 1 (10.0%).
	#   delivery +50.0, noise 1.96 sqrt(100^2 .6 .4 / 5 + 90) = 1.96 sqrt(480
	#   + 90) = 46.8: significant.  price +10.0: 1.96 sqrt(320 + 90) = 39.7: no.
	# naver in November: N4-N8 (5): delivery 5 (100%), price 1; none in October:
	#   untested.
	assert_output "platform,topic,texts,mentions,share_pct,negative,negative_pct,avg_rating,rated,prev_texts,prev_mentions,prev_share_pct,change_pts,noise_pts,significant,rising
coupang,delivery,5,3,60.0,0,0.0,5.00,3,10,1,10.0,50.0,46.8,yes,no
coupang,price,5,1,20.0,0,0.0,4.00,1,10,1,10.0,10.0,39.7,no,no
naver,delivery,5,5,100.0,5,100.0,1.20,5,0,0,,,,,no
naver,price,5,1,20.0,1,100.0,2.00,1,0,0,,,,,no"
	run crm-feedback topics --topics dict.txt --period 2026-11 --as-of 2026-12-01 --by source
	assert_success
	# responses: A1, A2 in November; A1 mentions delivery with a score of 6
	# (negative); scores are not stars: no avg_rating
	assert_line "responses,delivery,2,1,50.0,1,100.0,,0,0,0,,,,,no"
	# tickets: T2's csat 4 is on the stars' scale
	assert_line "tickets,price,2,1,50.0,0,0.0,4.00,1,0,0,,,,,no"
	run crm-feedback topics --topics dict.txt --source reviews --from 2026-10-01 --to 2026-11-30 --as-of 2026-12-01 --by month
	assert_success
	# 2026-11 against 2026-10 as above; 2026-10 against September (none)
	assert_line --index 1 "2026-10,delivery,10,1,10.0,0,0.0,5.00,1,0,0,,,,,no"
	assert_line --index 3 "2026-11,delivery,10,8,80.0,5,62.5,2.63,8,10,1,10.0,70.0,31.0,yes,yes"
}

@test "feedback topics --by sku: each product against its own October" {
	shop
	run crm-feedback topics --topics dict.txt --source reviews --period 2026-11 --as-of 2026-12-01 --by sku
	assert_success
	# S1: N4-N7, all delivery and 1 star: 4 of 4, negative 4, stars 1.00; no
	#   S1 text in October: untested.
	# S2: N1-N3, N8-N10 (6): delivery N1-N3, N8: 66.7%, negative N8 25.0%,
	#   stars (5+5+5+2)/4 = 4.25; October (all S2) 1 of 10: +56.7, noise
	#   1.96 sqrt(100^2 (4/6)(2/6) / 6 + 90) = 1.96 sqrt(370.4 + 90) = 42.1: yes.
	#   Negative per text 1/6 = 16.7 against 0: noise 1.96 * 100 sqrt((1/6)(5/6)
	#   / 6) = 29.8: not rising.  price N8, N9: 33.3%, +23.3 under the same
	#   noise 42.1: no; stars (2+4)/2.
	assert_output "sku,topic,texts,mentions,share_pct,negative,negative_pct,avg_rating,rated,prev_texts,prev_mentions,prev_share_pct,change_pts,noise_pts,significant,rising
S1,delivery,4,4,100.0,4,100.0,1.00,4,0,0,,,,,no
S2,delivery,6,4,66.7,1,25.0,4.25,4,10,1,10.0,56.7,42.1,yes,no
S2,price,6,2,33.3,1,50.0,3.00,2,10,1,10.0,23.3,42.1,no,no"
}

@test "feedback topics --by week: each week against the week before, Monday first" {
	shop
	run crm-feedback topics --topics dict.txt --source reviews --from 2026-11-02 --to 2026-11-15 --as-of 2026-12-01 --by week
	assert_success
	# the previous span is 2026-10-19..11-01: of it only N1 (Sunday 11-01),
	# in the week of 2026-10-26, which has no text of the period: no row.
	# Week 2026-11-02: N2-N8 (7): delivery 7 (100%) as N1's week (1 of 1):
	#   0.0 points, and both shares at 100% leave no noise (SE 0): not beyond
	#   it.  Negative N4-N8 5 (71.4%); per text 5/7 against 0/1: +71.4, noise
	#   1.96 * 100 sqrt((5/7)(2/7) / 7) = 33.5: rising.  Stars (5+5+1+1+1+1+2)/7
	#   = 2.29.  price N8: 1/7 = 14.3 against 0/1, noise 1.96 * 100
	#   sqrt((1/7)(6/7) / 7) = 25.9: no, negative the same: not rising.
	# Week 2026-11-09: N9, N10: no delivery against 7 of 7 in the week before:
	#   0% against 100%: both at the edge, no noise to test with: no test.  price N9:
	#   1 of 2 against 1 of 7: +35.7, noise 1.96 sqrt(100^2 .5 .5 / 2 + 175.0)
	#   = 1.96 sqrt(1250 + 175.0) = 74.0: no.
	assert_output "week,topic,texts,mentions,share_pct,negative,negative_pct,avg_rating,rated,prev_texts,prev_mentions,prev_share_pct,change_pts,noise_pts,significant,rising
2026-11-02,delivery,7,7,100.0,5,71.4,2.29,7,1,1,100.0,0.0,0.0,no,yes
2026-11-02,price,7,1,14.3,1,100.0,2.00,1,1,0,0.0,14.3,25.9,no,no
2026-11-09,delivery,2,0,0.0,0,,,0,7,7,100.0,,,,no
2026-11-09,price,2,1,50.0,0,0.0,4.00,1,7,1,14.3,35.7,74.0,no,no"
}

@test "feedback topics --by category: tickets' categories, the texts without one last" {
	shop
	others
	run crm-feedback topics --topics dict.txt --period 2026-11 --as-of 2026-12-01 --by category
	assert_success
	# billing: T2 (가격 문의, csat 4): price, not negative, 4.00.
	# shipping: T1 (배송 문의 / 택배가 안 왔어요 최악, no csat): delivery,
	#   negative by the lexicon; no stars.
	# (none): the 10 reviews and A1, A2 (12): delivery N1-N8, A1 = 9, 75.0%;
	#   negative N4-N8, A1 (score 6) = 6, 66.7%; stars of the reviews only,
	#   21/8 = 2.63.  October 1 of 10: +65.0, noise 1.96 sqrt(100^2 .75 .25 /
	#   12 + 90) = 1.96 sqrt(156.25 + 90) = 30.8: yes; negative per text 6/12
	#   against 0: +50.0, noise 1.96 * 100 sqrt(.25 / 12) = 28.3: rising.
	#   price N8, N9: 16.7%, +6.7, noise 1.96 sqrt(115.7 + 90) = 28.1: no.
	assert_output "category,topic,texts,mentions,share_pct,negative,negative_pct,avg_rating,rated,prev_texts,prev_mentions,prev_share_pct,change_pts,noise_pts,significant,rising
billing,price,1,1,100.0,0,0.0,4.00,1,0,0,,,,,no
shipping,delivery,1,1,100.0,1,100.0,,0,0,0,,,,,no
(none),delivery,12,9,75.0,6,66.7,2.63,8,10,1,10.0,65.0,30.8,yes,yes
(none),price,12,2,16.7,1,50.0,3.00,2,10,1,10.0,6.7,28.1,no,no"
}

@test "feedback topics --list prints the dictionary in force" {
	dict
	run crm-feedback topics --list --topics dict.txt
	assert_success
	assert_output "delivery: 배송, 택배
price: 가격, 비싸
smell: =향"
	run crm-feedback topics --list --lang ko
	assert_success
	assert_line --index 0 --regexp '^delivery: 배송'
	assert_equal "${#lines[@]}" 10
}

# ---- triage ---------------------------------------------------------------------------

@test "feedback triage: negative reviews without a reply, oldest first, with contact, product and wait" {
	shop
	run crm-feedback triage --period 2026-11 --as-of 2026-11-30 --format csv
	assert_success
	# end: 2026-12-01T00:00Z.  N4 was replied.  N5 waited from 11-05 10:00:
	# 25 days 14 hours = 614.0 h = 25.6 d; N8 from 11-08 10:00: 542.0 h, 22.6 d.
	# c1's last order O1 on 2026-10-15; c2's O2 on 2026-09-01.
	assert_output "review_id,posted_at,waited_h,waited_d,rating,platform,sku,product,customer_id,name,email,phone,last_order,text
N5,2026-11-05T10:00:00Z,614.0,25.6,1,naver,S1,수분크림,c1,김민준,c1@x.kr,+821012345678,2026-10-15,배송이 느려요
N6,2026-11-06T10:00:00Z,590.0,24.6,1,naver,S1,수분크림,c1,김민준,c1@x.kr,+821012345678,2026-10-15,배송이 느려요
N7,2026-11-07T10:00:00Z,566.0,23.6,1,naver,S1,수분크림,c1,김민준,c1@x.kr,+821012345678,2026-10-15,배송이 안 와요
N8,2026-11-08T10:00:00Z,542.0,22.6,2,naver,S2,선크림,c2,Jane Doe,c2@x.kr,,2026-09-01,배송 늦고 가격도 비싸요"
}

@test "feedback triage: a product is its sku's newest order line that names one, read once for all" {
	shop
	# S1 sold again: O3 line 1 renamed, O3 line 2 and O4 with no name; N6 and
	# N7 move to S9, which was never sold
	csv more.csv order_id,ordered_at,sku,product,quantity,unit_price \
		'O3,2026-11-20,S1,수분크림 리뉴얼,1,10000' O3,2026-11-20,S1,,1,0 O4,2026-11-21,S1,,1,0
	crm-import -q --currency KRW order_items more.csv
	q "UPDATE reviews SET sku = 'S9' WHERE review_id IN ('N6', 'N7')"
	run crm-feedback triage --period 2026-11 --as-of 2026-11-30
	assert_success
	# O4 (newest) and O3's line 2 have no name: O3's line 1 names S1
	assert_line --index 1 --partial ",1,naver,S1,수분크림 리뉴얼,c1,"
	assert_line --index 2 --partial ",1,naver,S9,,c1,"
	assert_line --index 3 --partial ",1,naver,S9,,c1,"
	assert_line --index 4 --partial ",2,naver,S2,선크림,c2,"
}

@test "feedback triage: back-dated, a reply after --as-of does not count yet" {
	shop
	run crm-feedback triage --period 2026-11 --as-of 2026-11-04
	assert_success
	# end 2026-11-05T00:00Z: N4 (replied 11-05 08:00) still waits 14.0 h, 0.6 d
	assert_output "review_id,posted_at,waited_h,waited_d,rating,platform,sku,product,customer_id,name,email,phone,last_order,text
N4,2026-11-04T10:00:00Z,14.0,0.6,1,naver,S1,수분크림,c1,김민준,c1@x.kr,+821012345678,2026-10-15,배송이 느려요"
	# counted alone (--summary, the report's count): N4 replied after the
	# end waits, found by the index of late replies (schema 11)
	run crm-feedback triage --period 2026-11 --as-of 2026-11-04 --summary
	assert_success
	assert_line --index 1 --regexp ',1$'
	[ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'reviews_late'")" = 1 ]
}

@test "feedback triage --summary: the reply rate and the reply time of the period" {
	shop
	run crm-feedback triage --period 2026-11 --as-of 2026-11-30 --summary
	assert_success
	# 10 reviews, 3 replied (N1 after 2 h, N4 22 h, N9 24 h): 30.0%;
	# sorted 2, 22, 24: median rank ceil(.5 * 3) = 2 -> 22.0 h, p90 rank
	# ceil(.9 * 3) = 3 -> 24.0 h; negative N4-N8: 5, replied N4: 20.0%;
	# waiting: N5-N8, 4
	assert_output "reviews,replied,reply_rate_pct,reply_median_h,reply_p90_h,negative,negative_replied,negative_reply_rate_pct,waiting
10,3,30.0,22.0,24.0,5,1,20.0,4"
	run crm-feedback triage --period 2026-09 --as-of 2026-11-30 --summary --format text
	assert_success
	assert_line --index 1 --regexp '^ +0 +0 +- +- +- +0 +0 +- +4$'
}

# ---- replied --------------------------------------------------------------------------

@test "feedback replied: marks a review, keeps a first reply, refuses an unknown id and a time before posting" {
	shop
	CRM_TEST_CLOCK='2026-11-20 09:30' run crm-feedback replied N5
	assert_success
	assert_output "crm-feedback: replied: review 'N5' replied at 2026-11-20T09:30:00Z"
	run q "SELECT replied_at FROM reviews WHERE review_id = 'N5'"
	assert_output "2026-11-20T09:30:00Z"
	run crm-feedback replied --at '2026-11-21 10:00' N5
	assert_success
	assert_output "crm-feedback: replied: review 'N5' was replied at 2026-11-20T09:30:00Z already; that first reply is kept"
	run crm-feedback replied --at 2026-11-07T08:00:00+09:00 N6
	assert_success
	run q "SELECT replied_at FROM reviews WHERE review_id = 'N6'"
	assert_output "2026-11-06T23:00:00Z"
	run crm-feedback replied --at 2026-11-01 N7
	assert_failure 1
	assert_output "crm-feedback: replied: 2026-11-01T00:00:00Z is before review 'N7' was posted at 2026-11-07T10:00:00Z"
	run crm-feedback replied NOPE
	assert_failure 6
	assert_output "crm-feedback: replied: unknown review 'NOPE'"
	run q "SELECT count(*) FROM reviews WHERE replied_at IS NOT NULL"
	assert_output 5
	# the triage list is shorter by the two
	run crm-feedback triage --period 2026-11 --as-of 2026-11-30 --summary
	assert_line --index 1 "10,5,50.0,22.0,359.5,5,3,60.0,2"
}

# ---- crm-report's section -------------------------------------------------------------

@test "feedback in crm-report: the section's figures are crm-feedback's, counted by hand" {
	shop
	others
	run crm-report --period 2026-11 --as-of 2026-11-30 --topics dict.txt --format json
	assert_success
	echo "$output" >r.json
	crm-feedback topics --topics dict.txt --period 2026-11 --as-of 2026-11-30 --examples 1 >topics.csv
	crm-feedback triage --period 2026-11 --as-of 2026-11-30 --summary >now.csv
	crm-feedback triage --period 2026-10 --as-of 2026-10-31 --summary >before.csv
	# November: 14 texts (N1-N10, A1, A2, T1, T2); October: O1-O10.
	# delivery: N1-N8, A1, T1: 10 of 14 = 71.4%; October O1, 10.0%: +61.4 points,
	#   noise 1.96 sqrt(100^2 (10/14)(4/14) / 14 + 90) = 1.96 sqrt(145.8 + 90)
	#   = 30.1: beyond it.  Negative N4-N8, A1 (score 6), T1 (최악): 7 of 10 = 70.0%.
	#   Negative per text 7/14 = 50.0% against 0/10: +50.0, noise 1.96 * 100
	#   sqrt(.5 .5 / 14) = 26.2: rising; its latest text N8 (11-08).
	# price: N8, N9, T2: 3 of 14 = 21.4%; October O2: +11.4, noise 1.96 sqrt(120.3
	#   + 90) = 28.4: no.  Negative N8 only: 33.3%; 1/14 = 7.1 against 0 with
	#   noise 1.96 * 100 sqrt((1/14)(13/14) / 14) = 13.5: not rising.
	# replies (crm-feedback triage --summary): November at its end 2026-12-01,
	#   3 of 10 (30.0%), 22.0 h and 24.0 h, 1 of 5 negatives (20.0%), 4 waiting;
	#   October at 2026-11-01: 0 of 10 replied, no negative, none waiting.
	python3 - <<'EOF2'
import csv, json
s = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["feedback"]
assert s["title"] == "What customers say", s
m = {k: (v["current"], v["previous"]) for k, v in s["metrics"].items()}
assert m == {"texts": (14, 10), "waiting": (4, 0), "reply_rate": (30, 0),
             "negative_reply_rate": (20, None), "reply_median": (22, None),
             "reply_p90": (24, None)}, m
t = {x["key"]: x for x in s["tables"]}
assert t["topics"]["rows"] == [["delivery", 10, 71.4, 61.4, "yes", 70.0],
                               ["price", 3, 21.4, 11.4, "no", 33.3]], t["topics"]
assert t["rising"]["rows"] == [["delivery", 7, 0, 50.0, "reviews:N8", "배송 늦고 가격도 비싸요"]], t["rising"]
assert s["note"] == "topics of 'dict.txt'; replies as at each period's end", s["note"]
# the same figures as crm-feedback's own
fb = list(csv.DictReader(open("topics.csv")))
for row, f in zip(t["topics"]["rows"], fb):
    assert [row[0], str(row[1]), "%.1f" % row[2], "%.1f" % row[3], row[4], "%.1f" % row[5]] == \
        [f["topic"], f["mentions"], f["share_pct"], f["change_pts"], f["significant"], f["negative_pct"]], (row, f)
assert [(f["topic"], f["example_1_id"], f["example_1"]) for f in fb if f["rising"] == "yes"] == \
    [(r[0], r[4], r[5]) for r in t["rising"]["rows"]], fb
for i, name in enumerate(["now.csv", "before.csv"]):
    f = next(csv.DictReader(open(name)))
    assert m["waiting"][i] == int(f["waiting"]), (name, f)
    assert m["reply_rate"][i] == float(f["reply_rate_pct"]), (name, f)
    assert m["negative_reply_rate"][i] == (float(f["negative_reply_rate_pct"]) if f["negative_reply_rate_pct"] else None)
    assert m["reply_median"][i] == (float(f["reply_median_h"]) if f["reply_median_h"] else None)
EOF2
}

@test "feedback in crm-report: text, Markdown and HTML; the built-in dictionary by default" {
	shop
	others
	run crm-report --period 2026-11 --as-of 2026-11-30 --topics dict.txt
	assert_success
	assert_line "What customers say"
	assert_line "  Texts (reviews, answers, tickets)                14               10  +4 (+40.0%)"
	assert_line "  Negative reviews awaiting a reply                 4                0  +4"
	assert_line "  Reply time, median                           22.0 h                -"
	assert_line "    topic     mentions  share  change (pp)  beyond noise  negative"
	assert_line "    delivery        10  71.4%        +61.4  yes              70.0%"
	assert_line "    delivery         7       0        +50.0  reviews:N8  배송 늦고 가격도 비싸요"
	run crm-report --period 2026-11 --as-of 2026-11-30 --topics dict.txt --format markdown
	assert_line "## What customers say"
	assert_line "| price | 3 | 21.4% | +11.4 | no | 33.3% |"
	crm-report --period 2026-11 --as-of 2026-11-30 --topics dict.txt --format html >r.html
	grep -q '<h2[^>]*>What customers say</h2>' r.html
	grep -q '>Rising complaints<' r.html
	# without --topics: crm-feedback's default dictionary, the same figures
	run crm-report --period 2026-11 --as-of 2026-11-30 --format json
	assert_success
	echo "$output" >r.json
	crm-feedback topics --period 2026-11 --as-of 2026-11-30 >topics.csv
	python3 - <<'EOF2'
import csv, json
s = {x["key"]: x for x in json.load(open("r.json"))["sections"]}["feedback"]
fb = sorted(csv.DictReader(open("topics.csv")), key=lambda f: -int(f["mentions"]))
got = [(r[0], r[1], r[2]) for r in s["tables"][0]["rows"]]
assert got == [(f["topic"], int(f["mentions"]), float(f["share_pct"])) for f in fb][:5], (got, fb)
assert got[0][0] == "delivery", got
assert s["note"] == "topics of the built-in dictionary; replies as at each period's end", s
EOF2
}

@test "feedback in crm-report: an example is escaped and cut; a long list says how many more" {
	shop
	# price rising (N8 and E1-E3 negative: 4/13 = 30.8% against 0/10, noise
	# 1.96 * 100 sqrt(.308 .692 / 13) = 25.1), its latest text E3 holding an
	# escape and running long
	q "INSERT INTO reviews(review_id, rating, body, posted_at) VALUES
	   ('E1', 1, '가격', '2026-11-20T00:00:00Z'), ('E2', 1, '가격', '2026-11-21T00:00:00Z'),
	   ('E3', 1, '가격' || char(27) || '[31m' || replace(printf('%80s', ''), ' ', '나'),
	    '2026-11-22T00:00:00Z')"
	printf 'a: 배송\nb: 가격\nc: 빨라\nd: 느려\ne: 괜찮\nf: 좋아\n' >six.txt
	run crm-report --period 2026-11 --as-of 2026-11-30 --topics six.txt
	assert_success
	[[ "$output" != *$'\e'* ]]
	# 가격, ESC (shown as \x1b), [31m and 53 of the 나: 60 characters, then "..."
	assert_line --partial "reviews:E3  가격\\x1b[31m$(printf '나%.0s' $(seq 53))..."
	# six topics mentioned: the top five, then the one left out
	assert_line "    ... and 1 more"
}

@test "feedback in crm-report: no section without texts; a bad dictionary is refused with its place" {
	shop
	run crm-report --period 2026-09 --as-of 2026-09-30 --format json
	assert_success
	python3 -c 'import json, sys; r = json.loads(sys.argv[1]); assert "feedback" not in [s["key"] for s in r["sections"]], r' "$output"
	# a review waiting at the period's end brings the section, with no text in the period
	run crm-report --period 2026-12 --as-of 2026-12-31 --format json
	python3 -c 'import json, sys; r = json.loads(sys.argv[1]); s = {s["key"]: s for s in r["sections"]}["feedback"]; assert s["metrics"]["texts"]["current"] == 0 and s["metrics"]["waiting"]["current"] == 4, s' "$output"
	printf 'delivery: 배송\nprice 가격\n' >nocolon.txt
	run crm-report --topics nocolon.txt
	assert_failure 2
	assert_output "crm-report: nocolon.txt:2: column 1: missing ':' after the topic name"
	printf 'delivery: 배송,, 택배\n' >empty.txt
	run crm-report --topics empty.txt
	assert_failure 2
	assert_output "crm-report: empty.txt:1: column 14: empty keyword"
	printf 'a;b: 배송\n' >semi.txt
	run crm-report --topics semi.txt
	assert_failure 2
	assert_output "crm-report: semi.txt: topic 'a;b': ';' joins the topics of a text in the output; name it without one"
	run crm-report --topics missing.txt
	assert_failure 3
	assert_output --partial "crm-report: missing.txt"
}

# ---- bad input ------------------------------------------------------------------------

@test "feedback: a dictionary line without a colon, an empty keyword, a ';' in a topic name" {
	shop
	printf 'delivery: 배송\nprice 가격\n' >nocolon.txt
	run crm-feedback tag --topics nocolon.txt
	assert_failure 2
	assert_output "crm-feedback: nocolon.txt:2: column 1: missing ':' after the topic name"
	printf 'delivery: 배송,, 택배\n' >empty.txt
	run crm-feedback topics --topics empty.txt --period 2026-11
	assert_failure 2
	assert_output "crm-feedback: empty.txt:1: column 14: empty keyword"
	printf 'a;b: 배송\n' >semi.txt
	run crm-feedback topics --list --topics semi.txt
	assert_failure 2
	assert_output "crm-feedback: semi.txt: topic 'a;b': ';' joins the topics of a text in the output; name it without one"
	run crm-feedback tag --topics missing.txt
	assert_failure 3
	assert_output --partial "missing.txt"
}

@test "feedback: usage errors" {
	run crm-feedback
	assert_failure 2
	assert_line --index 0 "crm-feedback: no verb given (tag, topics, triage or replied)"
	run crm-feedback tag --source blogs
	assert_failure 2
	assert_line --index 0 "crm-feedback: --source 'blogs': expected reviews, responses or tickets"
	run crm-feedback topics --by color
	assert_line --index 0 "crm-feedback: --by 'color': expected month, week, platform, sku, category or source"
	run crm-feedback topics --examples 101
	assert_failure 2
	assert_line --index 0 "crm-feedback: --examples '101': expected a whole number from 0 to 100"
	run crm-feedback tag --lang fr
	assert_line --index 0 "crm-feedback: --lang must be ko, en or all, not 'fr'"
	run crm-feedback triage --by month
	assert_failure 2
	assert_line --index 0 "crm-feedback: unrecognized option '--by'"
	run crm-feedback replied
	assert_failure 2
	assert_line --index 0 "crm-feedback: replied: expected one REVIEW_ID, not 0"
	run crm-feedback replied --at yesterday R1
	assert_failure 2
	assert_line --index 0 --partial "crm-feedback: --at 'yesterday' "
	run crm-feedback topics --list --by month
	assert_line --index 0 "crm-feedback: topics --list prints the dictionary alone"
	run crm-feedback tag reviews.csv
	assert_line --index 0 "crm-feedback: tag: unexpected argument 'reviews.csv': crm-feedback reads the database"
}
