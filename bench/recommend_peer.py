#!/usr/bin/env python3
"""The peer of `crm-recommend --method cosine` in make bench: the same
item-to-item cosine recommendations with SciPy sparse matrices.

  recommend_peer.py recommend DB END [--top N] [--active-days D] > peer.csv
  recommend_peer.py compare CRM_CSV PEER_CSV

recommend: END is the window's end, an instant as the database stores times
(YYYY-MM-DDTHH:MM:SSZ, exclusive).  Reads the crm database with Python's
sqlite3 and applies the liking rules of crm-recommend(1):
  - lines of 'paid' orders before END; an empty SKU, an SKU without a digit
    and a line with unit_price <= 0 are not products;
  - a line with a negative quantity, or any line of an order with a negative
    amount, is a return; a (customer, SKU) whose returned quantity is at
    least what was bought is not liked; a guest's return drops nothing;
  - each guest order (no customer) is a buyer of its own;
  - products are indexed by SKU in byte order; a product is active when its
    latest liked line is less than D days before END.
Then, as the man page defines cosine: X = buyers x products, 1 where liked;
S = X'X scaled to c_ij / sqrt(n_i n_j), zero diagonal; the scores of
customer c = X_c S; the products c bought and inactive ones masked; the top
N by score, then SKU.  Writes customer_id,rank,sku,score (score with 17
significant digits), customers in id order.

compare: the outputs agree when every customer has the same number of rows
and, rank by rank, the same SKU with a score within 1e-9 relative (or, when
CRM_CSV prints fewer decimals, within half a unit of the last one printed).  Scores
that tie in exact arithmetic may come out of two summation orders a rounding
apart, so a run of scores equal within 1e-9 counts as one tie: inside a tie
both sides must list the same SKUs (in SKU order, compared as sets), and a
tie cut by the top N only needs equal scores.  Prints the counts; exit 1 on
any difference.
"""
import csv
import sqlite3
import sys
import time


LIKED_SQL = """
SELECT o.customer_id, CASE WHEN o.customer_id IS NULL THEN o.order_id END, i.sku,
  sum(CASE WHEN i.quantity > 0 AND o.amount >= 0 THEN i.quantity ELSE 0 END),
  sum(CASE WHEN i.quantity < 0 OR o.amount < 0 THEN abs(i.quantity) ELSE 0 END),
  max(CASE WHEN i.quantity > 0 AND o.amount >= 0 THEN o.ordered_at END)
FROM orders o JOIN order_items i ON i.order_id = o.order_id
WHERE o.status = 'paid' AND o.ordered_at < ? AND i.unit_price > 0
  AND i.sku GLOB '*[0-9]*'
GROUP BY 1, 2, 3"""


