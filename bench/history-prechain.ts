/**
 * es_append as it was before the hash chain (git history of src/event-store/sql-schema.ts, the
 * commit before the chain), under another name: the "no chain" arm of bench/history-chain.ts
 * writes the same table through it, so the two arms differ by the chain and nothing else.
 */
export const PRE_CHAIN_APPEND = `
CREATE OR REPLACE FUNCTION es_append_prechain(
  p_stream text, p_expected text, p_events jsonb, p_unique jsonb,
  OUT o_revision bigint, OUT o_commit text, OUT o_position bigint
) LANGUAGE plpgsql AS $es_append_prechain$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_actual bigint;
  v_change jsonb;
  v_index bigint;
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
    RAISE EXCEPTION USING ERRCODE = 'CA001',
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
        RAISE EXCEPTION USING ERRCODE = 'CA002',
          MESSAGE = format('unique value already taken in scope %s', v_change->>'scope'), DETAIL = v_index::text, HINT = p_stream;
      END IF;
    ELSIF v_change->>'change' = 'release' THEN
      DELETE FROM es_unique WHERE scope = v_change->>'scope' AND value = v_change->>'value' AND stream_id = p_stream;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'CA003',
          MESSAGE = format('stream %s does not hold the value it releases in scope %s', p_stream, v_change->>'scope'),
          DETAIL = v_index::text, HINT = p_stream;
      END IF;
    ELSE
      RAISE EXCEPTION 'es_append: unknown unique change %', v_change->>'change';
    END IF;
  END LOOP;
  -- 3. The events with consecutive revisions; positions follow the array's order.
  WITH written AS (
    INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
    SELECT p_stream, o_revision - v_count + e.n, (e.ev->>'id')::uuid, e.ev->>'type', e.ev->'data', e.ev->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, n)
     ORDER BY e.n
    RETURNING position
  )
  SELECT max(position) INTO o_position FROM written;
  o_commit := pg_current_xact_id()::text;
END
$es_append_prechain$;
`;
