-- rapport's server schema, version 3: sync conflicts settled for the whole
-- team.

-- A conflict settled by one of its two writers (or a manager) is settled for
-- every laptop: who did it and when. The row takes a new sequence number,
-- so every laptop's next pull sees the change.
ALTER TABLE rapport.conflicts ADD COLUMN resolved_at timestamptz, ADD COLUMN resolved_by text;

-- Settles the given conflicts as the caller; returns the ids settled now
-- (one already settled keeps its first resolver).
CREATE FUNCTION rapport.resolve(p_ids bigint[])
RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_mgr  boolean;
    v_seq  bigint;
    v_done bigint[];
BEGIN
    SELECT is_manager INTO v_mgr FROM members WHERE login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a member of this team', session_user USING ERRCODE = '42501';
    END IF;
    -- The same lock as a push: sequence numbers commit in order.
    PERFORM pg_advisory_xact_lock(7274616, 1);
    v_seq := nextval('seq');
    WITH done AS (
        UPDATE conflicts c SET resolved_at = now(), resolved_by = session_user, seq = v_seq
        WHERE c.id = ANY (p_ids) AND c.resolved_at IS NULL
          AND (v_mgr OR session_user = c.winner_login OR session_user = c.loser_login)
        RETURNING c.id)
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_done FROM done;
    RETURN v_done;
END;
$$;
REVOKE ALL ON FUNCTION rapport.resolve(bigint[]) FROM PUBLIC;

-- A team made before this version: its members may call it too.
DO $$
DECLARE
    v_role text := (SELECT value FROM rapport.meta WHERE key = 'member_role');
BEGIN
    IF v_role IS NOT NULL THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.resolve(bigint[]) TO %I', v_role);
    END IF;
END;
$$;
