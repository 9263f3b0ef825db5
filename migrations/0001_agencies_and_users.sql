-- Agencies (the tenants) and their users.
--
-- Every tenant-owned table carries agency_id as the first column of its keys and
-- indexes. Users of the platform role `admin` belong to no agency.

CREATE TYPE user_role AS ENUM
    ('admin', 'agency_admin', 'manager', 'collector', 'compliance', 'auditor');

CREATE TABLE agencies (
    id             uuid PRIMARY KEY,
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    licence_number text NOT NULL CHECK (length(btrim(licence_number)) BETWEEN 1 AND 100),
    currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    time_zone      text NOT NULL,
    settings       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agencies_licence_number_key UNIQUE (licence_number)
);

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    agency_id       uuid REFERENCES agencies (id),
    username        text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    full_name       text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    email           text,
    role            user_role NOT NULL,
    password_hash   text NOT NULL,
    is_active       boolean NOT NULL DEFAULT true,
    -- Bumped to revoke every token issued before (deactivation, password change).
    token_version   integer NOT NULL DEFAULT 0,
    -- Collectors only: share of each completed collection, and most accounts held.
    commission_rate numeric(5, 4) CHECK (commission_rate BETWEEN 0 AND 1),
    account_limit   integer CHECK (account_limit >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_platform_admin_has_no_agency CHECK ((role = 'admin') = (agency_id IS NULL))
);

-- Usernames are unique across the platform: login names no agency.
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE INDEX users_agency_role_idx ON users (agency_id, role);
