/** Event store tables, shared by PostgreSQL and PGlite. Idempotent. */
export const EVENT_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS es_streams (
  stream_id text PRIMARY KEY,
  revision  bigint NOT NULL            -- revision of the stream's last event (0-based)
);
CREATE TABLE IF NOT EXISTS es_events (
  position       bigserial PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id      text NOT NULL,
  revision       bigint NOT NULL,
  event_id       uuid NOT NULL UNIQUE,
  type           text NOT NULL,
  data           jsonb NOT NULL,
  metadata       jsonb NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS es_events_global_order ON es_events (transaction_id, position);
-- Values that must be unique (username per pool, alias, external login), written in the
-- same transaction as the events that claim or release them.
CREATE TABLE IF NOT EXISTS es_unique (
  scope     text NOT NULL,
  value     text NOT NULL,
  stream_id text NOT NULL,
  PRIMARY KEY (scope, value)
);
`;
