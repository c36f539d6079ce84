// make bench's peer of crm-segment on a CSV stream: DuckDB (@duckdb/node-api,
// installed by make deps into bench/node) computing the same RFM figures
// from the same orders file and printing what `crm-segment --as-of DATE
// --summary FILE` prints, so that bench/run compares the two outputs.
//   node bench/segment_peer.mjs AS_OF ORDERS.CSV
// As crm computes them (lib/rfm.h), in UTC (the bench's zone): per customer,
// the paid or pending orders before the day after AS_OF; recency in days
// from the day of the last one; frequency; monetary, their sum.  Quintile
// scores by crm's rule, 1 + floor(5 B / N) with B the customers strictly
// worse (rank() - 1; not ntile, which splits ties), for R, F and M;
// segments from the R x F grid of lib/segment.c.  The bench's shop is in
// KRW, whose amounts are whole minor units: the peer reads them as BIGINT
// and says so if the file holds another currency.
// DuckDB runs with its default threads, as a user would run it.
import { createRequire } from 'node:module';

const require = createRequire(new URL('./node/', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [asOf, path] = process.argv.slice(2);
if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf || '') || !path) {
	console.error('usage: node bench/segment_peer.mjs AS_OF ORDERS.CSV');
	process.exit(2);
}

// lib/segment.c's grid, in its order: name, R from..to, F from..to
const grid = [
	['Champions', 5, 5, 4, 5], ['Loyal', 3, 4, 4, 5], ['Potential Loyalists', 4, 5, 2, 3],
	['New', 5, 5, 1, 1], ['Promising', 4, 4, 1, 1], ['Need Attention', 3, 3, 3, 3],
	['About to Sleep', 3, 3, 1, 2], ['At Risk', 1, 2, 3, 4], ["Can't Lose", 1, 2, 5, 5],
	['Hibernating', 1, 2, 1, 2],
];

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const sql = `
WITH o AS (SELECT * FROM read_csv(${q(path)}, header = true, auto_detect = false,
    delim = ',', quote = '"', escape = '"',
    columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'ordered_at': 'TIMESTAMP',
               'amount': 'BIGINT', 'currency': 'VARCHAR', 'status': 'VARCHAR',
               'channel': 'VARCHAR'})),
f AS (SELECT customer_id, any_value(currency) AS cur, count(DISTINCT currency) AS ncur,
    date_diff('day', max(ordered_at)::DATE, DATE ${q(asOf)}) AS r, count(*) AS f,
    sum(amount) AS m
  FROM o WHERE customer_id IS NOT NULL AND status IN ('paid', 'pending')
    AND ordered_at < DATE ${q(asOf)} + INTERVAL 1 DAY
  GROUP BY customer_id),
s AS (SELECT cur, ncur, m,
    1 + (5 * (rank() OVER (ORDER BY r DESC) - 1)) // count(*) OVER () AS rs,
    1 + (5 * (rank() OVER (ORDER BY f) - 1)) // count(*) OVER () AS fs,
    1 + (5 * (rank() OVER (ORDER BY m) - 1)) // count(*) OVER () AS ms
  FROM f)
SELECT rs, fs, ms, count(*)::BIGINT AS n, sum(m)::BIGINT AS m, min(cur) AS lo, max(cur) AS hi,
  max(ncur)::BIGINT AS ncur
FROM s GROUP BY rs, fs, ms`;

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const rows = (await con.runAndReadAll(sql)).getRowObjects();

const count = grid.map(() => 0n), revenue = grid.map(() => 0n);
const currencies = new Set();
for (const row of rows) {
	const g = grid.findIndex(([, rlo, rhi, flo, fhi]) =>
		row.rs >= rlo && row.rs <= rhi && row.fs >= flo && row.fs <= fhi);
	count[g] += BigInt(row.n);
	revenue[g] += BigInt(row.m);
	currencies.add(row.lo).add(row.hi);
	if (row.ncur > 1n)
		currencies.add('(two)');
}
const cur = [...currencies][0] || '';
if (currencies.size > 1 || (cur && cur !== 'KRW')) {
	console.error(`segment_peer: the file holds ${[...currencies].join(', ')}: the peer reads KRW only`);
	process.exit(1);
}

// crm-segment's write_share(): tenths of a percent rounded half up
const share = (x, total) => {
	const t = total > 0n ? (2000n * x + total) / (2n * total) : 0n;
	return `${t / 10n}.${t % 10n}`;
};
const all = count.reduce((a, b) => a + b, 0n), total = revenue.reduce((a, b) => a + b, 0n);
const out = ['segment,customers,customers_pct,revenue,revenue_pct,currency'];
grid.forEach(([name], i) => out.push([name, count[i], share(count[i], all), revenue[i],
	share(revenue[i], total), cur].join(',')));
process.stdout.write(out.join('\n') + '\n');
