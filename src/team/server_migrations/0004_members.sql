-- rapport's server schema, version 4: every manager of the team gives reps a
-- login (`rapport team add-rep`), not only the team's owner. Making a role
-- needs the owner's CREATEROLE; this function lends it, with the team's rules.

-- Gives the new role p_login (its password as a SCRAM verifier, never the
-- password itself) to the rep record p_rep_uid, under p_manager_login (NULL:
-- the caller). The owner names any rep and any member as manager; another
-- manager only reps of their reporting line, under someone in it.
CREATE FUNCTION rapport.add_member(p_login text, p_verifier text, p_rep_uid text, p_manager_login text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_rep   text;
    v_mgr   boolean;
    v_boss  text := coalesce(p_manager_login, session_user);
    v_role  text := (SELECT value FROM meta WHERE key = 'member_role');
    v_line  text[];
    v_taken text;
BEGIN
    SELECT rep_uid, is_manager INTO v_rep, v_mgr FROM members WHERE login = session_user;
    IF NOT coalesce(v_mgr, false) THEN
        RAISE EXCEPTION 'only the team''s managers add reps (% is not one)', session_user USING ERRCODE = '42501';
    END IF;
    IF p_login IS NULL OR p_login = '' OR p_verifier IS NULL OR p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'add-rep: expected a login and a SCRAM-SHA-256 verifier of its password' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        RAISE EXCEPTION 'the server already has a role named %', p_login USING ERRCODE = '42710';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM records WHERE entity = 'rep' AND uid = p_rep_uid AND NOT deleted) THEN
        RAISE EXCEPTION 'the team''s book has no rep %', p_rep_uid USING ERRCODE = '22023';
    END IF;
    SELECT login INTO v_taken FROM members WHERE rep_uid = p_rep_uid;
    IF v_taken IS NOT NULL THEN
        RAISE EXCEPTION 'that rep already signs in as %', v_taken USING ERRCODE = '42710';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM members WHERE login = v_boss) THEN
        RAISE EXCEPTION 'the manager named, %, has no login in this team', v_boss USING ERRCODE = '22023';
    END IF;
    IF session_user IS DISTINCT FROM (SELECT value FROM meta WHERE key = 'owner_login') THEN
        -- The caller's reporting line: their rep and every rep under them.
        WITH RECURSIVE line (uid) AS (
            SELECT v_rep WHERE v_rep IS NOT NULL
            UNION
            SELECT r.uid FROM records r JOIN line l ON r.data->>'manager_id' = l.uid
            WHERE r.entity = 'rep' AND NOT r.deleted
        )
        SELECT coalesce(array_agg(uid), '{}') INTO v_line FROM line;
        IF NOT (p_rep_uid = ANY (v_line)) THEN
            RAISE EXCEPTION 'a manager gives logins only to reps of their reporting line' USING ERRCODE = '42501';
        END IF;
        IF NOT coalesce((SELECT rep_uid FROM members WHERE login = v_boss) = ANY (v_line), false) THEN
            RAISE EXCEPTION 'a manager puts reps only under someone in their reporting line' USING ERRCODE = '42501';
        END IF;
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', p_login, p_verifier, v_role);
    INSERT INTO members (login, rep_uid, is_manager, manager_login) VALUES (p_login, p_rep_uid, false, v_boss);
END;
$$;
REVOKE ALL ON FUNCTION rapport.add_member(text, text, text, text) FROM PUBLIC;

-- Servers made before this version: their members may call it (it checks who).
DO $$
DECLARE
    v_role text := (SELECT value FROM rapport.meta WHERE key = 'member_role');
BEGIN
    IF v_role IS NOT NULL THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.add_member(text, text, text, text) TO %I', v_role);
    END IF;
END $$;
