/*
 * crm-synth - deterministic generator of a synthetic online shop (cosmetics),
 * for the crm benchmarks and tests.
 *
 *   crm-synth [--orders N] [--customers N] [--seed S] [--end YYYY-MM-DD]
 *             [--days N] [--currency KRW|USD] [--products N] [--tastes]
 *             [--first-order K] [--refund-last R] ENTITY
 *
 * ENTITY is customers, orders, order_items, tickets, reviews or responses; the
 * CSV goes to standard output.  With --tastes, taste_products (sku, product,
 * category, taste_group, cycle_days) and taste_customers (customer_id,
 * taste_group, staple_sku) list the planted tastes, for tests that check what
 * a recommender finds.
 *
 * A week of a shop (the weekly re-import, issue 20): the export a week
 * later is the same shop with --refund-last R (its last R orders, by id,
 * refunded since; only the orders entity's status says so), followed by the
 * week's new orders: another shop, --seed 2 --first-order N --end (a week
 * later) --days 7 --customers (the first shop's, so that the ids are the
 * same width and many are the same customers), whose order ids follow N.
 *
 * Design
 * - Every value is a pure function of the options and of (entity stream, row
 *   index, field): a counter-based generator (splitmix64 finaliser) replaces a
 *   sequential RNG, so rows can be produced in any order, nothing is kept in
 *   memory (only a per-day weight table and a 200-line catalogue), and order i
 *   has the same customer, time, lines and amount in every entity.
 * - All arithmetic that decides a value is integer arithmetic: the output does
 *   not depend on the compiler, floating-point contraction or the libm.
 * - Orders: order i's time is the inverse of a cumulative weight over the
 *   period (trend x weekday x month x promotion days x daily noise, then an
 *   hour-of-day profile for 08:00-23:59) taken at a point inside the i-th of N
 *   equal slices, so times never decrease with the order id.
 * - Customers: B of the M customers buy ("buyers", ranked by first purchase).
 *   Buyer b makes its first purchase at order A(b) = floor(b*N/B) exactly (a
 *   "new customer" order); every other order is a repeat order of a buyer whose
 *   first order came earlier, chosen by class (VIP, loyal, regular; one-time
 *   buyers are never picked again) with a strong bias towards recent buyers.
 *   Buyer b is customer id floor(b*M/B); the other ids never order.  A
 *   customer's signup is derived from the time of order A(b), so it is never
 *   after the first order.
 * - Catalogue: 200 products, the same in every data set (no seed), popularity
 *   a fixed Zipf-like rank, cheaper products selling more.  --products N adds
 *   products 201..N made of the same words (brand, ingredient, type) and
 *   numbered ("#201"), the categories cycling, their ranks drawn over N.
 *   Without --products and --tastes the output is what it always was.
 * - Tickets end with what a help desk adds (priority, agent, team, subject,
 *   replies, reopens: put_help_desk), drawn from fields of their own, so
 *   the columns before them are what they were before these came.
 * - Tastes (--tastes), still a pure function of (options, stream, index):
 *   . the products of each category, in catalogue order, are cut into taste
 *     groups of 8-12 (a rest under 8 joins the last group), without the seed;
 *   . 30% of the products are consumables with a cycle of 30, 60 or 90 days
 *     (a group with none has its first product made one);
 *   . customer c has a taste group, uniform over the groups, and a staple:
 *     one of its group's consumables (stream S_TASTE, index c);
 *   . order i (stream S_TLINE) keeps its number of lines and quantities, but
 *     its first line is the buyer's staple with probability 80% (so a staple
 *     is bought again on most of a repeat buyer's orders), and every other
 *     line comes from the buyer's group with probability 70% (by popularity
 *     inside the group), else from the global popularity as without tastes.
 *   Who buys and when does not change: most customers still buy once.  The
 *   cycle is a label of the consumable, listed by taste_products; the times
 *   of a staple's purchases are those of its buyer's orders (a counter-based
 *   generator cannot see a customer's previous order).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "0.1.0"

#define MAX_ORDERS    1000000000ULL
#define MAX_CUSTOMERS 600000000ULL
#define MAX_DAYS      36600

/* ------------------------------------------------------------------------ */
/* Options and derived constants                                            */

static uint64_t opt_orders = 1000;     /* N */
static uint64_t opt_customers;         /* M */
static uint64_t n_buyers;              /* B */
static uint64_t opt_seed = 1;
static uint64_t opt_first;             /* --first-order: ids start after it */
static uint64_t opt_refund_last;       /* --refund-last: orders refunded at the end */
static int opt_days = 730;
static int opt_usd;
static int64_t end_day, start_day;     /* days since 1970-01-01 */
static int64_t end_ts;                 /* last second of the period */
static int cust_w, order_w;            /* id widths */

/* ------------------------------------------------------------------------ */
/* Counter-based random numbers                                             */

#define GOLDEN 0x9E3779B97F4A7C15ULL

enum stream {
	S_OTIME = 1, S_PICK, S_BLOCK, S_LINES, S_OSTAT, S_OCHAN, S_CUST,
	S_DAY, S_TICK, S_REV, S_RESP, S_PHONE, S_TASTE, S_TLINE, S_NSTREAMS
};

static uint64_t stream_key[S_NSTREAMS];

static inline uint64_t mix64(uint64_t z)
{
	z += GOLDEN;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Base hash of one record of one stream. */
static inline uint64_t rec(int s, uint64_t idx)
{
	return mix64(stream_key[s] + idx * 0xD1B54A32D192ED03ULL);
}

/* Field f of a record. */
static inline uint64_t fld(uint64_t base, unsigned f)
{
	return mix64(base + (uint64_t)(f + 1) * GOLDEN);
}

/* A number in [0, n) for n > 0 from the hash r: the top 32 bits scaled
 * (multiply-shift, no division) for small n, r mod n otherwise; the bias is
 * below 2^-12 either way. */
static inline uint64_t below(uint64_t r, uint64_t n)
{
	if (n <= (UINT64_C(1) << 20))
		return ((r >> 32) * n) >> 32;
	return r % n;
}

/* The same from the low 32 bits, for a second draw from one hash. */
static inline uint64_t below_lo(uint64_t r, uint64_t n)
{
	return ((r & 0xFFFFFFFFu) * n) >> 32;
}

/* Piecewise log-uniform integer in [lo, hi]: a doubling band chosen
 * uniformly, then a uniform value inside it. */
static int64_t logu(uint64_t r, int64_t lo, int64_t hi)
{
	int bands = 0;
	while ((lo << (bands + 1)) <= hi)
		bands++;
	if (bands == 0)
		return lo + (int64_t)below(r, (uint64_t)(hi - lo + 1));
	int k = (int)below_lo(r, (uint64_t)bands);
	int64_t a = lo << k;
	return a + (int64_t)below(r, (uint64_t)a);
}

/* Index from a table of integer weights. */
static int wpick(uint64_t r, const unsigned *w, int n)
{
	uint64_t tot = 0;
	for (int k = 0; k < n; k++)
		tot += w[k];
	uint64_t x = below(r, tot);
	for (int k = 0; k < n; k++) {
		if (x < w[k])
			return k;
		x -= w[k];
	}
	return n - 1;
}

/* ------------------------------------------------------------------------ */
/* Output: a big buffer, our own formatting                                 */

static char obuf[1 << 18];
static size_t olen;

static void write_failed(void)
{
	int e = errno;
	fprintf(stderr, "crm-synth: error writing standard output: %s\n",
	        e ? strerror(e) : "write error");
	exit(3);
}

static void oflush(void)
{
	if (olen) {
		errno = 0;
		if (fwrite(obuf, 1, olen, stdout) != olen)
			write_failed();
		olen = 0;
	}
}

static inline char *oreserve(size_t n)
{
	if (olen + n > sizeof obuf)
		oflush();
	return obuf + olen;
}

static inline void put_mem(const char *s, size_t n)
{
	memcpy(oreserve(n), s, n);
	olen += n;
}

static inline void put_s(const char *s)
{
	put_mem(s, strlen(s));
}

static inline void put_c(char c)
{
	*oreserve(1) = c;
	olen++;
}

static void put_u(uint64_t v)
{
	char tmp[24];
	int k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *p = oreserve((size_t)k);
	for (int j = 0; j < k; j++)
		p[j] = tmp[k - 1 - j];
	olen += (size_t)k;
}

/* Prefix letter and a 1-based zero-padded number. */
static void put_id(char pfx, uint64_t n, int width)
{
	char *p = oreserve((size_t)width + 1);
	p[0] = pfx;
	for (int k = width; k >= 1; k--) {
		p[k] = (char)('0' + n % 10);
		n /= 10;
	}
	olen += (size_t)width + 1;
}

/* A text field, quoted (RFC 4180) only when it has to be. */
static void put_csv(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		put_s(s);
		return;
	}
	put_c('"');
	for (; *s; s++) {
		if (*s == '"')
			put_c('"');
		put_c(*s);
	}
	put_c('"');
}

