import { GENESIS_HEX } from './event-hash.js';

/**
 * SQLSTATEs es_append raises (class "CA", unused by PostgreSQL), mapped back to the typed
 * errors by SqlEventStore. DETAIL carries what the error needs: the actual revision (or
 * no_stream), or the 1-based index of the failing entry of p_unique.
 */
export const ES_APPEND_ERRORS = {
  wrongExpectedRevision: 'CA001',
  uniqueTaken: 'CA002',
  uniqueNotHeld: 'CA003',
} as const;

/**
 * Event store tables and the append function, shared by PostgreSQL and PGlite. Idempotent;
 * PgDatabase.exec runs it in one transaction under an advisory lock, so instances starting
 * at once cannot race on CREATE OR REPLACE FUNCTION ("tuple concurrently updated").
 */
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
-- The hash chain (src/event-store/event-hash.ts, docs/history.md): hash = sha256(prev_hash ||
-- digest), per stream, set by es_append in the append's transaction. Rows written before the
-- chain existed keep NULL in both (the pre-chain prefix). Added only when missing: ALTER TABLE
-- takes an exclusive lock even when IF NOT EXISTS finds the column, and this runs at every start.
DO $es_chain$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'es_events'::regclass AND attname = 'hash' AND NOT attisdropped) THEN
    ALTER TABLE es_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;
  END IF;
