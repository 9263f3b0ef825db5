#!/usr/bin/env python3
"""The clients of `make chaos` and `make soak`: a steady mix of DebtFlow's writes through
the load balancer, every HTTP attempt recorded.

    load.py --base URL --secs N --rate OPS_PER_S --clients N --out results.json
            [--sample-secs S --pids PID,PID]   (soak: a sample of the servers every S s)

Operations, picked at random by weight, paced to --rate in all: a payment; a partial
refund of a payment this run recorded; a plan's life on a NEGOTIATING account (propose,
submit, approve, cancel: four requests); a small CSV import; a daily job run; a read.

Every POST that moves money or a plan carries its own Idempotency-Key and is retried
with the same key and body until a definitive answer — a 2xx, or a 4xx other than 409
`request-in-progress` and 429 — on connection errors, timeouts, the proxy's own errors
(`X-Proxy-Error`) and 5xx; an import is retried with the same file (a 409
`duplicate-import` then names the import the lost answer created). After --secs the
clients finish what they started, then results.json holds the attempts, the outcome of
every operation and the samples. Python 3.11 standard library only; the database is
read through psql (DATABASE_URL).
"""

import argparse
import datetime
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid

AGENCY = "Demo Recovery Agency"
GIVE_UP_SECS = 180  # an operation still without a definitive answer then is "undecided"


