#!/usr/bin/env python3
"""Writes a placement CSV of N rows (every column of the README's format) to stdout,
deterministically: `placements.py N [PREFIX]`. For `make bench`'s import scenario."""
import random
import sys

n = int(sys.argv[1])
prefix = sys.argv[2] if len(sys.argv) > 2 else "BENCH"
rng = random.Random(20261201)
first = ["Ann", "Brian", "Chen", "Dana", "Eve", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kira", "Liam"]
last = ["Lee", "O'Neil", "Wei", "Ruiz", "Martin", "Haddad", "Hopper", "Silva", "Moreau", "Okafor", "Berg", "Walsh"]
creditors = ["First Bank", "Metro Card Services", "Lakeside Utilities", "Northern Telecom", "St. Jude Medical"]
out = sys.stdout
out.write("external_ref,creditor,original_creditor,original_balance,currency,delinquency_date,due_date,"
          "priority,debtor_name,phone,email,address,date_of_birth,ssn_last4\n")
for i in range(n):
    f, l = rng.choice(first), rng.choice(last)
    cents = rng.randint(5_000, 2_500_000)
    year, month, day = rng.choice([2024, 2025, 2026]), rng.randint(1, 11), rng.randint(1, 28)
    out.write(
        f"{prefix}-{i:08d},{rng.choice(creditors)},,\"{cents // 100:,}.{cents % 100:02d}\",,"
        f"{year}-{month:02d}-{day:02d},,{rng.randint(0, 3)},\"{f} {l}\",555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)},"
        f"{f.lower()}.{i}@example.com,\"{rng.randint(1, 999)} Main St, Springfield\","
        f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{rng.randint(0, 9999):04d}\n"
    )
