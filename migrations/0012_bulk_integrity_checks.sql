-- Integrity checks that cost once per statement rather than once per row, for bulk
-- writes (imports).
--
-- The ledger's balance check, per statement instead of per row at commit: an entry is
-- written with its lines in one statement (the store always does), and once that
-- statement ends every entry it wrote, and every entry it added a line to, has at least
-- two lines whose debits equal its credits. The same rule as 0005's deferred row
-- triggers — stricter, since an entry can no longer wait for its lines until commit —
-- checked once per statement over the rows it wrote (transition tables), so a batch of
-- a thousand entries costs one check, not three thousand.

DROP TRIGGER journal_entries_balanced ON journal_entries;
DROP TRIGGER journal_lines_balanced ON journal_lines;

CREATE FUNCTION assert_entries_balanced(entries uuid[], agencies uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.entry, count(l.line_no) AS lines, coalesce(sum(l.debit), 0) AS debits,
           coalesce(sum(l.credit), 0) AS credits
    INTO bad
    FROM (SELECT DISTINCT * FROM unnest(agencies, entries) AS x(agency, entry)) e
    LEFT JOIN journal_lines l ON l.agency_id = e.agency AND l.entry_id = e.entry
    GROUP BY e.agency, e.entry
    HAVING count(l.line_no) < 2 OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % lines, debits %, credits %',
            bad.entry, bad.lines, bad.debits, bad.credits
            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entry_balanced';
    END IF;
END $$;

CREATE FUNCTION check_new_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM assert_entries_balanced(array_agg(id), array_agg(agency_id)) FROM new_entries;
    RETURN NULL;
END $$;
CREATE FUNCTION check_new_lines_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM assert_entries_balanced(array_agg(entry_id), array_agg(agency_id)) FROM new_lines;
    RETURN NULL;
END $$;

CREATE TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION check_new_entries_balanced();
CREATE TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION check_new_lines_balanced();

-- Two foreign keys that another one already implies, checked once per row for nothing:
-- an account's agency is its debtor's (`(agency_id, debtor_id)` → debtors, whose
-- agency_id → agencies), and an entry's agency is its account's (`(agency_id,
-- account_id)` → accounts). A bulk import placing a thousand accounts per statement
-- looked the same agency up three thousand times.
ALTER TABLE accounts DROP CONSTRAINT accounts_agency_id_fkey;
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_agency_id_fkey;
