-- Search by the words of a name (issue 20): a collector answering a call types the
-- caller's name, and the answer must come in milliseconds in a million debtors.
--
-- Migration 0033 ranked every name sharing trigrams with the query through a trigram
-- index over the full names: a common surname, or a misspelt one, meant scoring
-- thousands of names (20 ms on average over make bench's queries, 430 ms for the
-- worst). Here a name is its words, and a query is answered in two steps:
--
-- 1. The names holding every word of the query exactly (any case, any order), found by
--    an inverted index of the words (GIN over `name_keys`). When there are any, they
--    are the answer (as an exact reference or phone is): at most `cap`, unranked.
-- 2. Otherwise, the names whose every word of the query is like one of their words:
--    a dictionary of the agency's name words (`debtor_name_words`, a few hundred
--    thousand words for millions of debtors, trigram-indexed) gives, for each word of
--    the query, the words most like it (trigram word similarity at least 0.5, where
--    there are none at least 0.3: "smiht" finds "smith", "garc" finds "garcia"), and
--    the inverted index the names holding them; best first, at most `cap`.

-- A name as its words are taken: lower case, single spaces between words, none around.
-- (These three are single expressions with SQL-standard bodies, which the planner
-- inlines: a name costs a microsecond or two to split, at every debtor written and
-- every name a search reads; and their references are bound when they are created,
-- so a dump restores them whatever its search_path.)
CREATE FUNCTION name_text(full_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(regexp_replace(lower(full_name), '\s+', ' ', 'g'), '^ | $', '', 'g');

-- The words of a name.
CREATE FUNCTION name_words(full_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN string_to_array(name_text(full_name), ' ');

-- A name's words keyed by its agency ("<agency>:<word>"), so an agency's search reads
-- only its own debtors' entries of the index. NULL for a blank name.
CREATE FUNCTION name_keys(agency uuid, full_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN string_to_array(agency::text || ':' || replace(nullif(name_text(full_name), ''), ' ', ' ' || agency::text || ':'), ' ');

CREATE INDEX debtors_name_keys_idx ON debtors USING gin (name_keys(agency_id, full_name));
DROP INDEX debtors_name_trgm_idx;

-- Every word of the agency's debtors' names, written by the triggers below with each
-- debtor written, never pruned: a word no debtor holds any more finds nobody.
CREATE TABLE debtor_name_words (
    agency_id uuid NOT NULL REFERENCES agencies (id),
    word      text NOT NULL,
    PRIMARY KEY (agency_id, word)
);
CREATE INDEX debtor_name_words_trgm_idx ON debtor_name_words USING gin (word gin_trgm_ops);
GRANT SELECT, INSERT ON debtor_name_words TO debtflow_app;
ALTER TABLE debtor_name_words ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON debtor_name_words USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
INSERT INTO debtor_name_words (agency_id, word)
SELECT DISTINCT agency_id, w FROM debtors, unnest(name_words(full_name)) w;

-- Once per statement, in word order (two writers of the same new words wait for each
-- other rather than deadlock); an existing word costs an index probe.
CREATE FUNCTION note_debtor_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO debtor_name_words (agency_id, word)
    SELECT DISTINCT n.agency_id, w FROM written n, unnest(name_words(n.full_name)) w
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER debtors_name_words_insert AFTER INSERT ON debtors
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION note_debtor_name_words();
CREATE TRIGGER debtors_name_words_update AFTER UPDATE ON debtors
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION note_debtor_name_words();

-- The `cap` debtors whose names best answer `query` (steps 1 and 2 above), with their
-- score: 1 for every word exact, else the trigram word similarity (0.3–1). With
-- `collector`, only debtors with an account that collector holds.
--
-- It runs as its owner, restricted to the transaction's own scope (app_agency() /
-- app_platform(), never an argument): under row-level security PostgreSQL evaluates
-- only leakproof operators before the policy, and the array and trigram operators are
-- not, so the indexes could not serve them. Every statement here has its index; the
-- planner, estimating a trigram match from a sample, would sometimes rather read the
-- whole dictionary (124 ms against 3), so it may not.
CREATE OR REPLACE FUNCTION search_debtors(query text, cap integer, collector uuid)
RETURNS TABLE (agency_id uuid, id uuid, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public SET enable_seqscan = off AS $$
DECLARE
    words text[] := name_words(query);
    scope uuid[] := CASE WHEN app_platform() THEN ARRAY(SELECT a.id FROM agencies a ORDER BY a.id)
                         ELSE array_remove(ARRAY[app_agency()], NULL) END;
    agency uuid;
    answered integer := 0;
    more integer;
    threshold real;
    every_word text;
BEGIN
    IF cardinality(words) = 0 THEN RETURN; END IF;
    -- 1. Every word exact, agency by agency.
    FOREACH agency IN ARRAY scope LOOP
        RETURN QUERY
        SELECT d.agency_id, d.id, 1::real FROM debtors d
        WHERE name_keys(d.agency_id, d.full_name) @> name_keys(agency, query)
          AND (collector IS NULL OR EXISTS (SELECT FROM accounts a
               WHERE a.agency_id = d.agency_id AND a.debtor_id = d.id AND a.collector_id = collector))
        LIMIT cap - answered;
        GET DIAGNOSTICS more = ROW_COUNT;
        answered := answered + more;
        EXIT WHEN answered >= cap;
    END LOOP;
    -- 2. Every word like a word of the name.
    FOREACH threshold IN ARRAY ARRAY[0.5, 0.3]::real[] LOOP
        EXIT WHEN answered > 0;
        PERFORM set_config('pg_trgm.word_similarity_threshold', threshold::text, true);
        IF cardinality(words) = 1 THEN
            -- The names holding the closest word first, then the next (each name under
            -- the closest word it holds, scored by it): no more names are read than
            -- returned.
            RETURN QUERY
            WITH candidates AS (
                SELECT n.agency_id::text || ':' || n.word AS key, word_similarity(words[1], n.word) AS similarity
                FROM debtor_name_words n
                WHERE n.agency_id = ANY(scope) AND words[1] <% n.word
                ORDER BY 2 DESC, 1 LIMIT 50),
            ranked AS (
                SELECT c.key, c.similarity, coalesce(array_agg(c.key) OVER (ORDER BY c.similarity DESC, c.key
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), '{}') AS closer
                FROM candidates c)
            SELECT m.agency_id, m.id, r.similarity FROM ranked r
            CROSS JOIN LATERAL (
                SELECT d.agency_id, d.id FROM debtors d
                WHERE name_keys(d.agency_id, d.full_name) @> ARRAY[r.key]
                  AND NOT name_keys(d.agency_id, d.full_name) && r.closer
                  AND (collector IS NULL OR EXISTS (SELECT FROM accounts a
                       WHERE a.agency_id = d.agency_id AND a.debtor_id = d.id AND a.collector_id = collector))
                LIMIT cap) m
            ORDER BY r.similarity DESC, r.key
            LIMIT cap;
        ELSE
            -- A name must hold, for each word of the query, one of the words most like it.
            every_word := 'true';
            FOR i IN 1 .. cardinality(words) LOOP
                every_word := every_word || format(' AND name_keys(d.agency_id, d.full_name) && %L::text[]',
                    ARRAY(SELECT n.agency_id::text || ':' || n.word FROM debtor_name_words n
                          WHERE n.agency_id = ANY(scope) AND words[i] <% n.word
                          ORDER BY word_similarity(words[i], n.word) DESC, n.word LIMIT 200));
            END LOOP;
            RETURN QUERY EXECUTE format(
                'SELECT d.agency_id, d.id, word_similarity($1, d.full_name) FROM debtors d
                 WHERE %s AND ($3::uuid IS NULL OR EXISTS (SELECT FROM accounts a
                       WHERE a.agency_id = d.agency_id AND a.debtor_id = d.id AND a.collector_id = $3))
                 ORDER BY 3 DESC, d.id LIMIT $2', every_word)
            USING query, cap, collector;
        END IF;
        GET DIAGNOSTICS answered = ROW_COUNT;
    END LOOP;
END $$;

-- The planner needs the new index's statistics before the first search.
ANALYZE debtors, debtor_name_words;