def load(db, end, active_days):
    """The liked (buyer, product) pairs: customers (id order) first, then
    guest orders; products in SKU byte order; which are active."""
    import numpy as np
    from datetime import datetime, timedelta, timezone

    con = sqlite3.connect(db)
    liked = []          # (customer or None, guest order or None, sku, last)
    for cust, guest, sku, bought, returned, last in con.execute(LIKED_SQL, (end,)):
        # a guest's return is no one's
        if bought > 0 and (cust is None or bought > returned):
            liked.append((cust, guest, sku, last))
    con.close()
    skus = sorted({x[2] for x in liked}, key=lambda s: s.encode())
    pidx = {s: j for j, s in enumerate(skus)}
    custs = sorted({x[0] for x in liked if x[0] is not None}, key=lambda s: s.encode())
    guests = sorted({x[1] for x in liked if x[0] is None})
    bidx = {b: i for i, b in enumerate(custs)}
    bidx.update({("g", g): len(custs) + i for i, g in enumerate(guests)})
    r = np.fromiter((bidx[x[0]] if x[0] is not None else bidx[("g", x[1])] for x in liked),
                    dtype=np.int32, count=len(liked))
    c = np.fromiter((pidx[x[2]] for x in liked), dtype=np.int32, count=len(liked))
    lastsold = [""] * len(skus)
    for x, j in zip(liked, c.tolist()):
        if x[3] > lastsold[j]:
            lastsold[j] = x[3]
    t_end = datetime.strptime(end, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    since = (t_end - timedelta(days=active_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    active = np.array([ls >= since for ls in lastsold], dtype=bool)
    return custs, len(bidx), skus, r, c, active


def candidates(R, rid, top):
    """A mask of the entries of R (CSR, no zeros) that can be in their row's
    top: per row, all at or above a threshold that at least top[row] of
    them reach (all of a shorter row), found by quartering from half the
    row's maximum."""
    import numpy as np

    cnt = np.diff(R.indptr)
    nz = cnt > 0
    starts = R.indptr[:-1][nz]
    thr = np.full(len(cnt), -np.inf)
    long_ = cnt > top
    rmax = np.zeros(len(cnt))
    if nz.any():
        rmax[nz] = np.maximum.reduceat(R.data, starts)
    thr[long_] = rmax[long_] / 2
    while True:
        ok = R.data >= thr[rid]
        got = np.zeros(len(cnt), dtype=np.int64)
        if nz.any():
            got[nz] = np.add.reduceat(ok.astype(np.int64), starts)
        short = (got < top) & long_
        if not short.any():
            return ok
        thr[short] /= 4


def recommend(db, end, top, active_days, out):
    import numpy as np
    import scipy.sparse as sp

    custs, nbuyer, skus, r, c, active = load(db, end, active_days)
    nprod = len(skus)
    X = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(nbuyer, nprod))
    n = np.asarray(X.sum(axis=0)).ravel()
    C = (X.T @ X).tocsr()
    C.setdiag(0)
    C.eliminate_zeros()
    # c_ij / sqrt(n_i n_j), as the C code divides
    rows = np.repeat(np.arange(nprod), np.diff(C.indptr))
    C.data = C.data / np.sqrt(n[rows] * n[C.indices])
    # only the active products can be recommended
    act = np.flatnonzero(active)
    nact = len(act)
    inv = np.full(nprod, -1, dtype=np.int64)    # product -> its active column
    inv[act] = np.arange(nact)
    S = C[:, act].tocsr()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["customer_id", "rank", "sku", "score"])
    block = 10000
    for lo in range(0, len(custs), block):
        hi = min(lo + block, len(custs))
        Xc = X[lo:hi]
        R = (Xc @ S).tocsr()
        R.eliminate_zeros()
        rid = np.repeat(np.arange(hi - lo), np.diff(R.indptr))
        # the products a customer bought are dropped after the cut: each
        # row's cut keeps `top` more than the row has bought ones
        nb = np.diff(Xc.indptr)
        keep = candidates(R, rid, top + nb)
        rid, col, val = rid[keep], R.indices[keep], R.data[keep]
        bcol = inv[Xc.indices]
        bkey = (np.repeat(np.arange(hi - lo, dtype=np.int64), nb) * nact + bcol)[bcol >= 0]
        keep = ~np.isin(rid.astype(np.int64) * nact + col, bkey)
        rid, col, val = rid[keep], act[col[keep]], val[keep]
        order = np.lexsort((col, -val, rid))
        rid, col, val = rid[order], col[order], val[order]
        first = np.searchsorted(rid, np.arange(hi - lo))
        rank = np.arange(len(rid)) - first[rid]
        sel = rank < top
        for a, j, v, k in zip(rid[sel].tolist(), col[sel].tolist(), val[sel].tolist(),
                              rank[sel].tolist()):
            w.writerow([custs[lo + a], k + 1, skus[j], "%.17g" % v])


def printed_tol(text):
    """Half a unit of the last decimal a score was printed with (0 when it
    has an exponent or 17 significant digits: then 1e-9 relative rules)."""
    if "e" in text or "E" in text or "." not in text:
        return 0.0
    d = len(text) - text.index(".") - 1
    return 0.5 * 10.0 ** -d if d < 12 else 0.0


def read_lists(path):
    lists = {}
    with open(path, newline="") as f:
        rd = csv.DictReader(f)
        for row in rd:
            lists.setdefault(row["customer_id"], []).append(
                (int(row["rank"]), row["sku"], float(row["score"]), printed_tol(row["score"])))
    for v in lists.values():
        v.sort()
    return lists


def close(x, y):
    """Scores x and y (rows of read_lists) equal within 1e-9 relative, or
    within what the coarser of them was printed to."""
    a, b = x[2], y[2]
    return abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), x[3], y[3])


def ties(lst):
    """The list as runs of near-equal scores: [(set of SKUs, first row)]."""
    runs = []
    for row in lst:
        if runs and close(runs[-1][1], row):
            runs[-1][0].add(row[1])
        else:
            runs.append(({row[1]}, row))
    return runs


def compare(crm_path, peer_path):
    a, b = read_lists(crm_path), read_lists(peer_path)
    diff, reordered, rows = [], 0, 0
    for cust in sorted(set(a) | set(b)):
        la, lb = a.get(cust, []), b.get(cust, [])
        rows += len(la)
        if len(la) != len(lb):
            diff.append("%s: %d rows, the peer %d" % (cust, len(la), len(lb)))
            continue
        if any(not close(x, y) for x, y in zip(la, lb)):
            diff.append("%s: scores differ: %s / %s" % (cust, la, lb))
            continue
        if [x[1] for x in la] == [y[1] for y in lb]:
            continue
        ta, tb = ties(la), ties(lb)
        if len(ta) != len(tb) or any(x[0] != y[0] for x, y in zip(ta[:-1], tb[:-1])):
            diff.append("%s: SKUs differ: %s / %s" % (cust, la, lb))
        else:
            reordered += 1
    tol = max([r[3] for v in a.values() for r in v] or [0.0])
    print("compared %d customers, %d rows: %d differ, %d only inside a tie; scores within %s"
          % (len(set(a) | set(b)), rows, len(diff), reordered,
             "%g (as printed)" % tol if tol else "1e-9 relative"))
    for d in diff[:5]:
        print("  " + d)
    return 1 if diff else 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "recommend":
        top, active = 10, 90
        rest = argv[3:]
        while rest:
            if rest[0] == "--top":
                top = int(rest[1])
            elif rest[0] == "--active-days":
                active = int(rest[1])
            else:
                break
            rest = rest[2:]
        if not rest:
            t0 = time.time()
            recommend(argv[1], argv[2], top, active, sys.stdout)
            sys.stdout.flush()
            print("recommend_peer: %.2f s" % (time.time() - t0), file=sys.stderr)
            return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