static int ndigits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Calendar (proleptic Gregorian, H. Hinnant's algorithms)                  */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int weekday(int64_t z)   /* 0 = Sunday */
{
	return (int)(((z % 7) + 11) % 7);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static inline void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

static void put_date(int64_t day)
{
	static int64_t cday = INT64_MIN, y;
	static unsigned m, d;
	if (day != cday) {
		civil_from_days(day, &y, &m, &d);
		if (y < 0 || y > 9999)
			y = 0;
		cday = day;
	}
	char *p = oreserve(10);
	p[0] = (char)('0' + y / 1000);
	p[1] = (char)('0' + y / 100 % 10);
	p[2] = (char)('0' + y / 10 % 10);
	p[3] = (char)('0' + y % 10);
	p[4] = '-';
	put2(p + 5, m);
	p[7] = '-';
	put2(p + 8, d);
	olen += 10;
}

static void put_ts(int64_t t)
{
	int64_t day = floor_div(t, 86400);
	unsigned s = (unsigned)(t - day * 86400);
	put_date(day);
	char *p = oreserve(9);
	p[0] = ' ';
	put2(p + 1, s / 3600);
	p[3] = ':';
	put2(p + 4, s / 60 % 60);
	p[6] = ':';
	put2(p + 7, s % 60);
	olen += 9;
}

/* t0 plus a delay, but never after the end of the period. */
static int64_t after(int64_t t0, int64_t delay, uint64_t r)
{
	int64_t t = t0 + delay;
	if (t > end_ts)
		t = t0 >= end_ts ? end_ts
		                 : t0 + (int64_t)below(r, (uint64_t)(end_ts - t0 + 1));
	return t;
}

/* People write between 08:00 and 23:59: a night-time t moves to the morning
 * of the same day (so it stays after t0 and not after the end). */
static int64_t waking(int64_t t)
{
	int64_t sod = t - floor_div(t, 86400) * 86400;
	return sod < 8 * 3600 ? t + 8 * 3600 : t;
}

/* ------------------------------------------------------------------------ */
/* Order time: inverse of a cumulative weight over the period               */

/* Order share of each hour from 08:00 to 23:00 (the shop sells 08:00-23:59). */
static const unsigned hour_w[16] = {
	30, 50, 80, 100, 120, 100, 90, 90, 90, 100, 110, 130, 160, 180, 160, 100
};
static uint64_t hour_cum[17];          /* in hour-weight units */
static uint64_t day_w[MAX_DAYS];
static uint64_t day_cum[MAX_DAYS + 1];
static uint64_t time_scale;            /* S: sub-units per day-weight unit */
static uint64_t time_total;            /* W*S */

static const unsigned weekday_pm[7] = { 1100, 1050, 1000, 1000, 980, 900, 850 };
static const unsigned month_pm[12] = {
	950, 900, 1000, 1000, 1050, 1000, 950, 950, 1000, 1050, 1300, 1200
};

static void setup_time(void)
{
	hour_cum[0] = 0;
	for (int h = 0; h < 16; h++)
		hour_cum[h + 1] = hour_cum[h] + hour_w[h];
	day_cum[0] = 0;
	for (int d = 0; d < opt_days; d++) {
		int64_t z = start_day + d;
		int64_t y;
		unsigned m, dd;
		civil_from_days(z, &y, &m, &dd);
		uint64_t trend = opt_days > 1
		        ? 700 + 600 * (uint64_t)d / (uint64_t)(opt_days - 1) : 1000;
		uint64_t promo = 1000;
		if (m == 11 && dd == 11)
			promo = 2500;                 /* 11.11 sale */
		else if (m == dd && m % 3 == 0)
			promo = 1800;                 /* 3.3, 6.6, 9.9, 12.12 */
		uint64_t noise = 850 + below(rec(S_DAY, (uint64_t)z), 301);
		uint64_t w = 10000;
		w = w * trend / 1000;
		w = w * weekday_pm[weekday(z)] / 1000;
		w = w * month_pm[m - 1] / 1000;
		w = w * promo / 1000;
		w = w * noise / 1000;
		day_w[d] = w;
		day_cum[d + 1] = day_cum[d] + w;
	}
	/* N * W * S must stay below 2^62. */
	uint64_t n = opt_orders ? opt_orders : 1;
	uint64_t s = (UINT64_C(1) << 62) / n / day_cum[opt_days];
	if (s > (UINT64_C(1) << 20))
		s = UINT64_C(1) << 20;
	if (s == 0)
		s = 1;
	time_scale = s;
	time_total = day_cum[opt_days] * s;
}

static int64_t order_time(uint64_t i)
{
	uint64_t x = (i * time_total + below(rec(S_OTIME, i), time_total))
	             / opt_orders;
	uint64_t xd = x / time_scale;
	/* Orders are mostly asked for in sequence: try the last day first. */
	static size_t last;
	size_t lo = 0, hi = (size_t)opt_days;   /* day_cum[lo] <= xd < day_cum[hi] */
	if (day_cum[last] <= xd) {
		if (xd < day_cum[last + 1])
			lo = last, hi = last + 1;
		else if (last + 2 <= (size_t)opt_days && xd < day_cum[last + 2])
			lo = last + 1, hi = last + 2;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (day_cum[mid] <= xd)
			lo = mid;
		else
			hi = mid;
	}
	last = lo;
	uint64_t o = x - day_cum[lo] * time_scale;
	uint64_t q = o * (hour_cum[16] * 3600) / (day_w[lo] * time_scale);
	int h = 0;
	while (h < 15 && hour_cum[h + 1] * 3600 <= q)
		h++;
	uint64_t sec = (q - hour_cum[h] * 3600) / hour_w[h];
	if (sec > 3599)
		sec = 3599;
	return (start_day + (int64_t)lo) * 86400 + (8 + h) * 3600 + (int64_t)sec;
}

/* ------------------------------------------------------------------------ */
/* Who buys: first orders, repeat orders                                    */

#define BLK 200          /* buyers per class block */
static unsigned units200[80], units200_inv[80];

static void setup_units(void)
{
	int n = 0;
	for (unsigned a = 1; a < BLK; a++) {
		if (a % 2 == 0 || a % 5 == 0)
			continue;
		unsigned inv = 1;
		while (a * inv % BLK != 1)
			inv++;
		units200[n] = a;
		units200_inv[n] = inv;
		n++;
	}
}

/* Rank (0..BLK-1) inside block blk whose class slot is t. Slot 0 is the VIP,
 * slots 1-5 loyal, 6-79 regular, 80-199 one-time buyers. */
static uint64_t slot_rank(uint64_t blk, unsigned t)
{
	uint64_t pb = rec(S_BLOCK, blk);
	unsigned k = (unsigned)below(pb, 80);
	unsigned off = (unsigned)below_lo(pb, BLK);
	return (uint64_t)units200_inv[k] * ((t + BLK - off) % BLK) % BLK;
}

/* A repeat buyer for order i among the K buyers whose first order is
 * before i. */
static uint64_t pick_repeat(uint64_t i, uint64_t K)
{
	uint64_t r = rec(S_PICK, i);
	unsigned cls = (unsigned)below(fld(r, 0), 10000);
	uint64_t nb = (K + BLK - 1) / BLK;
	for (unsigned k = 0; k < 6; k++) {
		uint64_t rr = fld(r, 1 + k);
		uint64_t u = rr >> 32;
		uint64_t u3 = ((u * u >> 32) * u) >> 32;    /* u^3: recent buyers */
		uint64_t lag = (u3 * nb) >> 32;
		uint64_t blk = nb - 1 - lag;
		uint32_t lo = (uint32_t)rr;
		unsigned t = cls < 1000 ? 0                       /* VIP    10% */
		           : cls < 5000 ? 1 + lo % 5              /* loyal  40% */
		           : 6 + lo % 74;                         /* regular 50% */
		uint64_t rank = blk * BLK + slot_rank(blk, t);
		if (rank < K)
			return rank;
	}
	return below(fld(r, 9), K);
}

/* Buyer rank of order i. */
static uint64_t order_buyer(uint64_t i)
{
	uint64_t b = (i * n_buyers + opt_orders - 1) / opt_orders; /* ceil(iB/N) */
	if (b < n_buyers && b * opt_orders / n_buyers == i)
		return b;                          /* this buyer's first order */
	return pick_repeat(i, b);              /* b buyers started before i */
}

static inline uint64_t buyer_customer(uint64_t b)
{
	return b * opt_customers / n_buyers;
}

static inline uint64_t first_order(uint64_t b)
{
	return b * opt_orders / n_buyers;
}

static uint64_t order_customer(uint64_t i)
{
	return buyer_customer(order_buyer(i));
}

enum ostatus { ST_PAID, ST_CANCELLED, ST_REFUNDED, ST_PENDING };
static const char *const status_name[] = { "paid", "cancelled", "refunded", "pending" };

static int order_status(uint64_t i)
{
	unsigned u = (unsigned)below(rec(S_OSTAT, i), 10000);
	return u < 9400 ? ST_PAID : u < 9700 ? ST_CANCELLED
	     : u < 9900 ? ST_REFUNDED : ST_PENDING;
}

/* ------------------------------------------------------------------------ */
/* Catalogue                                                                */

#define NPROD 200         /* the catalogue without --products */
#define MAX_PRODUCTS 100000

struct ptype {
	const char *ko, *en;
	unsigned lo, hi;      /* KRW price range */
};

struct category {
	const char *name, *code;
	int count;
	const struct ptype *types;
	int ntypes;
	const char *const *ing_ko, *const *ing_en;
	int ning;
};

static const struct ptype t_skin[] = {
	{ "토너 200ml", "Toner 200ml", 15000, 32000 },
	{ "세럼 50ml", "Serum 50ml", 22000, 58000 },
	{ "앰플 30ml", "Ampoule 30ml", 25000, 62000 },
	{ "수분크림 80ml", "Moisturizing Cream 80ml", 18000, 48000 },
	{ "선크림 SPF50+", "Sun Cream SPF50+", 12000, 28000 },
	{ "클렌징폼 150ml", "Cleansing Foam 150ml", 8000, 16000 },
	{ "시트마스크 10매", "Sheet Mask 10pcs", 10000, 25000 },
	{ "아이크림 30ml", "Eye Cream 30ml", 25000, 80000 },
	{ "클렌징오일 200ml", "Cleansing Oil 200ml", 15000, 32000 },
};
static const char *const i_skin_ko[] = {
	"히알루론", "시카", "녹차", "세라마이드", "비타민C", "레티놀", "어성초",
	"쌀", "프로폴리스", "콜라겐", "티트리", "판테놀"
};
static const char *const i_skin_en[] = {
	"Hyaluronic", "Cica", "Green Tea", "Ceramide", "Vitamin C", "Retinol",
	"Heartleaf", "Rice", "Propolis", "Collagen", "Tea Tree", "Panthenol"
};
static const struct ptype t_makeup[] = {
	{ "쿠션 15g", "Cushion Foundation 15g", 18000, 45000 },
	{ "립틴트", "Lip Tint", 9000, 18000 },
	{ "립스틱", "Lipstick", 12000, 42000 },
	{ "아이섀도 팔레트", "Eyeshadow Palette", 19000, 59000 },
	{ "마스카라", "Mascara", 12000, 32000 },
	{ "파운데이션 30ml", "Foundation 30ml", 25000, 70000 },
	{ "컨실러", "Concealer", 9900, 28000 },
	{ "아이라이너", "Eyeliner", 8000, 19000 },
};
static const char *const i_makeup_ko[] = {
	"로지", "코랄", "누드", "체리", "모브", "베이지", "21호", "23호"
};
static const char *const i_makeup_en[] = {
	"Rosy", "Coral", "Nude", "Cherry", "Mauve", "Beige", "No.21", "No.23"
};
static const struct ptype t_hair[] = {
	{ "샴푸 500ml", "Shampoo 500ml", 9900, 28000 },
	{ "트리트먼트 300ml", "Treatment 300ml", 12000, 32000 },
	{ "헤어오일 100ml", "Hair Oil 100ml", 15000, 38000 },
	{ "두피 스케일러", "Scalp Scaler", 12000, 25000 },
	{ "헤어 미스트", "Hair Mist", 11000, 22000 },
};
static const char *const i_hair_ko[] = {
	"아르간", "약산성", "맥주효모", "로즈마리", "동백", "탈모완화"
};
static const char *const i_hair_en[] = {
	"Argan", "Low pH", "Biotin", "Rosemary", "Camellia", "Anti Hair-Loss"
};
static const struct ptype t_body[] = {
	{ "바디워시 500ml", "Body Wash 500ml", 9900, 19000 },
	{ "바디로션 400ml", "Body Lotion 400ml", 12000, 29000 },
	{ "핸드크림 50ml", "Hand Cream 50ml", 5000, 15000 },
	{ "바디스크럽", "Body Scrub", 14000, 29000 },
	{ "바디오일", "Body Oil", 18000, 36000 },
};
static const char *const i_body_ko[] = {
	"시어버터", "코코넛", "라벤더", "우디", "화이트머스크", "복숭아"
};
static const char *const i_body_en[] = {
	"Shea Butter", "Coconut", "Lavender", "Woody", "White Musk", "Peach"
};
static const struct ptype t_frag[] = {
	{ "오드퍼퓸 50ml", "Eau de Parfum 50ml", 59000, 220000 },
	{ "오드뚜왈렛 50ml", "Eau de Toilette 50ml", 45000, 150000 },
	{ "퍼퓸 미스트", "Perfume Mist", 19000, 35000 },
	{ "롤온 퍼퓸", "Roll-on Perfume", 25000, 45000 },
	{ "고체향수", "Solid Perfume", 15000, 29000 },
};
static const char *const i_frag_ko[] = {
	"블랑쉬", "우드 세이지", "프리지아", "머스크", "앰버", "시트러스", "로즈"
};
static const char *const i_frag_en[] = {
	"Blanche", "Wood Sage", "Freesia", "Musk", "Amber", "Citrus", "Rose"
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct category categories[] = {
	{ "스킨케어", "SKN", 70, t_skin, NELEM(t_skin), i_skin_ko, i_skin_en, NELEM(i_skin_ko) },
	{ "메이크업", "MKP", 50, t_makeup, NELEM(t_makeup), i_makeup_ko, i_makeup_en, NELEM(i_makeup_ko) },
	{ "헤어", "HAR", 30, t_hair, NELEM(t_hair), i_hair_ko, i_hair_en, NELEM(i_hair_ko) },
	{ "바디", "BDY", 28, t_body, NELEM(t_body), i_body_ko, i_body_en, NELEM(i_body_ko) },
	{ "향수", "FRG", 22, t_frag, NELEM(t_frag), i_frag_ko, i_frag_en, NELEM(i_frag_ko) },
};

static const char *const brand_ko[] = {
	"달빛정원", "숲속공방", "하루온", "물결랩", "초록담", "그린포레", "소소한날"
};
static const char *const brand_en[] = {
	"Mellow Lab", "Aqua Bloom", "Nordic Dew", "Petal & Co.", "Urban Leaf",
	"Velvet Mood"
};

struct product {
	char sku[16];
	char name[176];        /* already CSV-quoted if needed */
	const char *category;
	int cat;               /* index in categories[] */
	int64_t price[2];      /* KRW, USD cents */
};

static int nprod = NPROD;              /* --products */
static struct product *catalog;        /* nprod */
static uint64_t *prod_cum;             /* nprod + 1: cumulative popularity */

/* A field as it will appear in CSV, into dst. */
static void csv_field(char *dst, size_t size, const char *s)
{
	size_t n = 0;
	if (!strpbrk(s, ",\"\r\n")) {
		snprintf(dst, size, "%s", s);
		return;
	}
	dst[n++] = '"';
	for (; *s && n + 3 < size; s++) {
		if (*s == '"')
			dst[n++] = '"';
		dst[n++] = *s;
	}
	dst[n++] = '"';
	dst[n] = 0;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("crm-synth: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Product p, the j-th of category c; products past the first NPROD are
 * numbered in their name ("#201"), the SKU numbering continuing. */
static void make_product(int p, int c, int j)
{
	const struct category *cat = &categories[c];
	uint64_t r = mix64(0xC0FFEEULL + (uint64_t)p * GOLDEN);
	const struct ptype *t = &cat->types[j % cat->ntypes];
	int ing = (j / cat->ntypes + j % cat->ntypes) % cat->ning; /* unique */
	int korean = below(fld(r, 0), 100) < 60;
	int set = below(fld(r, 1), 100) < 5;
	char name[176], num[16] = "";
	if (p >= NPROD)
		snprintf(num, sizeof num, " #%d", p + 1);
	if (korean)
		snprintf(name, sizeof name, "%s %s %s%s%s",
		         brand_ko[below(fld(r, 2), (uint64_t)NELEM(brand_ko))],
		         cat->ing_ko[ing], t->ko, num, set ? ", 1+1 기획세트" : "");
	else
		snprintf(name, sizeof name, "%s %s %s%s%s",
		         brand_en[below(fld(r, 2), (uint64_t)NELEM(brand_en))],
		         cat->ing_en[ing], t->en, num, set ? ", 2-Pack" : "");
	struct product *pr = &catalog[p];
	snprintf(pr->sku, sizeof pr->sku, "%s-%04d", cat->code, p + 1);
	csv_field(pr->name, sizeof pr->name, name);
	pr->category = cat->name;
	pr->cat = c;
	int64_t krw = t->lo + (int64_t)below(fld(r, 3), t->hi - t->lo + 1);
	if (set)
		krw = krw * 16 / 10;
	krw = (krw + 500) / 1000 * 1000;                 /* round 1000 */
	if (below(fld(r, 4), 100) < 60)
		krw -= 100;                                  /* 23,900 */
	if (krw < 1000)
		krw = 900;
	int64_t dollars = (krw + 675) / 1350;
	if (dollars < 1)
		dollars = 1;
	pr->price[0] = krw;
	pr->price[1] = dollars * 100 - 1;                /* $17.99 */
	/* popularity: a fixed Zipf-like rank, cheaper sells more */
	uint64_t rank = below(fld(r, 5), (uint64_t)nprod);
	uint64_t pop = 1000000000ULL / (rank + 8);
	pop = pop / 1000 * 30000 / (uint64_t)(krw + 15000);
	prod_cum[p + 1] = prod_cum[p] + pop + 1;
}

static void setup_catalog(void)
{
	/* The catalogue does not depend on the seed: SKUs mean the same
	 * product in every data set.  The first NPROD products are the
	 * categories' counts in turn; --products adds more, the categories
	 * cycling. */
	catalog = xcalloc((size_t)nprod, sizeof *catalog);
	prod_cum = xcalloc((size_t)nprod + 1, sizeof *prod_cum);
	int p = 0;
	for (int c = 0; c < NELEM(categories); c++)
		for (int j = 0; j < categories[c].count; j++, p++)
			make_product(p, c, j);
	for (; p < nprod; p++) {
		int c = (p - NPROD) % NELEM(categories);
		make_product(p, c, categories[c].count + (p - NPROD) / NELEM(categories));
	}
}

/* guide[g]: the product holding x = g * total / nguide, a start for the scan */
static int *prod_guide;
static uint64_t nguide;

static void setup_guide(void)
{
	int p = 0;
	nguide = nprod <= NPROD ? 1024 : 4 * (uint64_t)nprod;
	prod_guide = xcalloc((size_t)nguide, sizeof *prod_guide);
	for (uint64_t g = 0; g < nguide; g++) {
		uint64_t x = g * prod_cum[nprod] / nguide;
		while (prod_cum[p + 1] <= x)
			p++;
		prod_guide[g] = p;
	}
}

static int pick_product(uint64_t r)
{
	uint64_t x = below(r, prod_cum[nprod]);
	int p = prod_guide[x * nguide / prod_cum[nprod]];
	while (prod_cum[p + 1] <= x)     /* prod_cum[p] <= x < prod_cum[p+1] */
		p++;
	return p;
}

/* ------------------------------------------------------------------------ */
/* Tastes (--tastes)                                                        */

#define TASTE_IN_GROUP 70      /* % of lines from the buyer's taste group */
#define TASTE_STAPLE   80      /* % of orders with the buyer's staple */
#define CONSUMABLE     30      /* % of products that are consumables */

static int opt_tastes;
static int ngroups;
static int *prod_group;        /* nprod: group of each product */
static int *prod_cycle;        /* nprod: days, 0 = not a consumable */
static int *grp_start;         /* ngroups + 1: members grp_member[start..] */
static int *grp_member;        /* nprod: the products, group by group */
static uint64_t *grp_cum;      /* nprod: cumulative popularity in the group */
static int *grp_cons_start;    /* ngroups + 1: consumables grp_cons[start..] */
static int *grp_cons;          /* nprod */

/* Cut the products of category c (in catalogue order) into groups of 8-12,
 * a last piece under 8 joining the group before it. */
static void group_category(int c, int *list)
{
	int n = 0;
	for (int p = 0; p < nprod; p++)
		if (catalog[p].cat == c)
			list[n++] = p;
	for (int pos = 0, k = 0; pos < n; k++) {
		int size = 8 + (int)below(mix64(0x7A57E5ULL + ((uint64_t)c << 32 | (uint64_t)k) * GOLDEN), 5);
		if (n - pos - size < 8)
			size = n - pos;
		for (int m = 0; m < size; m++)
			prod_group[list[pos + m]] = ngroups;
		ngroups++;
		pos += size;
	}
}

static void setup_tastes(void)
{
	int *list = xcalloc((size_t)nprod, sizeof *list);
	prod_group = xcalloc((size_t)nprod, sizeof *prod_group);
	prod_cycle = xcalloc((size_t)nprod, sizeof *prod_cycle);
	for (int c = 0; c < NELEM(categories); c++)
		group_category(c, list);
	free(list);
	grp_start = xcalloc((size_t)ngroups + 1, sizeof *grp_start);
	grp_cons_start = xcalloc((size_t)ngroups + 1, sizeof *grp_cons_start);
	grp_member = xcalloc((size_t)nprod, sizeof *grp_member);
	grp_cum = xcalloc((size_t)nprod, sizeof *grp_cum);
	grp_cons = xcalloc((size_t)nprod, sizeof *grp_cons);
	/* consumables: seed-free like the catalogue; a group without one
	 * has its first product made one */
	for (int p = 0; p < nprod; p++) {
		uint64_t r = mix64(0xC0FFEEULL + (uint64_t)p * GOLDEN);
		if (below(fld(r, 6), 100) < CONSUMABLE)
			prod_cycle[p] = 30 * (1 + (int)below(fld(r, 7), 3));
		grp_start[prod_group[p] + 1]++;
	}
	for (int g = 0; g < ngroups; g++)
		grp_start[g + 1] += grp_start[g];
	int *fill = xcalloc((size_t)ngroups, sizeof *fill);
	for (int p = 0; p < nprod; p++) {
		int g = prod_group[p], m = grp_start[g] + fill[g]++;
		uint64_t w = prod_cum[p + 1] - prod_cum[p];
		grp_member[m] = p;
		grp_cum[m] = (m > grp_start[g] ? grp_cum[m - 1] : 0) + w;
	}
	free(fill);
	int nc = 0;
	for (int g = 0; g < ngroups; g++) {
		grp_cons_start[g] = nc;
		for (int m = grp_start[g]; m < grp_start[g + 1]; m++)
			if (prod_cycle[grp_member[m]])
				grp_cons[nc++] = grp_member[m];
		if (nc == grp_cons_start[g]) {
			int p = grp_member[grp_start[g]];
			uint64_t r = mix64(0xC0FFEEULL + (uint64_t)p * GOLDEN);
			prod_cycle[p] = 30 * (1 + (int)below(fld(r, 7), 3));
			grp_cons[nc++] = p;
		}
	}
	grp_cons_start[ngroups] = nc;
}

/* Customer c's taste group and staple consumable. */
static int cust_group(uint64_t c)
{
	return (int)below(fld(rec(S_TASTE, c), 0), (uint64_t)ngroups);
}

static int cust_staple(uint64_t c)
{
	int g = cust_group(c);
	int n = grp_cons_start[g + 1] - grp_cons_start[g];
	return grp_cons[grp_cons_start[g] + (int)below(fld(rec(S_TASTE, c), 1), (uint64_t)n)];
}

/* A product of group g, by popularity inside the group. */
static int pick_in_group(int g, uint64_t r)
{
	int m = grp_start[g], last = grp_start[g + 1] - 1;
	uint64_t x = below(r, grp_cum[last]);
	while (m < last && grp_cum[m] <= x)
		m++;
	return grp_member[m];
}

/* Product of line k of order i: from the global popularity (r), or with
 * --tastes from the buyer's staple or taste group (rt, the order's hash of
 * the S_TLINE stream). */
static int line_product(int k, uint64_t r, uint64_t rt, uint64_t c)
{
	if (opt_tastes) {
		if (k == 0 && below(fld(rt, 0), 100) < TASTE_STAPLE)
			return cust_staple(c);
		if (below(fld(rt, 1 + 2 * (unsigned)k), 100) < TASTE_IN_GROUP)
			return pick_in_group(cust_group(c), fld(rt, 2 + 2 * (unsigned)k));
	}
	return pick_product(fld(r, 1 + 2 * (unsigned)k));
}

/* ------------------------------------------------------------------------ */
/* Order lines                                                              */

struct line {
	int prod;
	int64_t qty;
};

static const int64_t amount_min[2] = { 9900, 799 };
static const int64_t amount_max[2] = { 500000, 40000 };

static int64_t lines_sum(const struct line *ln, int n)
{
	int64_t s = 0;
	for (int k = 0; k < n; k++)
		s += ln[k].qty * catalog[ln[k].prod].price[opt_usd];
	return s;
}

/* The lines of order i; the order's amount is their sum. */
static int order_lines(uint64_t i, struct line *ln, int64_t *amount)
{
	uint64_t r = rec(S_LINES, i);
	unsigned u = (unsigned)below(fld(r, 0), 100);
	int want = u < 55 ? 1 : u < 80 ? 2 : u < 93 ? 3 : 4;
	int n = 0;
	uint64_t rt = 0, c = 0;
	if (opt_tastes) {
		rt = rec(S_TLINE, i);
		c = order_customer(i);
	}
	for (int k = 0; k < want; k++) {
		int p = line_product(k, r, rt, c);
		unsigned q = (unsigned)below(fld(r, 2 + 2 * (unsigned)k), 100);
		int64_t qty = q < 82 ? 1 : q < 96 ? 2 : 3;
		int j;
		for (j = 0; j < n && ln[j].prod != p; j++)
			;
		if (j < n) {
			ln[j].qty += qty;
		} else {
			ln[n].prod = p;
			ln[n].qty = qty;
			n++;
		}
	}
	int64_t sum = lines_sum(ln, n);
	while (sum > amount_max[opt_usd]) {
		int jq = 0, jp = 0;
		for (int j = 1; j < n; j++) {
			if (ln[j].qty > ln[jq].qty)
				jq = j;
			if (catalog[ln[j].prod].price[opt_usd] >
			    catalog[ln[jp].prod].price[opt_usd])
				jp = j;
		}
		if (ln[jq].qty > 1) {
			ln[jq].qty--;
		} else if (n > 1) {
			for (int j = jp; j + 1 < n; j++)
				ln[j] = ln[j + 1];
			n--;
		} else {
			break;
		}
		sum = lines_sum(ln, n);
	}
	if (sum < amount_min[opt_usd]) {
		int64_t p = catalog[ln[0].prod].price[opt_usd];
		int64_t add = (amount_min[opt_usd] - sum + p - 1) / p;
		ln[0].qty += add;
		sum += add * p;
	}
	*amount = sum;
	return n;
}

/* ------------------------------------------------------------------------ */
/* People                                                                   */

struct kname {
	const char *h, *r;   /* hangul, romanisation */
	unsigned w;
};

static const struct kname surnames[] = {
	{ "김", "kim", 215 }, { "이", "lee", 147 }, { "박", "park", 84 },
	{ "최", "choi", 47 }, { "정", "jung", 43 }, { "강", "kang", 24 },
	{ "조", "cho", 21 }, { "윤", "yoon", 20 }, { "장", "jang", 20 },
	{ "임", "lim", 17 }, { "한", "han", 15 }, { "오", "oh", 15 },
	{ "서", "seo", 15 }, { "신", "shin", 15 }, { "권", "kwon", 14 },
	{ "황", "hwang", 14 }, { "안", "ahn", 13 }, { "송", "song", 13 },
	{ "류", "ryu", 12 }, { "유", "yoo", 12 }, { "전", "jeon", 11 },
	{ "홍", "hong", 11 }, { "고", "ko", 9 }, { "문", "moon", 9 },
	{ "양", "yang", 9 }, { "손", "son", 9 }, { "배", "bae", 8 },
	{ "백", "baek", 7 }, { "허", "heo", 6 }, { "남", "nam", 5 },
	{ "심", "shim", 5 }, { "노", "noh", 4 }, { "하", "ha", 4 },
	{ "곽", "kwak", 4 }, { "성", "sung", 4 }, { "차", "cha", 4 },
	{ "주", "joo", 4 }, { "우", "woo", 4 }, { "구", "koo", 4 },
	{ "민", "min", 3 }, { "진", "jin", 3 }, { "나", "na", 3 },
	{ "남궁", "namgung", 1 }, { "제갈", "jegal", 1 }, { "선우", "sunwoo", 1 },
};

static const struct kname givens[] = {
	{ "민준", "minjun", 1 }, { "서준", "seojun", 1 }, { "도윤", "doyun", 1 },
	{ "예준", "yejun", 1 }, { "시우", "siwoo", 1 }, { "하준", "hajun", 1 },
	{ "주원", "juwon", 1 }, { "지호", "jiho", 1 }, { "지후", "jihu", 1 },
	{ "준우", "junwoo", 1 }, { "현우", "hyunwoo", 1 }, { "건우", "gunwoo", 1 },
	{ "우진", "woojin", 1 }, { "선우", "sunwoo", 1 }, { "연우", "yeonwoo", 1 },
	{ "민재", "minjae", 1 }, { "지훈", "jihoon", 1 }, { "동현", "donghyun", 1 },
	{ "성민", "sungmin", 1 }, { "상훈", "sanghoon", 1 }, { "영수", "youngsoo", 1 },
	{ "영호", "youngho", 1 }, { "정호", "jungho", 1 }, { "재원", "jaewon", 1 },
	{ "서연", "seoyeon", 1 }, { "서윤", "seoyun", 1 }, { "지우", "jiwoo", 1 },
	{ "서현", "seohyun", 1 }, { "하은", "haeun", 1 }, { "하윤", "hayun", 1 },
	{ "민서", "minseo", 1 }, { "지유", "jiyu", 1 }, { "윤서", "yunseo", 1 },
	{ "채원", "chaewon", 1 }, { "지민", "jimin", 1 }, { "수아", "sua", 1 },
	{ "지아", "jia", 1 }, { "다은", "daeun", 1 }, { "예은", "yeeun", 1 },
	{ "수빈", "subin", 1 }, { "은서", "eunseo", 1 }, { "소율", "soyul", 1 },
	{ "예린", "yerin", 1 }, { "하린", "harin", 1 }, { "지원", "jiwon", 1 },
	{ "혜진", "hyejin", 1 }, { "은영", "eunyoung", 1 }, { "수진", "sujin", 1 },
	{ "미경", "mikyung", 1 }, { "정희", "junghee", 1 }, { "영희", "younghee", 1 },
	{ "경숙", "kyungsook", 1 }, { "미영", "miyoung", 1 }, { "지영", "jiyoung", 1 },
	{ "유진", "yujin", 1 }, { "민지", "minji", 1 }, { "수연", "suyeon", 1 },
	{ "예진", "yejin", 1 }, { "나연", "nayeon", 1 }, { "태윤", "taeyun", 1 },
};

static const char *const en_first[] = {
	"Emma", "Olivia", "Ava", "Sophia", "Mia", "Isabella", "Charlotte",
	"Amelia", "Harper", "Evelyn", "Grace", "Chloe", "Lily", "Hannah", "Sarah",
	"Jessica", "Emily", "Rachel", "Liam", "Noah", "James", "Oliver", "Lucas",
	"Ethan", "Daniel", "Michael", "David", "Matthew", "Ryan", "Kevin", "Brian",
	"Jason", "Andrew", "Chris", "Tyler", "Nathan", "Sean", "Aaron", "Justin",
	"Eric",
};
static const char *const en_last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson",
	"White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young",
	"King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter",
	"Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker",
	"Evans", "Edwards", "Collins", "O'Brien", "O'Neil", "Kim", "Lee", "Park",
	"Nguyen", "Chen", "Tanaka",
};
static const char *const nicknames[] = {
	"Sunny", "Jay", "Kay", "Lulu", "Max", "Bee", "JJ", "Mimi"
};

static const char *const domains[] = {
	"naver.example", "gmail.example", "daum.example", "kakao.example",
	"hanmail.example", "outlook.example", "icloud.example"
};
static const unsigned domain_w[] = { 40, 25, 10, 10, 5, 5, 5 };

static const char *const countries_en[] = {
	"KR", "US", "CA", "GB", "AU", "SG", "JP", "NZ"
};
static const unsigned countries_en_w[] = { 55, 20, 5, 5, 5, 4, 3, 3 };

static const char *const channels[] = { "web", "app", "store", "smartstore" };
static const unsigned channel_w[] = { 35, 40, 10, 15 };

/* Customer record fields */
enum {
	CF_KIND, CF_SUR, CF_GIVEN, CF_EFIRST, CF_ELAST, CF_SPECIAL, CF_NICK,
	CF_EPAT, CF_DOM, CF_CAP, CF_SIGN_KIND, CF_SIGN_AMT, CF_SIGN_TOD,
	CF_BDAY_EMPTY, CF_AGE, CF_BDAY_DAY, CF_COUNTRY, CF_OPTIN, CF_CHANNEL
};

static inline uint64_t cust_rec(uint64_t c)
{
	return rec(S_CUST, c);
}

static int cust_english(uint64_t rc)
{
	return below(fld(rc, CF_KIND), 100) < 30;
}

static int cust_channel(uint64_t c)
{
	return wpick(fld(cust_rec(c), CF_CHANNEL), channel_w, 4);
}

/* Lower-case ASCII letters of s appended to dst. */
static char *alpha_lower(char *dst, const char *s)
{
	for (; *s; s++) {
		char ch = *s;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch >= 'a' && ch <= 'z')
			*dst++ = ch;
	}
	*dst = 0;
	return dst;
}

struct person {
	char name[128];
	char email[128];
	const char *country;
};

static void make_person(uint64_t c, uint64_t rc, struct person *p)
{
	const char *fr, *lr;       /* romanised first and last name */
	unsigned special = (unsigned)below(fld(rc, CF_SPECIAL), 1000);
	const char *nick = nicknames[below(fld(rc, CF_NICK), (uint64_t)NELEM(nicknames))];
	if (!cust_english(rc)) {
		unsigned sw[NELEM(surnames)];
		for (int k = 0; k < NELEM(surnames); k++)
			sw[k] = surnames[k].w;
		const struct kname *s = &surnames[wpick(fld(rc, CF_SUR), sw, NELEM(surnames))];
		const struct kname *g = &givens[below(fld(rc, CF_GIVEN), (uint64_t)NELEM(givens))];
		fr = g->r;
		lr = s->r;
		if (special < 4) {           /* romanised, family name first */
			char cap_l[32], cap_f[32];
			snprintf(cap_l, sizeof cap_l, "%s", lr);
			snprintf(cap_f, sizeof cap_f, "%s", fr);
			cap_l[0] = (char)(cap_l[0] - 'a' + 'A');
			cap_f[0] = (char)(cap_f[0] - 'a' + 'A');
			snprintf(p->name, sizeof p->name, "%s, %s", cap_l, cap_f);
		} else if (special < 6) {
			snprintf(p->name, sizeof p->name, "%s%s \"%s\"", s->h, g->h, nick);
		} else if (special < 16) {   /* spaced */
			snprintf(p->name, sizeof p->name, "%s %s", s->h, g->h);
		} else {
			snprintf(p->name, sizeof p->name, "%s%s", s->h, g->h);
		}
		p->country = below(fld(rc, CF_COUNTRY), 100) < 98 ? "KR" : "JP";
	} else {
		fr = en_first[below(fld(rc, CF_EFIRST), (uint64_t)NELEM(en_first))];
		lr = en_last[below(fld(rc, CF_ELAST), (uint64_t)NELEM(en_last))];
		if (special < 5)
			snprintf(p->name, sizeof p->name, "%s, %s", lr, fr);
		else if (special < 8)
			snprintf(p->name, sizeof p->name, "%s \"%s\" %s", fr, nick, lr);
		else
			snprintf(p->name, sizeof p->name, "%s %s", fr, lr);
		p->country = countries_en[wpick(fld(rc, CF_COUNTRY), countries_en_w,
		                                NELEM(countries_en))];
	}
	/* e-mail: letters only, then the customer number: unique. */
	char *e = p->email;
	switch (below(fld(rc, CF_EPAT), 4)) {
	case 0:
		e = alpha_lower(e, fr);
		*e++ = '.';
		e = alpha_lower(e, lr);
		break;
	case 1:
		e = alpha_lower(e, lr);
		*e++ = '_';
		e = alpha_lower(e, fr);
		break;
	case 2:
		e = alpha_lower(e, fr);
		e = alpha_lower(e, lr);
		break;
	default:
		*e = 0;
		alpha_lower(e, fr);
		e[1] = 0;
		e++;
		*e++ = '.';
		e = alpha_lower(e, lr);
		break;
	}
	e += snprintf(e, 24, "%llu@", (unsigned long long)(c + 1));
	snprintf(e, 32, "%s", domains[wpick(fld(rc, CF_DOM), domain_w, NELEM(domains))]);
	if (below(fld(rc, CF_CAP), 100) < 3)
		p->email[0] = (char)(p->email[0] - 'a' + 'A');
}

/* Signup time of customer c. */
static int64_t signup_time(uint64_t c, uint64_t rc)
{
	int64_t ref;
	if (n_buyers) {
		uint64_t b = (c * n_buyers + opt_customers - 1) / opt_customers;
		/* buyer b (if c is one) or the next buyer: signed up before
		 * that buyer's first order */
		ref = b < n_buyers ? order_time(first_order(b)) : end_ts;
	} else {
		ref = end_ts;
	}
	unsigned kind = (unsigned)below(fld(rc, CF_SIGN_KIND), 100);
	uint64_t amt = fld(rc, CF_SIGN_AMT);
	if (kind < 45)                           /* signed up at checkout */
		return ref - 30 - (int64_t)below(amt, 1771);
	int64_t back = kind < 75 ? 1 + (int64_t)below(amt, 30)
	                         : 31 + (int64_t)below(amt, 370);
	return (floor_div(ref, 86400) - back) * 86400 + 8 * 3600
	       + (int64_t)below(fld(rc, CF_SIGN_TOD), 16 * 3600);
}

static void phone(uint64_t c, char *buf)
{
	static const char *const pfx[] = { "010", "011", "016", "017", "018", "019" };
	uint64_t off = below(rec(S_PHONE, 0), 100000000ULL);
	uint64_t v = (c % 100000000ULL * 73939133ULL + off) % 100000000ULL;
	snprintf(buf, 16, "%s-%04u-%04u", pfx[c / 100000000ULL],
	         (unsigned)(v / 10000), (unsigned)(v % 10000));
}

/* ------------------------------------------------------------------------ */
/* Entities                                                                 */

static void gen_customers(void)
{
	put_s("customer_id,email,phone,name,signup_at,birthday,country,marketing_opt_in\n");
	struct person p;
	char ph[16];
	for (uint64_t c = 0; c < opt_customers; c++) {
		uint64_t rc = cust_rec(c);
		make_person(c, rc, &p);
		phone(c, ph);
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_s(p.email);
		put_c(',');
		put_s(ph);
		put_c(',');
		put_csv(p.name);
		put_c(',');
		put_ts(signup_time(c, rc));
		put_c(',');
		if (below(fld(rc, CF_BDAY_EMPTY), 100) >= 22) {
			uint64_t u = fld(rc, CF_AGE) >> 32;
			uint64_t u2 = (u * u) >> 32;
			int64_t age = 18 + (int64_t)((((u + u2) >> 1) * 52) >> 32);
			put_date(end_day - age * 365 - age / 4
			         - (int64_t)below(fld(rc, CF_BDAY_DAY), 365));
		}
		put_c(',');
		put_s(p.country);
		put_c(',');
		put_c(below(fld(rc, CF_OPTIN), 100) < 60 ? 'Y' : 'N');
		put_c('\n');
	}
}

static const char *const currency_name[2] = { "KRW", "USD" };

static int order_channel(uint64_t i, uint64_t c)
{
	uint64_t r = rec(S_OCHAN, i);
	if (below(r, 100) < 75)
		return cust_channel(c);
	return wpick(fld(r, 0), channel_w, 4);
}

static void gen_orders(void)
{
	put_s("order_id,customer_id,ordered_at,amount,currency,status,channel\n");
	struct line ln[4];
	for (uint64_t i = 0; i < opt_orders; i++) {
		uint64_t c = order_customer(i);
		int64_t amount;
		order_lines(i, ln, &amount);
		put_id('O', opt_first + i + 1, order_w);
		put_c(',');
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_ts(order_time(i));
		put_c(',');
		put_u((uint64_t)amount);
		put_c(',');
		put_s(currency_name[opt_usd]);
		put_c(',');
		put_s(status_name[i + opt_refund_last >= opt_orders ? ST_REFUNDED : order_status(i)]);
		put_c(',');
		put_s(channels[order_channel(i, c)]);
		put_c('\n');
	}
}

static void gen_order_items(void)
{
	put_s("order_id,customer_id,ordered_at,sku,product,category,quantity,unit_price,currency\n");
	struct line ln[4];
	char head[96];
	for (uint64_t i = 0; i < opt_orders; i++) {
		uint64_t c = order_customer(i);
		int64_t amount;
		int n = order_lines(i, ln, &amount);
		/* order_id,customer_id,ordered_at, once; reserve room so that
		 * the buffer is not flushed while the head is written */
		oreserve(sizeof head);
		size_t h0 = olen;
		put_id('O', opt_first + i + 1, order_w);
		put_c(',');
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_ts(order_time(i));
		put_c(',');
		size_t hl = olen - h0;
		memcpy(head, obuf + h0, hl);
		for (int k = 0; k < n; k++) {
			const struct product *pr = &catalog[ln[k].prod];
			if (k)
				put_mem(head, hl);
			put_s(pr->sku);
			put_c(',');
			put_s(pr->name);
			put_c(',');
			put_s(pr->category);
			put_c(',');
			put_u((uint64_t)ln[k].qty);
			put_c(',');
			put_u((uint64_t)pr->price[opt_usd]);
			put_c(',');
			put_s(currency_name[opt_usd]);
			put_c('\n');
		}
	}
}

/* The order a ticket/review/response j of n refers to. */
static uint64_t related_order(uint64_t j, uint64_t n, uint64_t r)
{
	return (j * opt_orders + below(r, opt_orders)) / n;
}

/*
 * What a help desk adds to a ticket, from fields 11.. of its record, so that
 * the columns before keep their values: a priority (most normal, refunds
 * and cancellations more often high), the team of its category and one of
 * the team's agents (8 agents in 3 teams; half the tickets never answered
 * are still unassigned), a subject of its category, the agents' replies
 * (1-6, mostly 1-2; none before a first response) and the reopens (mostly
 * none).
 */
static const char *const t_team[] = { "배송팀", "교환환불팀", "상담팀" };
static const int cat_team[] = { 0, 1, 1, 2, 2 };   /* by ticket category */
static const char *const t_agent[3][3] = {
	{ "김지은", "이서연", "박민준" }, { "최유진", "정하늘", "강도윤" }, { "윤서아", "한지호", NULL },
};
static const int team_agents[] = { 3, 3, 2 };
static const char *const t_subject[5][3] = {
	{ "배송 언제 오나요?", "배송 조회가 안 돼요", "주소 변경 요청" },
	{ "환불 요청합니다", "환불 언제 되나요?", "부분 환불 문의" },
	{ "색상 교환 요청", "용량 교환 문의", "불량 교환 원해요" },
	{ "성분 문의", "사용법 문의", "재입고 일정 문의" },
	{ "결제 오류", "카드 결제 취소 문의", "영수증 발급 요청" },
};

static void put_help_desk(uint64_t r, int cat, int has_fr)
{
	static const char *const prio[] = { "urgent", "high", "normal", "low" };
	static const unsigned prio_w[] = { 5, 15, 62, 18 };
	static const unsigned prio_money_w[] = { 10, 30, 50, 10 };   /* 환불, 결제 */
	static const unsigned replies_w[] = { 45, 28, 13, 7, 4, 3 };  /* 1..6 */
	static const unsigned reopens_w[] = { 90, 8, 2 };             /* 0..2 */
	int team = cat_team[cat];
	int money = cat == 1 || cat == 4;
	put_c(',');
	put_s(prio[wpick(fld(r, 11), money ? prio_money_w : prio_w, 4)]);
	put_c(',');
	if (has_fr || below(fld(r, 12), 2))
		put_s(t_agent[team][below(fld(r, 13), (uint64_t)team_agents[team])]);
	put_c(',');
	put_s(t_team[team]);
	put_c(',');
	put_s(t_subject[cat][below(fld(r, 14), 3)]);
	put_c(',');
	put_u(has_fr ? (uint64_t)wpick(fld(r, 15), replies_w, 6) + 1 : 0);
	put_c(',');
	put_u(has_fr ? (uint64_t)wpick(fld(r, 16), reopens_w, 3) : 0);
}

static void gen_tickets(void)
{
	static const char *const tch[] = { "email", "chat", "phone", "kakao" };
	static const unsigned tch_w[] = { 30, 30, 15, 25 };
	static const char *const tcat[] = { "배송", "환불", "교환", "상품문의", "결제" };
	static const unsigned tcat_w[] = { 35, 15, 12, 28, 10 };
	static const unsigned csat_w[] = { 10, 8, 12, 25, 45 };
	/* first response delay by channel, seconds */
	static const int64_t fr_lo[] = { 1800, 30, 10, 300 };
	static const int64_t fr_hi[] = { 2 * 86400, 1800, 600, 8 * 3600 };
	uint64_t n = (opt_orders + 5) / 10;
	int w = ndigits(n) > 7 ? ndigits(n) : 7;
	put_s("ticket_id,customer_id,channel,category,opened_at,first_response_at,resolved_at,status,"
	      "csat,priority,agent,team,subject,replies,reopens\n");
	for (uint64_t j = 0; j < n; j++) {
		uint64_t r = rec(S_TICK, j);
		uint64_t i = related_order(j, n, fld(r, 0));
		uint64_t c = order_customer(i);
		int ch = wpick(fld(r, 1), tch_w, 4);
		int st = order_status(i);
		int cat = (st == ST_REFUNDED || st == ST_CANCELLED) && below(fld(r, 2), 100) < 60
		          ? 1 : wpick(fld(r, 3), tcat_w, 5);
		int64_t opened = waking(after(order_time(i),
		                              logu(fld(r, 4), 3600, 14 * 86400), fld(r, 5)));
		int64_t fr = opened + logu(fld(r, 6), fr_lo[ch], fr_hi[ch]);
		int64_t res = fr + logu(fld(r, 7), 600, 7 * 86400);
		int has_fr = fr <= end_ts;
		int resolved = has_fr && res <= end_ts && below(fld(r, 8), 100) >= 6;
		put_id('T', j + 1, w);
		put_c(',');
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_s(tch[ch]);
		put_c(',');
		put_s(tcat[cat]);
		put_c(',');
		put_ts(opened);
		put_c(',');
		if (has_fr)
			put_ts(fr);
		put_c(',');
		if (resolved)
			put_ts(res);
		put_s(resolved ? ",resolved," : ",open,");
		if (resolved && below(fld(r, 9), 100) < 60)
			put_c((char)('1' + wpick(fld(r, 10), csat_w, 5)));
		put_help_desk(r, cat, has_fr);
		put_c('\n');
	}
}

/* Review texts by sentiment: 0 negative (1-2), 1 neutral (3), 2 positive. */
static const char *const rt_ko[3][8] = {
	{ "별로예요", "트러블 났어요", "배송이 너무 늦어요", "환불 요청합니다",
	  "용기가 새서 왔어요", "-_- 실망", "다시는 안 사요", "색이 달라요" },
	{ "무난해요", "보통이에요", "그냥 그래요", "나쁘지 않아요",
	  "기대보다는 별로", "쏘쏘", "가격 생각하면 괜찮아요", "애매해요" },
	{ "재구매 의사 있어요", "촉촉하고 좋아요", "인생템 찾았어요", "가성비 최고",
	  "향이 너무 좋아요", "선물용으로 샀어요", "만족합니다", "강추합니다!" },
};
static const char *const rt_en[3][8] = {
	{ "Disappointed", "Broke me out", "Arrived damaged", "Shipping took forever",
	  "Not as described", "Never again", "Leaked in transit", "Wrong shade" },
	{ "It's okay", "Not bad", "Average", "Decent, but pricey",
	  "Meh", "Does the job", "Fine for the price", "Mixed feelings" },
	{ "Love it!", "Holy grail", "Great value", "Smells amazing",
	  "Will buy again", "Perfect gift", "Gentle on my skin", "5 stars" },
};
static const char *const rb_ko[3][8] = {
	{ "바르고 나서 트러블이 올라왔어요.", "배송이 일주일이나 걸렸어요.",
	  "펌프가 고장 나서 왔어요.", "향이 너무 독해서, 못 쓰겠어요.",
	  "사진이랑 색이 달라요.", "고객센터 연락도 잘 안 돼요.",
	  "유통기한이 얼마 안 남은 제품이 왔어요.", "-_- 돈 아까워요." },
	{ "무난하게 쓰기 좋아요.", "효과는 잘 모르겠어요.", "향이 조금 강한 편이에요.",
	  "가격이 조금 비싸요.", "용량이 생각보다 작아요.", "흡수는 좀 느려요.",
	  "나쁘진 않은데, 재구매는 글쎄요.", "그냥 평범해요." },
	{ "촉촉하고 흡수가 빨라요.", "향이 은은해서 좋아요.",
	  "민감성 피부인데 자극 없어요.", "배송도 빠르고, 포장도 꼼꼼했어요.",
	  "가격 대비 양이 많아요.", "벌써 두 통째 쓰고 있어요.",
	  "엄마 선물로 드렸는데 좋아하세요.", "\"인생템\"이라는 말이 딱 맞아요." },
};
static const char *const rb_en[3][8] = {
	{ "Gave me a rash after two days.", "Took over a week to arrive.",
	  "The pump was broken.", "Way too strong, I can't use it.",
	  "Colour is nothing like the photo.", "Support never answered my email.",
	  "Expires next month, seriously?", "Waste of money." },
	{ "Does what it says.", "Not sure it does much.", "Scent is a bit strong.",
	  "A little expensive for the size.", "Smaller than I expected.",
	  "Absorbs slowly, but it's fine.", "Okay, not sure I'd rebuy.",
	  "Pretty average." },
	{ "Absorbs quickly and feels great.", "Lovely subtle scent.",
	  "No irritation on my sensitive skin.", "Fast shipping, nicely packed.",
	  "Great value for the amount.", "Already on my second bottle.",
	  "Bought it for my mom, she loves it.", "Honestly, a \"holy grail\" product." },
};

static void gen_reviews(void)
{
	static const char *const plat[] = { "naver", "coupang", "own" };
	static const unsigned plat_w[] = { 45, 30, 25 };
	static const unsigned rate_w[] = { 6, 4, 8, 20, 62 };
	static const unsigned rate_bad_w[] = { 30, 20, 20, 15, 15 };
	uint64_t n = (opt_orders + 4) / 8;
	int w = ndigits(n) > 7 ? ndigits(n) : 7;
	struct line ln[4];
	char body[1024];
	put_s("review_id,customer_id,sku,rating,title,body,posted_at,replied_at,platform\n");
	for (uint64_t j = 0; j < n; j++) {
		uint64_t r = rec(S_REV, j);
		uint64_t i = related_order(j, n, fld(r, 0));
		for (int k = 0; k < 3 && i > 0; k++) {
			int st = order_status(i);
			if (st != ST_CANCELLED && st != ST_PENDING)
				break;
			i--;
		}
		uint64_t c = order_customer(i);
		int64_t amount;
		int nl = order_lines(i, ln, &amount);
		const struct product *pr = &catalog[ln[below(fld(r, 1), (uint64_t)nl)].prod];
		int rating = 1 + wpick(fld(r, 2), order_status(i) == ST_REFUNDED
		                                  ? rate_bad_w : rate_w, 5);
		int sent = rating <= 2 ? 0 : rating == 3 ? 1 : 2;
		int english = cust_english(cust_rec(c)) ? below(fld(r, 3), 100) < 85
		                                        : below(fld(r, 3), 100) < 8;
		const char *const (*titles)[8] = english ? rt_en : rt_ko;
		const char *const (*bodies)[8] = english ? rb_en : rb_ko;
		unsigned nsent = (unsigned)below(fld(r, 4), 100);
		nsent = nsent < 50 ? 1 : nsent < 85 ? 2 : 3;
		size_t bl = 0;
		unsigned prev = 99;
		for (unsigned k = 0; k < nsent; k++) {
			unsigned s = (unsigned)below(fld(r, 5 + k), 8);
			if (s == prev)
				s = (s + 1) % 8;
			prev = s;
			if (k)
				body[bl++] = below(fld(r, 8 + k), 100) < 12 ? '\n' : ' ';
			bl += (size_t)snprintf(body + bl, sizeof body - bl, "%s", bodies[sent][s]);
		}
		body[bl] = 0;
		int64_t posted = waking(after(order_time(i),
		                              logu(fld(r, 12), 2 * 86400, 45 * 86400), fld(r, 13)));
		unsigned reply_pct = sent == 0 ? 40 : sent == 1 ? 60 : 70;
		int64_t replied = posted + logu(fld(r, 14), 1800, 5 * 86400);
		int has_reply = below(fld(r, 15), 100) < reply_pct && replied <= end_ts;

		put_id('R', j + 1, w);
		put_c(',');
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_s(pr->sku);
		put_c(',');
		put_c((char)('0' + rating));
		put_c(',');
		if (below(fld(r, 16), 100) >= 15)
			put_csv(titles[sent][below(fld(r, 17), 8)]);
		put_c(',');
		put_csv(body);
		put_c(',');
		put_ts(posted);
		put_c(',');
		if (has_reply)
			put_ts(replied);
		put_c(',');
		put_s(plat[wpick(fld(r, 18), plat_w, 3)]);
		put_c('\n');
	}
}

/* Survey comments: 0 detractor, 1 passive, 2 promoter. */
static const char *const sc_ko[3][6] = {
	{ "배송이 너무 느려요", "고객센터 응대가 아쉬워요", "-_-",
	  "환불 처리가 오래 걸렸어요", "포장이 엉망이었어요, 다음엔 안 살래요",
	  "가격이 너무 올랐어요" },
	{ "괜찮아요", "가격이 조금만 더 저렴하면 좋겠어요", "무난합니다",
	  "배송은 빠른데, 샘플이 없어서 아쉬워요", "보통이에요", "그럭저럭" },
	{ "항상 만족합니다", "배송이 빨라서 좋아요", "제품 품질이 좋아요, 추천해요",
	  "친구에게도 추천했어요", "최고예요!", "포장이 정말 꼼꼼해요" },
};
static const char *const sc_en[3][6] = {
	{ "Bad experience with support", "Product arrived broken, no reply yet",
	  "Too slow", "Refund took weeks", "Prices went up, quality went down",
	  "Meh" },
	{ "It's fine", "Good, but shipping could be faster", "Okay overall",
	  "Decent selection", "Average", "Nothing special" },
	{ "Great products, fast delivery", "Love this shop", "Always reliable",
	  "Recommended it to friends", "+1, will order again", "Excellent \"sample\" gifts" },
};

static void gen_responses(void)
{
	static const unsigned score_w[11] = { 15, 10, 15, 20, 30, 50, 60, 120, 180, 220, 280 };
	static const char *const sch[] = { "email", "kakao", "web" };
	static const unsigned sch_w[] = { 40, 40, 20 };
	uint64_t n = (opt_orders + 5) / 10;
	int w = ndigits(n) > 7 ? ndigits(n) : 7;
	put_s("response_id,customer_id,answered_at,score,comment,survey,channel\n");
	for (uint64_t j = 0; j < n; j++) {
		uint64_t r = rec(S_RESP, j);
		uint64_t i = related_order(j, n, fld(r, 0));
		uint64_t c = order_customer(i);
		int64_t t0 = order_time(i);
		int score = wpick(fld(r, 1), score_w, 11);
		int grp = score <= 6 ? 0 : score <= 8 ? 1 : 2;
		int quarterly = below(fld(r, 2), 100) < 30;
		int64_t ans = 0;
		if (quarterly) {
			int64_t y;
			unsigned m, d;
			civil_from_days(floor_div(t0, 86400), &y, &m, &d);
			unsigned qm = (m - 1) / 3 * 3 + 4;
			if (qm > 12) {
				qm = 1;
				y++;
			}
			ans = (days_from_civil(y, qm, 1) + (int64_t)below(fld(r, 3), 14)) * 86400
			      + 9 * 3600 + (int64_t)below(fld(r, 4), 14 * 3600);
			if (ans > end_ts)
				quarterly = 0;
		}
		if (!quarterly)
			ans = waking(after(t0, logu(fld(r, 5), 3600, 7 * 86400), fld(r, 6)));
		int english = cust_english(cust_rec(c)) ? below(fld(r, 7), 100) < 85
		                                        : below(fld(r, 7), 100) < 8;
		put_id('S', j + 1, w);
		put_c(',');
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_ts(ans);
		put_c(',');
		put_u((uint64_t)score);
		put_c(',');
		if (below(fld(r, 8), 100) >= 35)
			put_csv((english ? sc_en : sc_ko)[grp][below(fld(r, 9), 6)]);
		put_c(',');
		put_s(quarterly ? "quarterly" : "post-purchase");
		put_c(',');
		put_s(sch[wpick(fld(r, 10), sch_w, 3)]);
		put_c('\n');
	}
}

/* The planted tastes, for tests that check what a recommender finds. */
static void gen_taste_products(void)
{
	put_s("sku,product,category,taste_group,cycle_days\n");
	for (int p = 0; p < nprod; p++) {
		put_s(catalog[p].sku);
		put_c(',');
		put_s(catalog[p].name);
		put_c(',');
		put_s(catalog[p].category);
		put_c(',');
		put_u((uint64_t)prod_group[p] + 1);
		put_c(',');
		if (prod_cycle[p])
			put_u((uint64_t)prod_cycle[p]);
		put_c('\n');
	}
}

static void gen_taste_customers(void)
{
	put_s("customer_id,taste_group,staple_sku\n");
	for (uint64_t c = 0; c < opt_customers; c++) {
		put_id('C', c + 1, cust_w);
		put_c(',');
		put_u((uint64_t)cust_group(c) + 1);
		put_c(',');
		put_s(catalog[cust_staple(c)].sku);
		put_c('\n');
	}
}

/* ------------------------------------------------------------------------ */
/* Command line                                                             */

static void usage(FILE *f)
{
	fputs("Usage: crm-synth [OPTIONS] ENTITY\n"
	      "Write a deterministic synthetic online shop as CSV on standard output.\n"
	      "\n"
	      "ENTITY is one of: customers, orders, order_items, tickets, reviews, responses;\n"
	      "with --tastes also taste_products and taste_customers (the planted tastes)\n"
	      "\n"
	      "Options:\n"
	      "  --orders N          number of orders (default 1000)\n"
	      "  --customers N       number of customers (default orders*2/5, at least 1)\n"
	      "  --seed S            random seed, 0..18446744073709551615 (default 1)\n"
	      "  --end YYYY-MM-DD    last day of the period (default 2026-10-31)\n"
	      "  --days N            length of the period in days (default 730)\n"
	      "  --currency C        KRW or USD (default KRW); amounts in minor units\n"
	      "  --products N        products in the catalogue, 200..100000 (default 200)\n"
	      "  --tastes            plant tastes: taste groups of products, a group and a\n"
	      "                      staple consumable per customer (see the source's header)\n"
	      "  --first-order K     number the orders from K+1 (default 0): the new orders\n"
	      "                      of a later week, with another --seed and --end\n"
	      "  --refund-last R     the last R orders are refunded (the orders entity's\n"
	      "                      status; default 0): the same shop a week later\n"
	      "  --help              show this help and exit\n"
	      "  --version           show the version and exit\n"
	      "\n"
	      "The output is a pure function of the options: the same order has the same\n"
	      "customer, time, lines and amount in every entity.\n"
	      "Exit status: 0 success, 2 usage error, 3 write error.\n", f);
}

static void bad(const char *msg, const char *arg)
{
	if (arg)
		fprintf(stderr, "crm-synth: %s: '%s'\n", msg, arg);
	else
		fprintf(stderr, "crm-synth: %s\n", msg);
	fputs("Try 'crm-synth --help' for more information.\n", stderr);
	exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v = 0;
	char msg[96];
	if (!*s)
		goto fail;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			goto fail;
		unsigned dg = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - dg) / 10)
			goto fail;
		v = v * 10 + dg;
	}
	if (v < min || v > max)
		goto fail;
	return v;
fail:
	snprintf(msg, sizeof msg, "%s wants an integer from %llu to %llu, not", opt,
	         (unsigned long long)min, (unsigned long long)max);
	bad(msg, s);
	return 0;
}

