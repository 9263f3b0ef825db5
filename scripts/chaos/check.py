#!/usr/bin/env python3
"""The figures and verdicts of a `make chaos` or `make soak` run; exit 1 if a check fails.

    check.py chaos RESULTS EVENTS     RESULTS of load.py; EVENTS of chaos.sh (kills, restart)
    check.py soak RESULTS

Reads the database through psql (DATABASE_URL) and runs `debtflow job run data_quality
--force` (DEBTFLOW_BIN); the servers' logs in LOGS are searched for the request id of
any 5xx the API answered.

The checks:
- payments: the payments of the run in the database (found by the Idempotency-Key each
  carries in its metadata) are exactly the keys that got a 2xx — none lost, none
  doubled, none written for a refused key, each with the id its answer gave — and every
  key got a definitive answer;
- refunds: each payment's refunded amount and refund entries are the refunds acknowledged;
- plans: each plan proposed with a 2xx exists once, in the status its last 2xx step gave;
- ledger: every journal entry has at least two lines whose debits equal their credits,
  and every account's balance is its receivable lines;
- data quality: the `data_quality` job succeeds with no finding;
- imports: every acknowledged import completed, each of its rows placed exactly once;
- 5xx: none from the API outside the PostgreSQL restart window (chaos: the restart to
  PostgreSQL answering again, plus RESTART_GRACE seconds; soak: none at all);
- connection errors (refused, reset, timed out, or the proxy's 502/503/504): only in
  flight at a kill (up to KILL_GRACE s after it) or in the restart window (soak: none);
- soak only: RSS, PostgreSQL connections and p99 flat (see `flat()`).
"""

import glob
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal

RESTART_GRACE = 10.0  # s after PostgreSQL accepts connections again: HAProxy's 2 good checks, pools reconnecting
KILL_GRACE = 3.0      # s after a kill -9 in which requests in flight on that replica fail

failures = []


