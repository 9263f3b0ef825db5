-- Validation notices (Regulation F § 1006.34; debtflow_domain::validation): one per
-- account, written once with the itemisation it showed, so the letter can be printed
-- again exactly as it was sent. A dispute within the validation period blocks contact
-- with the debtor until the dispute is resolved (contact_blocks.dispute_id).

ALTER TYPE contact_outcome ADD VALUE 'sent';

CREATE TABLE validation_notices (
    agency_id        uuid NOT NULL,
    account_id       uuid NOT NULL,
    sent_on          date NOT NULL,
    -- The last day the debtor may dispute: 5 business days for the post, then 30 days.
    period_ends_on   date NOT NULL CHECK (period_ends_on > sent_on),
    -- The letter, as a contact attempt.
    contact_id       uuid NOT NULL,
    itemization_date date NOT NULL,
    owed_then        numeric(19, 4) NOT NULL,
    interest         numeric(19, 4) NOT NULL CHECK (interest >= 0),
    fees             numeric(19, 4) NOT NULL CHECK (fees >= 0),
    credits          numeric(19, 4) NOT NULL,
    owed_now         numeric(19, 4) NOT NULL,
    sent_by          uuid NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (agency_id, account_id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    FOREIGN KEY (agency_id, contact_id) REFERENCES contact_attempts (agency_id, id),
    CHECK (owed_then + interest + fees - credits = owed_now)
);
-- Written once, never changed.
GRANT SELECT, INSERT ON validation_notices TO debtflow_app;
ALTER TABLE validation_notices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON validation_notices
    USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));

-- The dispute a block holds for: cleared when the dispute is resolved.
ALTER TABLE contact_blocks ADD COLUMN dispute_id uuid;
ALTER TABLE contact_blocks ADD CONSTRAINT contact_blocks_dispute_fkey
    FOREIGN KEY (agency_id, dispute_id) REFERENCES disputes (agency_id, id);
