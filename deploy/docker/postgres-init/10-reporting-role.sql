-- The read-only role BI tools sign in with (as deploy/local/postgres.sh makes it): it may read
-- the services' reporting views, which each service grants it when it starts. Change the
-- password before exposing the port.
CREATE ROLE ledgerline_reporting LOGIN PASSWORD 'reporting';
ALTER ROLE ledgerline_reporting SET default_transaction_read_only = on;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