def psql(sql):
    cmd = [os.environ.get("PSQL", "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"]]
    out = subprocess.run([*cmd, "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


class Answer:
    def __init__(self, status=None, body=b"", headers=None, error=None):
        self.status, self.body, self.headers, self.error = status, body, headers or {}, error
        self.proxy = self.headers.get("x-proxy-error") == "1"

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return {}

    @property
    def transient(self):
        """Not an answer to the request: retry it as it was."""
        if self.error or self.proxy or self.status >= 500 or self.status == 429:
            return True
        return self.status == 409 and self.json().get("type", "").endswith(":request-in-progress")


class Recorder:
    """Every attempt: (kind, started, ended, status, error, proxy error, retry, replayed)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = []
        self.server_errors = []  # the API's own 5xx answers, whole

    def add(self, kind, t0, t1, answer, retry, method, path):
        rid = answer.headers.get("x-request-id")
        with self.lock:
            replayed = answer.headers.get("idempotent-replayed") == "true"
            self.attempts.append((kind, t0, t1, answer.status, answer.error, answer.proxy, retry, replayed))
            if answer.status and answer.status >= 500 and not answer.proxy:
                self.server_errors.append({"kind": kind, "started": t0, "ended": t1, "method": method, "path": path,
                                           "status": answer.status, "request_id": rid,
                                           "body": answer.body.decode("utf-8", "replace")[:2000]})


class Client:
    """One keep-alive connection to the load balancer, reopened after any error."""

    def __init__(self, host, port, recorder, timeout):
        self.host, self.port, self.recorder, self.timeout = host, port, recorder, timeout
        self.conn = None

    def attempt(self, kind, method, path, token=None, body=None, headers=None, retry=False):
        hdrs = {"accept": "application/json"}
        if token:
            hdrs["authorization"] = f"Bearer {token}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs["content-type"] = "application/json"
        hdrs.update(headers or {})
        t0 = time.time()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            answer = Answer(resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()})
            if answer.headers.get("connection", "").lower() == "close":
                self.close()
        except TimeoutError:
            answer = Answer(error="timeout")
            self.close()
        except (OSError, http.client.HTTPException):
            answer = Answer(error="conn")
            self.close()
        self.recorder.add(kind, t0, time.time(), answer, retry, method, path)
        return answer

    def until_definitive(self, kind, method, path, token=None, body=None, headers=None):
        """The same request again, after a short pause, until it is answered."""
        give_up = time.time() + GIVE_UP_SECS
        pause, retry = 0.1, False
        while True:
            answer = self.attempt(kind, method, path, token, body, headers, retry)
            if not answer.transient or time.time() > give_up:
                return answer
            time.sleep(pause)
            pause, retry = min(pause * 2, 2.0), True

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Mix:
    """The shared state of the clients: who they are, what they work on, what happened."""

    def __init__(self, args):
        self.args = args
        self.run = args.run or uuid.uuid4().hex[:8]
        self.recorder = Recorder()
        self.lock = threading.Lock()
        self.payments, self.refunds, self.plans, self.imports, self.jobs = [], [], [], [], []
        self.refundable = []  # [payment_id, amount left to refund], payments this run recorded
        self.import_seq = 0
        self.job_seq = 0
        host, port = args.base.removeprefix("http://").rstrip("/").split(":")
        self.host, self.port = host, int(port)
        agency = psql(f"SELECT id, (now() AT TIME ZONE time_zone)::date FROM agencies WHERE name = '{AGENCY}'")[0]
        self.agency_id, self.today = agency[0], agency[1]
        # Payments go to worked accounts far from zero; plans live on NEGOTIATING ones
        # without a plan in flight. The two sets do not overlap.
        self.plan_accounts = [r[0] for r in psql(f"""
            SELECT a.id FROM accounts a WHERE a.agency_id = '{self.agency_id}' AND a.status = 'negotiating'
              AND a.current_balance >= 500
              AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.agency_id = a.agency_id AND p.account_id = a.id
                              AND p.status IN ('active', 'pending_approval'))
            ORDER BY a.id""")]
        self.pay_accounts = [r[0] for r in psql(f"""
            SELECT id FROM accounts WHERE agency_id = '{self.agency_id}' AND status IN ('assigned', 'in_contact')
              AND current_balance >= 500 ORDER BY id""")]
        if not self.pay_accounts or not self.plan_accounts:
            sys.exit(f"load: the demo has {len(self.pay_accounts)} payable and {len(self.plan_accounts)} plannable accounts")
        self.free_plan_accounts = list(self.plan_accounts)
        setup = Client(self.host, self.port, self.recorder, args.timeout)
        self.manager = self.login(setup, "demo.manager", "Manager@2026")
        self.admin = self.login(setup, "demo.admin", "Demo@2026")
        self.recorder.attempts.clear()

    @staticmethod
    def login(client, username, password):
        answer = client.until_definitive("login", "POST", "/api/v1/auth/token",
                                         body={"username": username, "password": password})
        if answer.status != 200:
            sys.exit(f"load: login of {username}: {answer.status} {answer.body[:300]!r}")
        return answer.json()["access"]

    # --- the operations -----------------------------------------------------------

    def key(self, what):
        return f"chaos-{self.run}-{what}-{uuid.uuid4()}"

    def idempotent(self, client, kind, path, body):
        key = self.key(kind)
        answer = client.until_definitive(kind, "POST", path, self.manager, body, {"idempotency-key": key})
        outcome = "undecided" if answer.transient else "ok" if answer.status < 300 else "refused"
        return key, answer, outcome

    def payment(self, client):
        account = random.choice(self.pay_accounts)
        amount = f"{random.randint(10, 199) / 100:.2f}"
        key = self.key("payment")
        body = {"account_id": account, "amount": amount, "method": random.choice(["cash", "check", "bank_transfer"]),
                "paid_on": self.today, "metadata": {"chaos_run": self.run, "chaos_key": key}}
        answer = client.until_definitive("payment", "POST", "/api/v1/payments", self.manager, body,
                                         {"idempotency-key": key})
        outcome = "undecided" if answer.transient else "ok" if answer.status < 300 else "refused"
        payment = answer.json() if outcome == "ok" else {}
        with self.lock:
            self.payments.append({"key": key, "account_id": account, "amount": amount, "outcome": outcome,
                                  "status": answer.status, "error": answer.error, "payment_id": payment.get("id"),
                                  "payment_status": payment.get("status"),
                                  "detail": None if outcome == "ok" else answer.body.decode("utf-8", "replace")[:500]})
            if payment.get("status") == "completed":
                self.refundable.append([payment["id"], int(round(float(amount) * 100))])

    def refund(self, client):
        with self.lock:
            if not self.refundable:
                pick = None
            else:
                pick = self.refundable.pop(random.randrange(len(self.refundable)))
        if pick is None:
            return self.payment(client)
        payment_id, left = pick
        cents = min(left, random.randint(5, 50))
        amount = f"{cents / 100:.2f}"
        key, answer, outcome = self.idempotent(client, "refund", f"/api/v1/payments/{payment_id}/refund",
                                               {"amount": amount, "reason": "chaos: partial refund"})
        with self.lock:
            self.refunds.append({"key": key, "payment_id": payment_id, "amount": amount, "outcome": outcome,
                                 "status": answer.status,
                                 "detail": None if outcome == "ok" else answer.body.decode("utf-8", "replace")[:500]})
            left -= cents if outcome == "ok" else 0
            if left > 0 and outcome != "undecided":
                self.refundable.append([payment_id, left])

    def plan(self, client):
        with self.lock:
            account = self.free_plan_accounts.pop(random.randrange(len(self.free_plan_accounts))) \
                if self.free_plan_accounts else None
        if account is None:
            return self.payment(client)
        first_due = (datetime.date.fromisoformat(self.today) + datetime.timedelta(days=14)).isoformat()
        terms = {"total": "300.00", "installments": 3, "frequency": "monthly", "first_due_date": first_due,
                 "note": f"chaos {self.run}"}  # how check.py finds the run's plans
        steps = []
        _, answer, outcome = self.idempotent(client, "plan_propose", f"/api/v1/accounts/{account}/plans", terms)
        steps.append(("propose", answer.status, outcome))
        plan_id = answer.json().get("id") if outcome == "ok" else None
        if plan_id:
            for step, body in (("submit", {}), ("approve", {}), ("cancel", {"reason": "chaos: cycle the account"})):
                _, answer, outcome = self.idempotent(client, f"plan_{step}", f"/api/v1/plans/{plan_id}/{step}", body)
                steps.append((step, answer.status, outcome))
                if outcome != "ok":
                    break
        detail = None if outcome == "ok" else answer.body.decode("utf-8", "replace")[:500]
        with self.lock:
            self.plans.append({"account_id": account, "plan_id": plan_id, "steps": steps, "detail": detail})
            # An account whose plan did not end cancelled stays out of the rotation.
            if steps[-1][0] == "cancel" and steps[-1][2] == "ok":
                self.free_plan_accounts.append(account)

    def import_(self, client):
        with self.lock:
            self.import_seq += 1
            seq = self.import_seq
        rows = random.randint(3, 8)
        refs = [f"CHAOS-{self.run}-{seq}-{i}" for i in range(rows)]
        lines = ["external_ref,creditor,original_balance,currency,delinquency_date,debtor_name,priority"]
        for i, ref in enumerate(refs):
            lines.append(f"{ref},Chaos Bank,{random.randint(100, 5000)}.00,USD,2026-01-15,Chaos Debtor {seq}-{i},1")
        csv = ("\n".join(lines) + "\n").encode()
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"chaos-{seq}.csv\"\r\n"
                f"content-type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{boundary}--\r\n".encode()
        answer = client.until_definitive("import", "POST", "/api/v1/imports", self.admin, body,
                                         {"content-type": f"multipart/form-data; boundary={boundary}"})
        problem = answer.json()
        if answer.transient:
            outcome, import_id = "undecided", None
        elif answer.status == 202:
            outcome, import_id = "ok", problem.get("id")
        elif answer.status == 409 and problem.get("type", "").endswith(":duplicate-import"):
            outcome, import_id = "ok", problem.get("existing_id")  # a retry of an upload whose answer was lost
        else:
            outcome, import_id = "refused", None
        with self.lock:
            self.imports.append({"seq": seq, "refs": refs, "outcome": outcome, "status": answer.status,
                                 "import_id": import_id,
                                 "detail": None if outcome == "ok" else answer.body.decode("utf-8", "replace")[:500]})

    JOBS = ("dpd_aging", "promise_evaluation", "stale_account_escalation", "installment_reminders",
            "overdue_default_scan", "next_hearing_rollup", "milestone_overdue_scan")

    def job(self, client):
        with self.lock:
            name = self.JOBS[self.job_seq % len(self.JOBS)]
            self.job_seq += 1
        answer = client.until_definitive("job", "POST", f"/api/v1/jobs/{name}/run", self.admin)
        runs = answer.json().get("runs", []) if answer.status == 200 else []
        with self.lock:
            self.jobs.append({"job": name, "status": answer.status, "runs": [r.get("status") for r in runs]})

    def read(self, client):
        if random.random() < 0.5:
            client.until_definitive("read", "GET", "/api/v1/accounts?limit=20", self.manager)
        else:
            client.until_definitive("read", "GET", f"/api/v1/accounts/{random.choice(self.pay_accounts)}", self.manager)

    # --- the clients --------------------------------------------------------------

    def worker(self, stop_at):
        client = Client(self.host, self.port, self.recorder, self.args.timeout)
        ops = [(self.payment, 6), (self.refund, 2), (self.plan, 1), (self.import_, 0.5), (self.job, 0.5),
               (self.read, 2)]
        interval = self.args.clients / self.args.rate
        next_at = time.time() + random.random() * interval
        while True:
            delay = next_at - time.time()
            if delay > 0:
                time.sleep(delay)
            if time.time() >= stop_at:
                break
            op = random.choices([o for o, _ in ops], weights=[w for _, w in ops])[0]
            op(client)
            next_at = max(next_at + interval, time.time() - interval)  # late: catch up by one, not a burst
        client.close()


def sampler(mix, pids, every, stop_at, samples):
    """Each `every` seconds: the servers' RSS and open descriptors, the pools' PostgreSQL
    connections, and the p99 of the attempts answered in that interval."""
    started = time.time()
    since, n = started, 0
    print(f"{'at s':>4} {'RSS MB (each)':>22} {'fds (each)':>14} {'PG conns':>8} {'req':>6} {'p99 ms':>7}",
          file=sys.stderr)
    while True:
        n += 1
        until = started + n * every
        if until > stop_at + 1:
            return
        time.sleep(max(0, until - time.time()))
        rss, fds = [], []
        for pid in pids:
            with open(f"/proc/{pid}/status") as f:
                rss.append(next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024)
            fds.append(len(os.listdir(f"/proc/{pid}/fd")))
        conns = int(psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'debtflow'")[0][0])
        with mix.recorder.lock:
            lat = sorted(t1 - t0 for _, t0, t1, status, _, proxy, *_ in mix.recorder.attempts
                         if status and not proxy and since <= t1 < until)
        since = until
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else None
        samples.append({"at": round(until - started), "rss_mb": rss, "fds": fds, "pg_connections": conns,
                        "requests": len(lat), "p99_ms": p99})
        print(f"{until - started:>4.0f} {' '.join(f'{r:.1f}' for r in rss):>22} {' '.join(map(str, fds)):>14} "
              f"{conns:>8} {len(lat):>6} {p99 if p99 is None else round(p99, 1):>7}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--secs", type=float, required=True)
    ap.add_argument("--rate", type=float, default=25, help="operations per second, all clients together")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=20, help="seconds an attempt may take before it is retried")
    ap.add_argument("--out", required=True)
    ap.add_argument("--run", help="this run's name, in keys and metadata")
    ap.add_argument("--started-file", help="written with the start time once the clients start")
    ap.add_argument("--sample-secs", type=float)
    ap.add_argument("--pids", default="")
    args = ap.parse_args()

    mix = Mix(args)
    started = time.time()
    stop_at = started + args.secs
    if args.started_file:
        with open(args.started_file, "w") as f:
            f.write(f"{started}\n")
    threads = [threading.Thread(target=mix.worker, args=(stop_at,)) for _ in range(args.clients)]
    samples = []
    if args.sample_secs:
        pids = [int(p) for p in args.pids.split(",") if p]
        threads.append(threading.Thread(target=sampler, args=(mix, pids, args.sample_secs, stop_at, samples)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = {"run": mix.run, "started": started, "stop_at": stop_at, "finished": time.time(),
              "agency_id": mix.agency_id, "today": mix.today, "clients": args.clients, "rate": args.rate,
              "pay_accounts": len(mix.pay_accounts), "plan_accounts": len(mix.plan_accounts),
              "attempts": mix.recorder.attempts, "server_errors": mix.recorder.server_errors,
              "payments": mix.payments, "refunds": mix.refunds, "plans": mix.plans, "imports": mix.imports,
              "jobs": mix.jobs, "samples": samples}
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
