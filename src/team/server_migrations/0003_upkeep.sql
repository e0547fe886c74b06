-- rapport's server schema, version 3: pushes that name the laptop's run of
-- pushes, and purging tombstones every device has pulled past.
--
-- A laptop file restored from a backup sends mutation ids the server has
-- seen already. A push now carries a token, new for each run of pushes
-- (a sync's backlog, split into several calls); a mutation id the server has
-- seen counts as a retry only with the token it came with. Otherwise the
-- laptop is told it is behind and numbers its pushes after the server's.
ALTER TABLE rapport.devices ADD COLUMN push_token text;

-- Records purged are those deleted with seq <= purged_through; a laptop
-- whose cursor is below it may have missed a delete and downloads the book
-- again. A device not seen for device_idle_days no longer holds purging back.
INSERT INTO rapport.meta (key, value) VALUES ('purged_through', '0'), ('device_idle_days', '30');

-- One call of a run of pushes. Ops on a record the server no longer holds,
-- and that the push does not create, are refused: the record was deleted
-- and purged, and an edit alone would raise a record with one field.
CREATE FUNCTION rapport.push_run(p_device text, p_token text, p_mutation bigint, p_ops jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_last   bigint;
    v_token  text;
    v_owner  text;
    v_keep   jsonb;
    v_gone   jsonb;
    v_answer jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM members WHERE login = session_user) THEN
        RAISE EXCEPTION '% is not a member of this team', session_user USING ERRCODE = '42501';
    END IF;
    PERFORM pg_advisory_xact_lock(7274616, 1);
    SELECT last_mutation_id, push_token, login INTO v_last, v_token, v_owner
    FROM devices WHERE device_id = p_device FOR UPDATE;
    IF FOUND THEN
        IF v_owner <> session_user THEN
            RAISE EXCEPTION 'device % belongs to %, not %', p_device, v_owner, session_user USING ERRCODE = '42501';
        END IF;
        IF p_mutation <= v_last THEN
            RETURN jsonb_build_object('duplicate', v_token IS NOT DISTINCT FROM p_token,
                                      'behind', v_token IS DISTINCT FROM p_token, 'last_mutation', v_last,
                                      'kept', 0, 'lost', 0, 'conflicts', 0, 'refused', '[]'::jsonb);
        END IF;
    END IF;
    WITH o AS (SELECT value AS op, ordinality AS i FROM jsonb_array_elements(p_ops) WITH ORDINALITY),
         born AS (SELECT DISTINCT op->>'e' AS e, op->>'u' AS u FROM o WHERE op->>'f' = 'created_at')
    SELECT coalesce(jsonb_agg(o.op ORDER BY o.i) FILTER (WHERE r.uid IS NOT NULL OR b.u IS NOT NULL), '[]'),
           coalesce(jsonb_agg(jsonb_build_object('e', o.op->>'e', 'u', o.op->>'u', 'f', o.op->>'f',
                                                 'why', 'it was deleted and purged on the server', 'new', true)
                              ORDER BY o.i) FILTER (WHERE r.uid IS NULL AND b.u IS NULL), '[]')
    INTO v_keep, v_gone
    FROM o
    LEFT JOIN records r ON r.entity = o.op->>'e' AND r.uid = o.op->>'u'
    LEFT JOIN born b ON b.e = o.op->>'e' AND b.u = o.op->>'u';
    v_answer := push(p_device, p_mutation, v_keep);
    UPDATE devices SET push_token = p_token WHERE device_id = p_device;
    RETURN v_answer || jsonb_build_object('refused', (v_answer->'refused') || v_gone, 'last_mutation', p_mutation);
END;
$$;

-- Purges the tombstones (and their ops) every device seen within the idle
-- days has pulled past; a device away longer resyncs when it comes back.
-- The manager's, once in a while (`rapport team purge`).
CREATE FUNCTION rapport.purge(p_idle_days int)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_idle    int;
    v_old     bigint;
    v_horizon bigint;
    v_left    jsonb;
    n_records bigint;
    n_ops     bigint;
BEGIN
    IF NOT coalesce((SELECT is_manager FROM members WHERE login = session_user), false) THEN
        RAISE EXCEPTION 'only the team''s manager purges deleted records (% is not)', session_user USING ERRCODE = '42501';
    END IF;
    IF p_idle_days IS NOT NULL THEN
        IF p_idle_days < 1 THEN
            RAISE EXCEPTION 'idle days: expected a whole number of days from 1, got %', p_idle_days USING ERRCODE = '22023';
        END IF;
        UPDATE meta SET value = p_idle_days::text WHERE key = 'device_idle_days';
    END IF;
    -- Under the push lock: no push commits a seq below the horizon meanwhile.
    PERFORM pg_advisory_xact_lock(7274616, 1);
    v_idle := (SELECT value::int FROM meta WHERE key = 'device_idle_days');
    v_old := (SELECT value::bigint FROM meta WHERE key = 'purged_through');
    SELECT coalesce(min(cursor), (SELECT coalesce(max(seq), 0) FROM records)) INTO v_horizon
    FROM devices WHERE seen_at > now() - make_interval(days => v_idle);
    v_horizon := greatest(v_horizon, v_old);
    SELECT coalesce(jsonb_agg(device_id ORDER BY device_id), '[]') INTO v_left
    FROM devices WHERE cursor < v_horizon;
    WITH gone AS (
        DELETE FROM records WHERE deleted AND seq <= v_horizon RETURNING entity, uid
    ), ops_gone AS (
        DELETE FROM ops o USING gone g WHERE o.entity = g.entity AND o.uid = g.uid RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM ops_gone) INTO n_records, n_ops;
    UPDATE meta SET value = v_horizon::text WHERE key = 'purged_through';
    RETURN jsonb_build_object('records', n_records, 'ops', n_ops, 'horizon', v_horizon, 'idle_days', v_idle,
                              'left_behind', v_left);
END;
$$;
REVOKE ALL ON FUNCTION rapport.push_run(text, text, bigint, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION rapport.purge(int) FROM PUBLIC;

-- Servers made before this version: their members may call the new functions.
DO $$
DECLARE
    v_role text := (SELECT value FROM rapport.meta WHERE key = 'member_role');
BEGIN
    IF v_role IS NOT NULL THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.push_run(text, text, bigint, jsonb), rapport.purge(int) TO %I', v_role);
    END IF;
END $$;
