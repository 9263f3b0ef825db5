#!/usr/bin/env bash
# The analytics data of `make bench` (also runnable alone, on the database of
# DATABASE_URL after bench.sh's bulk load): PAYMENTS payments on the agency's bench
# accounts, as the API would have written them, loaded set-based in one session with
# the triggers off (the rows are built balanced here), then the analytics summaries
# rebuilt from the raw rows (`rebuild_analytics`, migrations/0014_analytics.sql) and
# folded (migrations/0016).
#
#   scripts/bench/analytics.sh AGENCY_ID PAYMENTS
#
# What each payment leaves, as crates/api/src/services/payments writes it:
#   - a `payments` row: completed, or (5%) refunded in full or in part; method card,
#     bank transfer, check or cash; a unique reference (none for cash); credited to the
#     account's collector; made after its account's placement, within the last 730 days;
#   - its `payment` entry (cash_clearing debit, receivable credit) and allocation row;
#   - its `commission` entry at the collector's rate, rounded half to even (commission
#     expense debit, commission payable credit), when that comes to a cent or more;
#   - for a refund: its `refund` entry (receivable debit, cash clearing credit), its
#     negative allocation row, and the `commission_reversal` of the commission's share.
# The accounts' balances go down by what they were paid net of refunds (so they still
# equal their receivable lines); `first_paid_on` is each paid account's first day and
# `days_to_first_payment` its days from placement.
#
# Which accounts pay, how often, how much and when (relative to the load's start) derive
# from hashes of their ids and of the payments' numbers: the same accounts get the same
# payments, run after run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
AGENCY=${1:?usage: analytics.sh AGENCY_ID PAYMENTS}
PAYMENTS=${2:?usage: analytics.sh AGENCY_ID PAYMENTS}
sql() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }
if ! command -v psql >/dev/null; then sql() { scripts/pg.sh psql -d "$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<< "$DATABASE_URL")" "$@"; }; fi

started=$(date +%s.%N)
sql -v agency="$AGENCY" -v payments="$PAYMENTS" <<'SQL'
\o /dev/null
BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';
-- Full-page images compressed: the load writes some 6 GB of write-ahead log.
SET LOCAL wal_compression = on;
\set tables '{accounts, payments, journal_entries, journal_lines, payment_allocations}'

-- The indexes of the tables written are dropped for the load and built again after it,
-- in the same transaction: a sorted build instead of some 50,000,000 index insertions.
-- Only the keys that foreign keys lean on stay (the rows go in in their order).
CREATE TEMP TABLE bench_indexes AS
SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS drop_it, pg_get_indexdef(i.indexrelid) AS build
FROM pg_index i
WHERE i.indrelid = ANY (:'tables'::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
UNION ALL
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.conrelid = ANY (:'tables'::regclass[]) AND c.contype IN ('p', 'u')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid);
SELECT drop_it FROM bench_indexes \gexec

