-- rapport's server schema, version 3: sync conflicts settled for the whole
-- team, and a group role of the team's own.

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

-- The team's group role: named after its database and unique to it. The
-- name made safe and cut (the whole stays within PostgreSQL's 63 bytes),
-- then a hash of the exact name, so databases a-b and a_b get two roles.
CREATE FUNCTION rapport.group_role_for(p_db text)
RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
AS $$
    SELECT 'rapport_' || left(regexp_replace(p_db, '[^a-zA-Z0-9_]', '_', 'g'), 40) || '_'
           || left(encode(sha256(convert_to(p_db, 'UTF8')), 'hex'), 12)
$$;

-- A team made before this version has the old name, which another team's
-- database may share: its members move to a role of this team's own, and the
-- old one keeps no rights here (it stays, for the other team, if any).
DO $$
DECLARE
    v_old   text := (SELECT value FROM rapport.meta WHERE key = 'member_role');
    v_new   text := rapport.group_role_for(current_database());
    v_login text;
BEGIN
    IF v_old IS NULL OR v_old = v_new THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_new) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', v_new);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA rapport TO %I', v_new);
    EXECUTE format('GRANT SELECT ON rapport.meta, rapport.members, rapport.records, rapport.conflicts TO %I', v_new);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.push(text, bigint, jsonb), rapport.pulled(text, bigint), '
                   'rapport.resolve(bigint[]) TO %I', v_new);
    FOR v_login IN SELECT m.login FROM rapport.members m JOIN pg_roles r ON r.rolname = m.login LOOP
        EXECUTE format('GRANT %I TO %I', v_new, v_login);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_old) THEN
        EXECUTE format('REVOKE ALL ON SCHEMA rapport FROM %I', v_old);
        EXECUTE format('REVOKE ALL ON rapport.meta, rapport.members, rapport.records, rapport.conflicts FROM %I', v_old);
        EXECUTE format('REVOKE ALL ON FUNCTION rapport.push(text, bigint, jsonb), rapport.pulled(text, bigint), '
                       'rapport.resolve(bigint[]) FROM %I', v_old);
    END IF;
    UPDATE rapport.meta SET value = v_new WHERE key = 'member_role';
END;
$$;