END $es_chain$;
-- Values that must be unique (username per pool, alias, external login), written in the
-- same transaction as the events that claim or release them.
CREATE TABLE IF NOT EXISTS es_unique (
  scope     text NOT NULL,
  value     text NOT NULL,
  stream_id text NOT NULL,
  PRIMARY KEY (scope, value)
);
-- One append in one statement (one round trip, run in the statement's own transaction, so
-- transaction_id is one xid per append). Same steps as separate statements would take, in the
-- same order: the es_streams row lock orders writers of a stream, then the unique values in
-- p_unique's order, then the events. Any error rolls all of it back.
--   p_expected: 'any' | 'no_stream' | 'stream_exists' | the expected revision in decimal
--   p_events:   [{ "id": uuid, "type": text, "data": jsonb, "metadata": jsonb, "digest": hex }, ...] in order
--               (digest: eventDigest() of event-hash.ts; an event without one is stored unchained,
--               as a writer older than the chain would, and the verifier names it)
--   p_unique:   [{ "scope": text, "value": text, "change": "claim" | "release" }, ...] or NULL
CREATE OR REPLACE FUNCTION es_append(
  p_stream text, p_expected text, p_events jsonb, p_unique jsonb,
  OUT o_revision bigint, OUT o_commit text, OUT o_position bigint
) LANGUAGE plpgsql AS $es_append$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_actual bigint;
  v_change jsonb;
  v_index bigint;
  v_prev bytea;
  v_digest text;
  v_prevs bytea[] := ARRAY[]::bytea[];
  v_hashes bytea[] := ARRAY[]::bytea[];
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'es_append needs at least one event';
  END IF;
  -- 1. Move the stream's revision, failing on the wrong expectation.
  IF p_expected = 'any' THEN
    INSERT INTO es_streams AS s (stream_id, revision) VALUES (p_stream, v_count - 1)
    ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + v_count
    RETURNING s.revision INTO o_revision;
  ELSIF p_expected = 'no_stream' THEN
    INSERT INTO es_streams (stream_id, revision) VALUES (p_stream, v_count - 1)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING revision INTO o_revision;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE es_streams SET revision = revision + v_count
     WHERE stream_id = p_stream
    RETURNING revision INTO o_revision;
  ELSE
    UPDATE es_streams SET revision = revision + v_count
     WHERE stream_id = p_stream AND revision = p_expected::bigint
    RETURNING revision INTO o_revision;
  END IF;
  IF o_revision IS NULL THEN
    SELECT revision INTO v_actual FROM es_streams WHERE stream_id = p_stream;
    RAISE EXCEPTION USING ERRCODE = '${ES_APPEND_ERRORS.wrongExpectedRevision}',
      MESSAGE = format('stream %s: expected revision %s', p_stream, p_expected),
      DETAIL = coalesce(v_actual::text, 'no_stream'), HINT = p_stream;
  END IF;
  -- 2. Claim and release unique values. Re-claiming a value this stream already holds is a
  -- no-op, anyone else's is a violation; a concurrent claimer blocks on the index entry
  -- until the first transaction ends.
  FOR v_change, v_index IN SELECT u.c, u.n FROM jsonb_array_elements(p_unique) WITH ORDINALITY AS u(c, n) ORDER BY u.n LOOP
    IF v_change->>'change' = 'claim' THEN
      INSERT INTO es_unique AS q (scope, value, stream_id) VALUES (v_change->>'scope', v_change->>'value', p_stream)
      ON CONFLICT (scope, value) DO UPDATE SET stream_id = q.stream_id
       WHERE q.stream_id = EXCLUDED.stream_id;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '${ES_APPEND_ERRORS.uniqueTaken}',
          MESSAGE = format('unique value already taken in scope %s', v_change->>'scope'), DETAIL = v_index::text, HINT = p_stream;
      END IF;
    ELSIF v_change->>'change' = 'release' THEN
      DELETE FROM es_unique WHERE scope = v_change->>'scope' AND value = v_change->>'value' AND stream_id = p_stream;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '${ES_APPEND_ERRORS.uniqueNotHeld}',
          MESSAGE = format('stream %s does not hold the value it releases in scope %s', p_stream, v_change->>'scope'),
          DETAIL = v_index::text, HINT = p_stream;
      END IF;
    ELSE
      RAISE EXCEPTION 'es_append: unknown unique change %', v_change->>'change';
    END IF;
  END LOOP;
  -- 3. Chain the events to the stream's last hashed event (the row lock of step 1 orders the
  -- stream's writers, and each statement here sees every append committed before it). The
  -- previous revision is one index probe; only a stream's first append after the chain began
  -- looks further back, over its pre-chain rows, and starts from the genesis hash.
  IF o_revision - v_count >= 0 THEN
    SELECT hash INTO v_prev FROM es_events WHERE stream_id = p_stream AND revision = o_revision - v_count;
    IF v_prev IS NULL THEN
      SELECT hash INTO v_prev FROM es_events
       WHERE stream_id = p_stream AND revision < o_revision - v_count AND hash IS NOT NULL
       ORDER BY revision DESC LIMIT 1;
    END IF;
  END IF;
  v_prev := coalesce(v_prev, decode('${GENESIS_HEX}', 'hex'));
  FOR v_digest IN SELECT e.ev->>'digest' FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, n) ORDER BY e.n LOOP
    IF v_digest IS NULL THEN
      v_prevs := v_prevs || NULL::bytea;
      v_hashes := v_hashes || NULL::bytea;
    ELSE
      v_prevs := v_prevs || v_prev;
      v_prev := sha256(v_prev || decode(v_digest, 'hex'));
      v_hashes := v_hashes || v_prev;
    END IF;
  END LOOP;
  -- 4. The events with consecutive revisions; positions follow the array's order.
  WITH written AS (
    INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, prev_hash, hash)
    SELECT p_stream, o_revision - v_count + e.n, (e.ev->>'id')::uuid, e.ev->>'type', e.ev->'data', e.ev->'metadata', v_prevs[e.n], v_hashes[e.n]
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, n)
     ORDER BY e.n
    RETURNING position
  )
  SELECT max(position) INTO o_position FROM written;
  o_commit := pg_current_xact_id()::text;
END
$es_append$;
-- Several streams in one statement and one transaction (all or nothing), each through es_append
-- in the array's order; errors name the failing stream in HINT.
--   p_writes: [{ "stream": text, "expected": text, "events": [...], "unique": [...] (optional) }, ...]
CREATE OR REPLACE FUNCTION es_append_many(p_writes jsonb)
RETURNS TABLE (o_revision bigint, o_commit text, o_position bigint)
LANGUAGE plpgsql AS $es_append_many$
DECLARE
  v_write jsonb;
BEGIN
  FOR v_write IN SELECT w.x FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS w(x, n) ORDER BY w.n LOOP
    SELECT a.o_revision, a.o_commit, a.o_position INTO o_revision, o_commit, o_position
      FROM es_append(v_write->>'stream', v_write->>'expected', v_write->'events', v_write->'unique') AS a;
    RETURN NEXT;
  END LOOP;
END
$es_append_many$;
`;
