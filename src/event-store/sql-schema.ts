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
-- es_streams.chain is [the hash the stream's last append chained from, then each of its events'
-- hashes]: its last element is the stream's head hash, read and moved under the row lock step 1 of
-- es_append takes anyway, so an append needs no look-up of its predecessor.
DO $es_chain$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'es_events'::regclass AND attname = 'hash' AND NOT attisdropped) THEN
    ALTER TABLE es_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'es_streams'::regclass AND attname = 'chain' AND NOT attisdropped) THEN
    ALTER TABLE es_streams ADD COLUMN chain bytea[];
  END IF;
END $es_chain$;
-- The chain of one append: [p_prev (genesis when NULL), then each event's hash]; an event without a
-- digest (a writer older than the chain) gets none and leaves the running hash where it was.
-- es_chain_loop walks any number of events; es_chain below takes the one-event append (most
-- appends) without a PL/pgSQL call, which on PGlite was a third of what the chain cost an append.
CREATE OR REPLACE FUNCTION es_chain_loop(p_prev bytea, p_events jsonb) RETURNS bytea[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $es_chain_fn$
DECLARE
  v_hash bytea := coalesce(p_prev, decode('${GENESIS_HEX}', 'hex'));
  v_out bytea[] := ARRAY[v_hash];
  v_digest text;
BEGIN
  FOR v_i IN 0 .. jsonb_array_length(p_events) - 1 LOOP
    v_digest := p_events -> v_i ->> 'digest';
    IF v_digest IS NOT NULL THEN
      v_hash := sha256(v_hash || decode(v_digest, 'hex'));
    END IF;
    v_out := v_out || v_hash;
  END LOOP;
  RETURN v_out;
END
$es_chain_fn$;
CREATE OR REPLACE FUNCTION es_chain(p_prev bytea, p_events jsonb) RETURNS bytea[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $es_chain_one$
  SELECT CASE WHEN jsonb_array_length(p_events) = 1 AND p_events -> 0 ? 'digest'
    THEN ARRAY[coalesce(p_prev, decode('${GENESIS_HEX}', 'hex')),
               sha256(coalesce(p_prev, decode('${GENESIS_HEX}', 'hex')) || decode(p_events -> 0 ->> 'digest', 'hex'))]
    ELSE es_chain_loop(p_prev, p_events) END
$es_chain_one$;
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
  v_chain bytea[];
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'es_append needs at least one event';
  END IF;
  -- 1. Move the stream's revision, failing on the wrong expectation, and its chain (from the head
  -- hash the row holds; a row with none predates the chain and is resolved in step 3).
  IF p_expected = 'any' THEN
    INSERT INTO es_streams AS s (stream_id, revision, chain) VALUES (p_stream, v_count - 1, es_chain(NULL, p_events))
    ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + v_count,
      chain = CASE WHEN s.chain IS NULL THEN NULL ELSE es_chain(s.chain[array_upper(s.chain, 1)], p_events) END
    RETURNING s.revision, s.chain INTO o_revision, v_chain;
  ELSIF p_expected = 'no_stream' THEN
    INSERT INTO es_streams (stream_id, revision, chain) VALUES (p_stream, v_count - 1, es_chain(NULL, p_events))
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING revision, chain INTO o_revision, v_chain;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE es_streams SET revision = revision + v_count,
      chain = CASE WHEN chain IS NULL THEN NULL ELSE es_chain(chain[array_upper(chain, 1)], p_events) END
     WHERE stream_id = p_stream
    RETURNING revision, chain INTO o_revision, v_chain;
  ELSE
    UPDATE es_streams SET revision = revision + v_count,
      chain = CASE WHEN chain IS NULL THEN NULL ELSE es_chain(chain[array_upper(chain, 1)], p_events) END
     WHERE stream_id = p_stream AND revision = p_expected::bigint
    RETURNING revision, chain INTO o_revision, v_chain;
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
  -- 3. A stream whose row predates the chain: chain from its last hashed event if it has one
  -- (none: its rows are the pre-chain prefix, and the chain starts at genesis). Once per stream.
  IF v_chain IS NULL THEN
    SELECT hash INTO v_prev FROM es_events
     WHERE stream_id = p_stream AND revision <= o_revision - v_count AND hash IS NOT NULL
     ORDER BY revision DESC LIMIT 1;
    v_chain := es_chain(v_prev, p_events);
    UPDATE es_streams SET chain = v_chain WHERE stream_id = p_stream;
  END IF;
  -- 4. The events with consecutive revisions; positions follow the array's order. Each event's
  -- hash is its slot of the chain and its predecessor's the slot before (none without a digest).
  WITH written AS (
    INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, prev_hash, hash)
    SELECT p_stream, o_revision - v_count + e.n, (e.ev->>'id')::uuid, e.ev->>'type', e.ev->'data', e.ev->'metadata',
           CASE WHEN e.ev ? 'digest' THEN v_chain[e.n] END, CASE WHEN e.ev ? 'digest' THEN v_chain[e.n + 1] END
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
