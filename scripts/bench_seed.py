#!/usr/bin/env python3
"""Writes the bench data set as CSV for PostgreSQL's COPY (make bench).

    bench_seed.py debtors|accounts|events AGENCY_ID COUNT COLLECTOR_IDS(comma) > rows.csv

Deterministic (seeded): the same COUNT always gives the same rows. Debtor and account
ids derive from the row number, so the three outputs line up. Accounts were placed
over the last PLACED_DAYS days (their `created_at`, drawn from a stream of its own so
the other columns are what they always were): the payments of scripts/bench/analytics.sh
come after their account's placement, as the API would have taken them.
"""
import random
import sys
import uuid
from datetime import date, datetime, timedelta, timezone

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
         "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
         "Maria", "Jose", "Ana", "Luis", "Wei", "Mohammed", "Fatima", "Olga", "Ivan", "Priya"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores"]
# Surnames as a real portfolio spreads them: 150,000 of them, the 40 commonest first,
# the rest built from syllables, drawn with Zipf-like weights 1/(rank + 50) — so the 40
# commonest carry about 7% of debtors (8% in the US census) and "Garcia" about 2,000 of
# a million, while most surnames are rare.
ONSETS = ["b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p", "r", "s", "sh",
          "st", "t", "tr", "v", "w", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
CODAS = ["", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "ck", "ng"]


def surnames(count=150_000):
    built, seen, rng = [], set(LAST), random.Random(150_000)
    while len(built) < count - len(LAST):
        name = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                       for _ in range(rng.choice((2, 2, 3)))).capitalize()
        if name not in seen:
            seen.add(name)
            built.append(name)
    pool = LAST + built
    weights, total = [], 0.0
    for rank in range(len(pool)):
        total += 1 / (rank + 50)
        weights.append(total)
    return pool, weights


STATUSES = (["new"] * 10 + ["assigned"] * 25 + ["in_contact"] * 20 + ["negotiating"] * 15 + ["payment_plan"] * 10
            + ["settled"] * 8 + ["closed"] * 8 + ["disputed"] * 4)
TODAY = date.today()
NOW = datetime.now(timezone.utc).replace(microsecond=0)
PLACED_DAYS = 760


def ids(n):
    return uuid.UUID(int=(1 << 126) | (2 * n)), uuid.UUID(int=(1 << 126) | (2 * n + 1))


def main():
    kind, agency, count, collectors = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
    rng = random.Random(42)
    placements = random.Random(760)
    # Their own streams, so the fields above are what they always were.
    contacts, zones, names = random.Random(1006), random.Random(1996), random.Random(1234)
    pool, weights = surnames()
    out = sys.stdout
    for n in range(count):
        debtor, account = ids(n)
        rng.choice(FIRST), rng.choice(LAST)  # the draws the fields below were seeded after
        name = f"{names.choice(FIRST)} {names.choices(pool, cum_weights=weights)[0]}"
        status = rng.choice(STATUSES)
        balance = rng.randint(5_000, 5_000_000) / 100
        delinquent = TODAY - timedelta(days=rng.randint(1, 400))
        priority = rng.randint(0, 3)
        collector = "" if status == "new" else rng.choice(collectors)
        placed = NOW - timedelta(seconds=placements.randrange(PLACED_DAYS * 86_400))
        # When the call rules next allow a call: most never called; a fifth waiting out
        # the week's limit or a conversation; a few blocked for good.
        roll = contacts.random()
        next_call = ("-infinity" if roll < 0.75 else "infinity" if roll < 0.77
                     else (NOW + timedelta(seconds=contacts.randrange(-86_400, 7 * 86_400))).isoformat())
        zone = zones.choice(["", "", "", "", "", "", "America/Chicago", "America/Denver", "America/Los_Angeles",
                             "America/Chicago"])
        if kind == "debtors":
            out.write(f"{agency},{debtor},{name},+1 555 {n % 10000:04d},{zone}\n")
        elif kind == "accounts":
            out.write(f"{agency},{account},{debtor},BENCH-{n:07d},Acme Bank,{balance:.2f},{balance:.2f},USD,"
                      f"{status},{priority},{delinquent},{collector},{placed.isoformat()},{next_call}\n")
        elif kind == "events" and n < 10_000:
            for e in range(5):
                event = uuid.UUID(int=(1 << 125) | (n * 8 + e))
                out.write(f"{agency},{event},{account},note,Called the debtor (attempt {e + 1})\n")


if __name__ == "__main__":
    main()