static int64_t parse_date(const char *s)
{
	unsigned y, m, d;
	char tail;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		bad("--end wants a date YYYY-MM-DD, not", s);
	for (int k = 0; k < 10; k++)
		if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9'))
			bad("--end wants a date YYYY-MM-DD, not", s);
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		bad("--end: no such date (years 1900-9999)", s);
	return days_from_civil((int64_t)y, m, d);
}

int main(int argc, char **argv)
{
	const char *entity = NULL;
	const char *end_s = "2026-10-31";
	int customers_given = 0, only_args = 0;

	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		if (only_args || a[0] != '-' || !a[1]) {
			if (entity)
				bad("more than one entity given", a);
			entity = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			if (fflush(stdout) || ferror(stdout) || fclose(stdout))
				write_failed();
			return 0;
		}
		if (!strcmp(a, "--version")) {
			puts("crm-synth " VERSION);
			if (fflush(stdout) || ferror(stdout) || fclose(stdout))
				write_failed();
			return 0;
		}
		if (!strcmp(a, "--tastes")) {
			opt_tastes = 1;
			continue;
		}
		static const char *const valopts[] = {
			"--orders", "--customers", "--seed", "--end", "--days", "--currency",
			"--products", "--first-order", "--refund-last"
		};
		int which = -1;
		const char *val = NULL;
		for (int o = 0; o < NELEM(valopts); o++) {
			size_t l = strlen(valopts[o]);
			if (!strncmp(a, valopts[o], l) && (a[l] == 0 || a[l] == '=')) {
				which = o;
				if (a[l] == '=')
					val = a + l + 1;
				break;
			}
		}
		if (which < 0)
			bad("unknown option", a);
		if (!val) {
			if (k + 1 >= argc)
				bad("option needs a value", a);
			val = argv[++k];
		}
		switch (which) {
		case 0:
			opt_orders = parse_u64("--orders", val, 0, MAX_ORDERS);
			break;
		case 1:
			opt_customers = parse_u64("--customers", val, 1, MAX_CUSTOMERS);
			customers_given = 1;
			break;
		case 2:
			opt_seed = parse_u64("--seed", val, 0, UINT64_MAX);
			break;
		case 3:
			end_s = val;
			break;
		case 4:
			opt_days = (int)parse_u64("--days", val, 1, MAX_DAYS);
			break;
		case 6:
			nprod = (int)parse_u64("--products", val, NPROD, MAX_PRODUCTS);
			break;
		case 7:
			opt_first = parse_u64("--first-order", val, 0, MAX_ORDERS);
			break;
		case 8:
			opt_refund_last = parse_u64("--refund-last", val, 0, MAX_ORDERS);
			break;
		case 5:
			if (!strcmp(val, "KRW"))
				opt_usd = 0;
			else if (!strcmp(val, "USD"))
				opt_usd = 1;
			else
				bad("--currency wants KRW or USD, not", val);
			break;
		}
	}
	if (!entity)
		bad("no entity given (customers, orders, order_items, tickets, reviews, responses)",
		    NULL);

	static const char *const entities[] = {
		"customers", "orders", "order_items", "tickets", "reviews", "responses",
		"taste_products", "taste_customers"
	};
	int ent = -1;
	for (int e = 0; e < NELEM(entities); e++)
		if (!strcmp(entity, entities[e]))
			ent = e;
	if (ent < 0)
		bad("unknown entity (customers, orders, order_items, tickets, reviews, responses)",
		    entity);
	if (ent >= 6 && !opt_tastes)
		bad("this entity lists the planted tastes: it needs --tastes", entity);

	end_day = parse_date(end_s);
	start_day = end_day - opt_days + 1;
	end_ts = end_day * 86400 + 86399;
	if (!customers_given) {
		opt_customers = opt_orders * 2 / 5;
		if (opt_customers < 1)
			opt_customers = 1;
	}
	/* Buyers: 85% of the customers, but at most 55% of the orders so that
	 * there are repeat orders to share out. */
	if (opt_orders) {
		uint64_t b = opt_customers * 85 / 100;
		if (b > opt_orders * 55 / 100)
			b = opt_orders * 55 / 100;
		if (b < 1)
			b = 1;
		n_buyers = b;
	}
	cust_w = ndigits(opt_customers) > 7 ? ndigits(opt_customers) : 7;
	order_w = ndigits(opt_first + opt_orders) > 8 ? ndigits(opt_first + opt_orders) : 8;

	for (int s = 0; s < S_NSTREAMS; s++)
		stream_key[s] = mix64(mix64(opt_seed) + (uint64_t)s * 0x8CB92BA72F3D8DD7ULL);
	setup_units();
	setup_time();
	setup_catalog();
	setup_guide();
	if (opt_tastes)
		setup_tastes();

	switch (ent) {
	case 0: gen_customers(); break;
	case 1: gen_orders(); break;
	case 2: gen_order_items(); break;
	case 3: gen_tickets(); break;
	case 4: gen_reviews(); break;
	case 5: gen_responses(); break;
	case 6: gen_taste_products(); break;
	default: gen_taste_customers(); break;
	}
	oflush();
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		write_failed();
	errno = 0;
	if (fclose(stdout) != 0)
		write_failed();
	return 0;
}
