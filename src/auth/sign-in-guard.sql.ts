/**
 * The sign-in guard's table and functions (PostgreSQL and PGlite). Each key is a subject (a
 * user, or a name that matches no user) or a source address. `inflight` counts guesses reserved
 * and not yet settled; a reservation older than the stale bound no longer counts (a process that
 * died mid-sign-in cannot lock anyone out for ever).
 *
 * Subjects: a guess is allowed while failures + inflight < free attempts; past them, only one at
 * a time, and only once the lock has run out: last failure + min(cap, base * 2^(failures - free)).
 * Addresses: at most `limit` failures + in-flight guesses per fixed window.
 */
export const GUARD_TABLE = 'auth_guard_v1';

export const GUARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS ${GUARD_TABLE} (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz,
  window_start timestamptz,
  inflight integer NOT NULL DEFAULT 0,
  inflight_since timestamptz,
  touched_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${GUARD_TABLE}_touched ON ${GUARD_TABLE} (touched_at);

CREATE OR REPLACE FUNCTION auth_guard_reserve(
  p_subject text, p_address text, p_now timestamptz,
  p_free integer, p_base_ms integer, p_cap_ms integer,
  p_address_limit integer, p_window_ms integer, p_stale_ms integer
) RETURNS TABLE (subject_ok boolean, address_ok boolean)
LANGUAGE plpgsql AS $auth_guard_reserve$
DECLARE
  v_stale timestamptz := p_now - make_interval(secs => p_stale_ms / 1000.0);
  v_window timestamptz := p_now - make_interval(secs => p_window_ms / 1000.0);
  v_rows integer;
BEGIN
  subject_ok := true;
  address_ok := true;
  -- 1. The address: failures in the current window plus guesses in flight stay under the limit.
  IF p_address IS NOT NULL THEN
    INSERT INTO ${GUARD_TABLE} AS g (key, failures, window_start, inflight, inflight_since, touched_at)
      VALUES (p_address, 0, p_now, 1, p_now, p_now)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN g.window_start IS NULL OR g.window_start <= v_window THEN 0 ELSE g.failures END,
      window_start = CASE WHEN g.window_start IS NULL OR g.window_start <= v_window THEN p_now ELSE g.window_start END,
      inflight = CASE WHEN g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN 1 ELSE g.inflight + 1 END,
      inflight_since = CASE WHEN g.inflight = 0 OR g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN p_now ELSE g.inflight_since END,
      touched_at = p_now
    WHERE (CASE WHEN g.window_start IS NULL OR g.window_start <= v_window THEN 0 ELSE g.failures END)
        + (CASE WHEN g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN 0 ELSE g.inflight END) < p_address_limit;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
      address_ok := false;
      RETURN NEXT;
      RETURN;
    END IF;
  END IF;
  -- 2. The subject: free attempts, then one guess at a time once the lock has run out.
  IF p_subject IS NOT NULL THEN
    INSERT INTO ${GUARD_TABLE} AS g (key, failures, inflight, inflight_since, touched_at)
      VALUES (p_subject, 0, 1, p_now, p_now)
    ON CONFLICT (key) DO UPDATE SET
      inflight = CASE WHEN g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN 1 ELSE g.inflight + 1 END,
      inflight_since = CASE WHEN g.inflight = 0 OR g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN p_now ELSE g.inflight_since END,
      touched_at = p_now
    WHERE g.failures + (CASE WHEN g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN 0 ELSE g.inflight END) < p_free
       OR ((CASE WHEN g.inflight_since IS NULL OR g.inflight_since <= v_stale THEN 0 ELSE g.inflight END) = 0
           AND g.last_failure_at + make_interval(secs => least(p_cap_ms::double precision, p_base_ms * power(2::double precision, least(greatest(g.failures - p_free, 0), 30))) / 1000.0) <= p_now);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
      subject_ok := false;
      -- The address's reservation is handed back: this guess will not be checked.
      IF p_address IS NOT NULL THEN
        UPDATE ${GUARD_TABLE} SET inflight = greatest(inflight - 1, 0) WHERE key = p_address;
      END IF;
    END IF;
  END IF;
  RETURN NEXT;
END;
$auth_guard_reserve$;

CREATE OR REPLACE FUNCTION auth_guard_settle(
  p_subject text, p_address text, p_now timestamptz, p_outcome text, p_window_ms integer
) RETURNS void
LANGUAGE plpgsql AS $auth_guard_settle$
DECLARE
  v_window timestamptz := p_now - make_interval(secs => p_window_ms / 1000.0);
BEGIN
  IF p_subject IS NOT NULL THEN
    UPDATE ${GUARD_TABLE} SET
      inflight = greatest(inflight - 1, 0),
      failures = CASE p_outcome WHEN 'success' THEN 0 WHEN 'wrong_password' THEN failures + 1 ELSE failures END,
      last_failure_at = CASE p_outcome WHEN 'success' THEN NULL WHEN 'wrong_password' THEN p_now ELSE last_failure_at END,
      touched_at = p_now
    WHERE key = p_subject;
  END IF;
  IF p_address IS NOT NULL THEN
    UPDATE ${GUARD_TABLE} SET
      inflight = greatest(inflight - 1, 0),
      failures = CASE WHEN p_outcome IN ('wrong_password', 'other_failure')
        THEN (CASE WHEN window_start IS NULL OR window_start <= v_window THEN 0 ELSE failures END) + 1 ELSE failures END,
      window_start = CASE WHEN p_outcome IN ('wrong_password', 'other_failure') AND (window_start IS NULL OR window_start <= v_window) THEN p_now ELSE window_start END,
      touched_at = p_now
    WHERE key = p_address;
  END IF;
END;
$auth_guard_settle$;
`;