-- A number in [0, 1) from a payment's number or an account's id, one stream per salt.
CREATE FUNCTION pg_temp.unit(n bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashint8extended(n, salt) & 9007199254740991)::float8 / 9007199254740992 $$;
CREATE FUNCTION pg_temp.unit(id uuid, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (uuid_hash_extended(id, salt) & 9007199254740991)::float8 / 9007199254740992 $$;
-- num / den rounded to a whole number, halves to even (the domain's `Money::round`,
-- in cents).
CREATE FUNCTION pg_temp.half_even(num bigint, den bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT num / den + CASE WHEN 2 * (num % den) > den OR (2 * (num % den) = den AND num / den % 2 = 1)
                               THEN 1 ELSE 0 END $$;
-- A UUID v7 (the API's ids are time-ordered) of the instant `at` (unix ms), unique by
-- (tag, n): the tag and the payment's number fill its other bits (counters, as RFC 9562
-- allows).
CREATE FUNCTION pg_temp.uuid7(at bigint, n bigint, tag int) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT encode(int8send(at << 16 | 28672 | tag) || int8send(n | -9223372036854775808), 'hex')::uuid $$;
CREATE FUNCTION pg_temp.ms(at timestamptz) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS
    $$ SELECT floor(date_part('epoch', at) * 1000)::bigint $$;

SELECT time_zone AS tz FROM agencies WHERE id = :'agency' \gset
-- The accounts that can have been paid: the bench's own (not the demo's), with a
-- collector. A share of them pays, 1 to 10 times each (5.5 on average), numbered so
-- that exactly :payments payments come out.
SELECT count(*) AS eligible FROM accounts
WHERE agency_id = :'agency' AND import_id IS NULL AND collector_id IS NOT NULL \gset
-- (Unlogged tables rather than temporary ones: their rows are written by parallel workers.)
CREATE UNLOGGED TABLE bench_payers AS
SELECT x.*, (sum(m) OVER (ORDER BY id) - m)::bigint AS first_n
FROM (SELECT a.id, a.collector_id, a.currency, a.current_balance, u.commission_rate,
             greatest(a.created_at, now() - interval '730 days') AS since,
             1 + ((uuid_hash_extended(a.id, 2) & 1023) % 10)::int AS m
      FROM accounts a JOIN users u ON u.id = a.collector_id
      WHERE a.agency_id = :'agency' AND a.import_id IS NULL AND a.collector_id IS NOT NULL
        AND pg_temp.unit(a.id, 3) < least(1.0, 1.05 * :payments / (5.5 * greatest(:eligible, 1)))) x;

-- Each payment in three steps, each a table (a subquery's column would be computed
-- again wherever the next level names it): its draws; its amount, time, method and
-- refund; its status, commission reversal and ids.
CREATE UNLOGGED TABLE bench_draws AS
SELECT p.id AS account_id, p.collector_id, p.currency, p.commission_rate, p.since, p.first_n + j AS n,
       greatest(1, least(1 + floor(pg_temp.unit(p.first_n + j, 1) ^ 2 * 50000),
                         floor(p.current_balance * 80 / p.m)))::bigint AS cents,
       p.since + pg_temp.unit(p.first_n + j, 3) * (now() - p.since) AS at,
       pg_temp.unit(p.first_n + j, 2) AS u_method, pg_temp.unit(p.first_n + j, 4) AS u_refund,
       pg_temp.unit(p.first_n + j, 5) AS u_part, pg_temp.unit(p.first_n + j, 6) AS u_later,
       pg_temp.unit(p.first_n + j, 7) AS u_lag
FROM bench_payers p, generate_series(0, p.m - 1) j
WHERE p.first_n + j < :payments;

CREATE UNLOGGED TABLE bench_amounts AS
SELECT account_id, collector_id, currency, n, cents, at,
       CASE WHEN u_method < 0.4 THEN 'card' WHEN u_method < 0.7 THEN 'bank_transfer'
            WHEN u_method < 0.8 THEN 'check' ELSE 'cash' END::payment_method AS method,
       CASE WHEN u_method < 0.4 THEN 'ch_bench_' || n WHEN u_method < 0.7 THEN 'UTR-BENCH-' || n
            WHEN u_method < 0.8 THEN 'CHK-BENCH-' || n END AS reference,
       greatest((at AT TIME ZONE :'tz')::date - floor(u_lag * 3)::int, (since AT TIME ZONE :'tz')::date) AS paid_on,
       CASE WHEN u_refund < 0.03 OR (u_refund < 0.05 AND cents = 1) THEN cents
            WHEN u_refund < 0.05 THEN 1 + floor(u_part * (cents - 1))::bigint ELSE 0 END AS refunded,
       coalesce(pg_temp.half_even(cents * (commission_rate * 10000)::bigint, 10000), 0) AS commission,
       least(at + (1 + u_later * 20) * interval '1 day', now()) AS refunded_at
FROM bench_draws;
DROP TABLE bench_draws;

CREATE UNLOGGED TABLE bench_payments AS
SELECT a.*,
       CASE WHEN refunded = 0 THEN 'completed' WHEN refunded = cents THEN 'refunded'
            ELSE 'partially_refunded' END::payment_status AS status,
       pg_temp.half_even(commission * refunded, cents) AS commission_back,
       pg_temp.uuid7(pg_temp.ms(at), n, 0) AS payment_id, pg_temp.uuid7(pg_temp.ms(at), n, 1) AS payment_entry,
       pg_temp.uuid7(pg_temp.ms(at), n, 2) AS commission_entry,
       pg_temp.uuid7(pg_temp.ms(refunded_at), n, 3) AS refund_entry,
       pg_temp.uuid7(pg_temp.ms(refunded_at), n, 4) AS reversal_entry
FROM bench_amounts a;
DROP TABLE bench_amounts;

INSERT INTO payments (agency_id, id, account_id, amount, currency, method, status, paid_on, reference,
                      refunded_amount, recorded_by, collector_id, created_at, updated_at)
SELECT :'agency'::uuid, payment_id, account_id, cents / 100.0, currency, method, status, paid_on, reference,
       refunded / 100.0, collector_id, collector_id, at, CASE WHEN refunded > 0 THEN refunded_at ELSE at END
FROM bench_payments ORDER BY payment_id;

-- In the order of their ids (the primary key stays, foreign keys lean on it).
INSERT INTO journal_entries (agency_id, id, account_id, kind, posted_at, reverses, payment_id, collector_id)
SELECT :'agency'::uuid, * FROM (
    SELECT payment_entry, account_id, 'payment'::entry_kind, at, NULL::uuid, payment_id, collector_id
    FROM bench_payments
    UNION ALL
    SELECT commission_entry, account_id, 'commission', at, NULL, payment_id, collector_id
    FROM bench_payments WHERE commission > 0
    UNION ALL
    SELECT refund_entry, account_id, 'refund', refunded_at, payment_entry, payment_id, collector_id
    FROM bench_payments WHERE refunded > 0
    UNION ALL
    SELECT reversal_entry, account_id, 'commission_reversal', refunded_at, commission_entry, payment_id, collector_id
    FROM bench_payments WHERE commission_back > 0) e
ORDER BY 2;

-- An entry's lines side by side, a payment's entries one after the other (no sort: the
-- table has no index until the end).
INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
SELECT :'agency'::uuid, l.entry, l.line, l.account, l.debit / 100.0, l.credit / 100.0
FROM bench_payments p,
     LATERAL (VALUES (p.payment_entry, 1, 'cash_clearing'::ledger_account, p.cents, 0::bigint),
                     (p.payment_entry, 2, 'receivable', 0, p.cents),
                     (p.commission_entry, 1, 'commission_expense', p.commission, 0),
                     (p.commission_entry, 2, 'commission_payable', 0, p.commission),
                     (p.refund_entry, 1, 'receivable', p.refunded, 0),
                     (p.refund_entry, 2, 'cash_clearing', 0, p.refunded),
                     (p.reversal_entry, 1, 'commission_payable', p.commission_back, 0),
                     (p.reversal_entry, 2, 'commission_expense', 0, p.commission_back))
         AS l (entry, line, account, debit, credit)
WHERE l.debit + l.credit > 0;

INSERT INTO payment_allocations (agency_id, payment_id, position, fee_id, amount, entry_id)
SELECT :'agency'::uuid, payment_id, 0, NULL::uuid, cents / 100.0, payment_entry FROM bench_payments
UNION ALL
SELECT :'agency'::uuid, payment_id, 0, NULL, -refunded / 100.0, refund_entry FROM bench_payments WHERE refunded > 0;

UPDATE accounts a SET current_balance = a.current_balance - t.net, first_paid_on = least(a.first_paid_on, t.first_day),
    days_to_first_payment = least(a.first_paid_on, t.first_day) - (a.created_at AT TIME ZONE :'tz')::date
FROM (SELECT account_id, sum(cents - refunded) / 100.0 AS net, min((at AT TIME ZONE :'tz')::date) AS first_day
      FROM bench_payments GROUP BY account_id) t
WHERE a.agency_id = :'agency' AND a.id = t.account_id;

DROP TABLE bench_payers, bench_payments;
SELECT build FROM bench_indexes \gexec
ANALYZE accounts, payments, journal_entries, journal_lines, payment_allocations;
SELECT rebuild_analytics(:'agency');
-- And folded as the day's dpd_aging run folds them (migrations/0016).
SELECT fold_account_totals(:'agency', (now() AT TIME ZONE time_zone)::date - 91), roll_daily_money(:'agency', (now() AT TIME ZONE time_zone)::date - 1) FROM agencies WHERE id = :'agency';
COMMIT;
SQL
secs=$(python3 -c "import time; print(f'{time.time() - $started:.0f}')")
sql -tA -v agency="$AGENCY" -v secs="$secs" <<'SQL'
SELECT format('Analytics data: %s payments (%s refunded in full or in part), %s journal lines in all; '
              || 'loaded in %s s; summaries: %s daily_money rows, %s account_totals rows.',
              to_char(p.total, 'FM9,999,999,999'), to_char(p.refunded, 'FM9,999,999,999'),
              to_char((SELECT count(*) FROM journal_lines), 'FM9,999,999,999'), :'secs',
              to_char((SELECT count(*) FROM daily_money WHERE agency_id = :'agency'), 'FM9,999,999,999'),
              to_char((SELECT count(*) FROM account_totals WHERE agency_id = :'agency'), 'FM9,999,999,999'))
FROM (SELECT count(*) AS total, count(*) FILTER (WHERE refunded_amount > 0) AS refunded
      FROM payments WHERE agency_id = :'agency') p;
SQL