def psql(sql):
    cmd = [os.environ.get("PSQL", "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"]]
    out = subprocess.run([*cmd, "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def verdict(name, ok, detail):
    print(f"  [{'PASS' if ok else 'FAIL'}] {name}: {detail}")
    if not ok:
        failures.append(name)


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def overlaps(t0, t1, windows):
    return any(t0 <= b and t1 >= a for a, b in windows)


def read_events(path):
    kills, restarts = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "kill":
                kills.append({"replica": int(parts[1]), "at": float(parts[2]), "restarted": float(parts[3]),
                              "ready": float(parts[4]), "state": parts[5]})
            elif parts[0] == "pg_restart":
                restarts.append((float(parts[1]), float(parts[2])))
    return kills, restarts


def figures(r, kills, restarts):
    started = r["started"]
    rel = lambda t: t - started  # noqa: E731
    attempts = r["attempts"]
    print(f"\nRun {r['run']}: {r['stop_at'] - started:.0f} s of load, {r['clients']} clients paced to "
          f"{r['rate']:g} operations/s, the clients done after {r['finished'] - started:.0f} s; "
          f"{r['pay_accounts']} accounts taking payments, {r['plan_accounts']} cycling plans.")
    print("\nRequests (every HTTP attempt, retries included; `proxy 5xx`: HAProxy's own answer, no replica took the\n"
          "request to the end; `replayed`: a 2xx with Idempotent-Replayed: true, the saved answer of an earlier\n"
          "attempt whose answer was lost):\n")
    print(f"| {'kind':<13} | {'requests':>8} | {'2xx':>6} | {'4xx':>5} | {'5xx API':>7} | {'proxy 5xx':>9} "
          f"| {'conn err':>8} | {'timeouts':>8} | {'retries':>7} | {'replayed':>8} | {'p50 ms':>7} | {'p99 ms':>7} |")
    print(f"|{'-' * 15}|{'-' * 10}|{'-' * 8}|{'-' * 7}|{'-' * 9}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 9}"
          f"|{'-' * 10}|{'-' * 9}|{'-' * 9}|")
    by_kind = defaultdict(list)
    for a in attempts:
        by_kind[a[0]].append(a)
    order = ["payment", "refund", "plan_propose", "plan_submit", "plan_approve", "plan_cancel", "import", "job", "read"]
    for kind in [k for k in order if k in by_kind] + [k for k in by_kind if k not in order] + ["all"]:
        rows = attempts if kind == "all" else by_kind[kind]
        answered = [(t1 - t0) * 1000 for _, t0, t1, status, _, proxy, *_ in rows if status and not proxy]
        c = Counter()
        for _, _, _, status, error, proxy, retry, replayed in rows:
            c["retries"] += bool(retry)
            c["replayed"] += bool(replayed)
            if error:
                c[error] += 1
            elif proxy:
                c["proxy"] += 1
            else:
                c[f"{status // 100}xx"] += 1
        print(f"| {kind:<13} | {len(rows):>8} | {c['2xx']:>6} | {c['4xx']:>5} | {c['5xx']:>7} | {c['proxy']:>9} "
              f"| {c['conn']:>8} | {c['timeout']:>8} | {c['retries']:>7} | {c['replayed']:>8} | {pct(answered, .5):>7.1f} "
              f"| {pct(answered, .99):>7.1f} |")
    ops = lambda rows: dict(Counter(x["outcome"] for x in rows))  # noqa: E731
    cycles = Counter(p["steps"][-1][0] + ("" if p["steps"][-1][2] == "ok" else f" {p['steps'][-1][2]}")
                     for p in r["plans"])  # the last step taken, and how it ended unless ok
    print(f"\nOperations: payments {ops(r['payments'])}; refunds {ops(r['refunds'])}; imports {ops(r['imports'])}; "
          f"plans (last step reached) {dict(cycles)}; job runs {dict(Counter(s for j in r['jobs'] for s in j['runs']))}"
          f" ({len(r['jobs'])} requests)")
    refused = [(kind, x.get("status"), x.get("detail")) for kind in ("payments", "refunds", "plans", "imports")
               for x in r[kind] if x.get("outcome", "ok") != "ok" or x.get("detail")]
    for kind, status, detail in refused[:10]:
        print(f"  not ok: {kind} {status}: {detail}")
    if kills is not None:
        print(f"\nKills: {len(kills)} (kill -9, {sum(k['state'] == 'busy' for k in kills)} of them with a request in "
              f"flight; restarted 2 s later): " + ", ".join(
                  f"r{k['replica']} at {rel(k['at']):.1f} s ({k['state']}; ready again {k['ready'] - k['at']:.1f} s "
                  f"later)" for k in kills))
        for a, b in restarts:
            print(f"PostgreSQL restart (pg_ctl restart -m fast): {rel(a):.1f} s → accepting again at {rel(b):.1f} s "
                  f"({b - a:.1f} s); the window allowed for 5xx and connection errors is {rel(a):.1f}–"
                  f"{rel(b) + RESTART_GRACE:.1f} s")


def check_payments(r):
    keys_ok = {p["key"]: p for p in r["payments"] if p["outcome"] == "ok"}
    undecided = [p for p in r["payments"] if p["outcome"] == "undecided"]
    rows = psql(f"SELECT metadata->>'chaos_key', id FROM payments WHERE metadata->>'chaos_run' = '{r['run']}'")
    in_db = defaultdict(list)
    for key, pid in rows:
        in_db[key].append(pid)
    lost = [k for k in keys_ok if k not in in_db]
    doubled = {k: v for k, v in in_db.items() if len(v) > 1}
    phantom = [k for k in in_db if k not in keys_ok]
    wrong_id = [k for k, p in keys_ok.items() if k in in_db and p["payment_id"] not in in_db[k]]
    ok = len(rows) == len(keys_ok) and not (lost or doubled or phantom or wrong_id or undecided)
    verdict("payments: in the database = keys answered 2xx", ok,
            f"{len(rows)} payments in the database, {len(keys_ok)} distinct keys answered 2xx; lost {len(lost)}, "
            f"doubled {len(doubled)}, written for a refused or undecided key {len(phantom)}, wrong id "
            f"{len(wrong_id)}, keys without a definitive answer {len(undecided)}")
    for name, items in (("lost", lost), ("doubled", list(doubled.items())), ("phantom", phantom),
                        ("wrong id", wrong_id), ("undecided", [(p["key"], p["status"], p["error"]) for p in undecided])):
        for item in items[:10]:
            print(f"         {name}: {item}")


def check_refunds(r):
    acked = defaultdict(lambda: [Decimal(0), 0])
    for x in r["refunds"]:
        if x["outcome"] == "ok":
            acked[x["payment_id"]][0] += Decimal(x["amount"])
            acked[x["payment_id"]][1] += 1
    undecided = sum(x["outcome"] == "undecided" for x in r["refunds"])
    rows = psql(f"""SELECT p.id, p.refunded_amount,
                           (SELECT count(*) FROM journal_entries e WHERE e.agency_id = p.agency_id
                              AND e.payment_id = p.id AND e.kind = 'refund')
                    FROM payments p WHERE p.metadata->>'chaos_run' = '{r['run']}' AND p.refunded_amount > 0""")
    db = {pid: (Decimal(amount), int(n)) for pid, amount, n in rows}
    wrong = [(pid, str(acked[pid][0]), acked[pid][1], str(db.get(pid, (0, 0))[0]), db.get(pid, (0, 0))[1])
             for pid in set(acked) | set(db)
             if db.get(pid, (Decimal(0), 0)) != (acked[pid][0], acked[pid][1])]
    verdict("refunds: refunded amounts and entries = refunds answered 2xx", not wrong and not undecided,
            f"{sum(n for _, n in acked.values())} refunds answered 2xx on {len(acked)} payments, "
            f"{sum(n for _, n in db.values())} refund entries in the database; payments that differ {len(wrong)}, "
            f"refunds without a definitive answer {undecided}")
    for w in wrong[:10]:
        print(f"         payment {w[0]}: acknowledged {w[1]} in {w[2]} refunds, database {w[3]} in {w[4]} entries")


def check_plans(r):
    """Each plan proposed with a 2xx exists once, in the status its last 2xx step gave it."""
    after = {"propose": "draft", "submit": "pending_approval", "approve": "active", "cancel": "cancelled"}
    expected = {}
    undecided = 0
    for cycle in r["plans"]:
        done = [step for step, _, outcome in cycle["steps"] if outcome == "ok"]
        undecided += any(outcome == "undecided" for _, _, outcome in cycle["steps"])
        if cycle["plan_id"]:
            expected[cycle["plan_id"]] = after[done[-1]]
    in_db = dict(psql(f"SELECT id, status FROM plans WHERE note = 'chaos {r['run']}'"))
    wrong = {p: (status, in_db.get(p)) for p, status in expected.items() if in_db.get(p) != status}
    extra = [p for p in in_db if p not in expected]
    verdict("plans: each proposal answered 2xx exists once, in the status of its last 2xx step",
            not (wrong or extra or undecided),
            f"{len(expected)} plans proposed, {len(in_db)} in the database; in another status {len(wrong)}, "
            f"not acknowledged {len(extra)}, steps without a definitive answer {undecided}")
    for plan, (want, got) in list(wrong.items())[:10]:
        print(f"         plan {plan}: expected {want}, database {got}")


def check_ledger():
    unbalanced = psql("""
        SELECT count(*) FROM (
          SELECT e.id FROM journal_entries e
          LEFT JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
          GROUP BY e.agency_id, e.id
          HAVING count(l.line_no) < 2 OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)) x""")[0][0]
    entries = psql("SELECT count(*) FROM journal_entries")[0][0]
    off = psql("""
        SELECT count(*) FROM accounts a
        LEFT JOIN (SELECT e.agency_id, e.account_id, sum(l.debit - l.credit) AS receivable
                   FROM journal_entries e JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
                   WHERE l.ledger_account = 'receivable' GROUP BY 1, 2) r
          ON r.agency_id = a.agency_id AND r.account_id = a.id
        WHERE a.current_balance <> coalesce(r.receivable, 0)""")[0][0]
    verdict("ledger balances", unbalanced == "0" and off == "0",
            f"{entries} journal entries, {unbalanced} unbalanced (or with fewer than 2 lines); "
            f"{off} accounts whose balance differs from their receivable lines")


def check_data_quality():
    out = subprocess.run([os.environ["DEBTFLOW_BIN"], "job", "run", "data_quality", "--force"],
                         capture_output=True, text=True, env={**os.environ, "RUST_LOG": "warn"})
    runs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    findings = sum(run.get("findings", 0) for run in runs)
    statuses = Counter(run.get("status") for run in runs)
    ok = out.returncode == 0 and bool(runs) and findings == 0 and set(statuses) == {"succeeded"}
    verdict("data_quality job finds nothing", ok,
            f"exit {out.returncode}, {len(runs)} runs {dict(statuses)}, {findings} findings")
    if not ok:
        print("         " + (out.stdout + out.stderr).strip().replace("\n", "\n         "))
    if findings:
        for row in psql("SELECT f.check_name, f.entity_type, f.entity_id, f.detail FROM data_quality_findings f "
                        "JOIN job_runs j ON j.id = f.run_id ORDER BY j.started_at DESC LIMIT 10"):
            print(f"         finding: {row}")


def check_imports(r):
    acked = [i for i in r["imports"] if i["outcome"] == "ok"]
    undecided = sum(i["outcome"] == "undecided" for i in r["imports"])
    ids = sorted({i["import_id"] for i in acked})
    deadline = time.time() + 90
    while True:  # the replicas' workers finish what is queued (or resume what a killed one left)
        states = dict(psql(f"SELECT id, status FROM imports WHERE id::text IN ({','.join(repr(x) for x in ids)})")
                      ) if ids else {}
        if all(states.get(i) in ("completed", "completed_with_errors", "failed") for i in ids) \
                or time.time() > deadline:
            break
        time.sleep(1)
    placed = dict(psql(f"SELECT external_ref, count(*) FROM accounts WHERE external_ref LIKE 'CHAOS-{r['run']}-%' "
                       f"GROUP BY 1"))
    expected = {ref for i in acked for ref in i["refs"]}
    missing = expected - set(placed)
    extra = set(placed) - expected
    twice = [ref for ref, n in placed.items() if n != "1"]
    not_done = {i: s for i, s in states.items() if s != "completed"} | {i: None for i in ids if i not in states}
    verdict("imports: every acknowledged file completed, each row placed once",
            not (missing or extra or twice or not_done or undecided),
            f"{len(acked)} uploads acknowledged ({len(ids)} imports), {len(expected)} rows; placed {len(placed)}, "
            f"missing {len(missing)}, unexpected {len(extra)}, twice {len(twice)}, imports not completed "
            f"{len(not_done)}{' ' + str(dict(Counter(not_done.values()))) if not_done else ''}, uploads without a definitive "
            f"answer {undecided}")


def find_in_logs(request_id):
    logs = os.environ.get("LOGS", "")
    if not request_id or not logs:
        return []
    files = sorted(glob.glob(os.path.join(logs, "replica-*.log")))
    out = subprocess.run(["grep", "-h", "--", request_id, *files], capture_output=True, text=True).stdout
    return out.splitlines()[:5]


def check_errors(r, kills, restarts, mode):
    started = r["started"]
    windows = [(a, b + RESTART_GRACE) for a, b in restarts]
    kill_windows = [(k["at"], k["at"] + KILL_GRACE) for k in kills]
    outside = [e for e in r["server_errors"] if not overlaps(e["started"], e["ended"], windows)]
    inside = len(r["server_errors"]) - len(outside)
    verdict("no 5xx from the API outside the PostgreSQL restart window" if mode == "chaos" else "no 5xx from the API",
            not outside, f"{inside} inside the window, {len(outside)} outside" if mode == "chaos" else f"{len(outside)}")
    for e in outside[:10]:
        print(f"         at {e['started'] - started:.2f} s: {e['method']} {e['path']} → {e['status']} "
              f"(request id {e['request_id']}): {e['body']}")
        for line in find_in_logs(e["request_id"]):
            print(f"           log: {line[:600]}")
    conn = [(kind, t0, t1, status, error) for kind, t0, t1, status, error, proxy, *_ in r["attempts"]
            if error or proxy]
    at_kill = [c for c in conn if overlaps(c[1], c[2], kill_windows)]
    in_restart = [c for c in conn if not overlaps(c[1], c[2], kill_windows) and overlaps(c[1], c[2], windows)]
    elsewhere = [c for c in conn if not overlaps(c[1], c[2], kill_windows + windows)]
    if mode == "chaos":
        verdict("connection errors only at a kill or in the restart window", not elsewhere,
                f"{len(conn)} retried by the clients: {len(at_kill)} in flight at a kill, {len(in_restart)} in the "
                f"restart window, {len(elsewhere)} elsewhere")
    else:
        verdict("no connection error", not conn, f"{len(conn)}")
    for kind, t0, t1, status, error in elsewhere[:10]:
        print(f"         {kind} at {t0 - started:.2f}–{t1 - started:.2f} s: {error or f'proxy {status}'}")


def flat(samples):
    """Soak: the last sample against the second (the first is warm-up):
    RSS of each server   last <= second x 1.20 + 10 MB
    PG connections       last <= second + 2 (each pool is bounded by DATABASE_MAX_CONNECTIONS anyway)
    open descriptors     last <= second + 20 per server
    p99 latency          last <= second x 1.5 + 10 ms"""
    if len(samples) < 2:
        verdict("flat over the run", False, f"{len(samples)} samples; at least 2 are needed")
        return
    second, last = samples[1], samples[-1]
    rss = all(b <= a * 1.2 + 10 for a, b in zip(second["rss_mb"], last["rss_mb"]))
    verdict("RSS flat (last ≤ second × 1.2 + 10 MB, each server)", rss,
            f"second {', '.join(f'{x:.1f}' for x in second['rss_mb'])} MB, "
            f"last {', '.join(f'{x:.1f}' for x in last['rss_mb'])} MB")
    verdict("PostgreSQL connections flat (last ≤ second + 2)",
            last["pg_connections"] <= second["pg_connections"] + 2,
            f"second {second['pg_connections']}, last {last['pg_connections']}")
    verdict("open file descriptors flat (last ≤ second + 20, each server)",
            all(b <= a + 20 for a, b in zip(second["fds"], last["fds"])), f"second {second['fds']}, last {last['fds']}")
    p2, pl = second["p99_ms"], last["p99_ms"]
    verdict("p99 flat (last ≤ second × 1.5 + 10 ms)", p2 is not None and pl is not None and pl <= p2 * 1.5 + 10,
            f"second {p2 and round(p2, 1)} ms, last {pl and round(pl, 1)} ms")


def main():
    mode, results = sys.argv[1], sys.argv[2]
    with open(results) as f:
        r = json.load(f)
    kills, restarts = read_events(sys.argv[3]) if mode == "chaos" else ([], [])
    figures(r, kills if mode == "chaos" else None, restarts)
    if mode == "soak":
        print(f"\nEvery {r['samples'][0]['at'] if r['samples'] else '?'} s:\n")
        print("| at s | RSS MB (each server) | open fds (each) | PG connections | requests | p99 ms |")
        print("|---|---|---|---|---|---|")
        for s in r["samples"]:
            print(f"| {s['at']} | {' '.join(f'{x:.1f}' for x in s['rss_mb'])} | {' '.join(map(str, s['fds']))} "
                  f"| {s['pg_connections']} | {s['requests']} | {s['p99_ms'] and round(s['p99_ms'], 1)} |")
    print("\nChecks:")
    check_payments(r)
    check_refunds(r)
    check_plans(r)
    check_ledger()
    check_data_quality()
    check_imports(r)
    check_errors(r, kills, restarts, mode)
    if mode == "soak":
        print("\n  " + "\n  ".join(line.strip() for line in flat.__doc__.splitlines()))
        if len(r["samples"]) == 2:
            print("  (two samples only: the second is the last, so the comparison is trivially flat)")
        flat(r["samples"])
    print(f"\n{mode}: " + ("all checks passed" if not failures else f"FAILED: {', '.join(failures)}"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
