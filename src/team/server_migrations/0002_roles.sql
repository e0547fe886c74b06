-- rapport's server schema, version 3: sync conflicts settled for the whole
-- team, a group role of the team's own, and managers held to their
-- reporting line (the team's owner excepted).

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

-- Who owns the team: the manager who ran init. They edit everything;
-- another manager edits the accounts of their reporting line.
INSERT INTO rapport.meta (key, value)
SELECT 'owner_login', login FROM rapport.members
WHERE is_manager AND manager_login IS NULL
ORDER BY login LIMIT 1
ON CONFLICT (key) DO NOTHING;

-- Whether an account is owned in this reporting line (an account this push
-- creates: when every owner_id op of the push names someone in it).
CREATE FUNCTION rapport.in_line(p_account text, p_line text[], p_owners jsonb, p_created text[])
RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_data jsonb;
BEGIN
    IF p_account IS NULL THEN
        RETURN false;
    END IF;
    SELECT data INTO v_data FROM records WHERE entity = 'account' AND uid = p_account;
    IF v_data IS NOT NULL AND NOT (('account ' || p_account) = ANY (p_created)) THEN
        RETURN coalesce((v_data->>'owner_id') = ANY (p_line), false);
    END IF;
    RETURN p_owners->p_account = 'true'::jsonb;
END;
$$;

-- Why a manager who is not the team's owner may not write this field to this
-- value, or NULL when they may. p_line: the reps of their reporting line;
-- p_homes / p_reps: "entity uid" -> every account_id / rep_id value the push
-- gives that record.
CREATE FUNCTION rapport.manager_refusal(p_rep text, p_line text[], p_entity text, p_uid text, p_field text,
                                        p_value jsonb, p_owners jsonb, p_homes jsonb, p_reps jsonb,
                                        p_created text[])
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp
AS $$
DECLARE
    c_rule constant text := 'a manager edits only the accounts of reps in their reporting line';
    v_data jsonb;
    v_new  boolean;
    v_key  text := p_entity || ' ' || p_uid;
    v_to   text := p_value #>> '{}';
BEGIN
    IF p_rep IS NULL THEN
        RETURN 'this login is not tied to a rep of the team';
    END IF;
    SELECT data INTO v_data FROM records WHERE entity = p_entity AND uid = p_uid;
    v_new := v_data IS NULL OR v_key = ANY (p_created);
    IF p_entity = 'rep' THEN
        IF NOT v_new AND NOT (p_uid = ANY (p_line)) THEN
            RETURN 'a manager changes only the reps of their reporting line';
        END IF;
        IF p_field = 'manager_id' AND p_uid = p_rep THEN
            RETURN 'a manager''s own manager is set above them';
        END IF;
        IF p_field = 'manager_id' AND NOT coalesce(v_to = ANY (p_line), false) THEN
            RETURN 'a manager puts reps only under someone in their reporting line';
        END IF;
        RETURN NULL;
    ELSIF p_entity = 'account' THEN
        IF p_field = 'owner_id' AND NOT coalesce(v_to = ANY (p_line), false) THEN
            RETURN 'a manager gives accounts only to reps in their reporting line';
        END IF;
        IF NOT in_line(p_uid, p_line, p_owners, p_created) THEN
            RETURN c_rule;
        END IF;
        RETURN NULL;
    ELSIF p_entity = 'target' THEN
        -- A target is a rep's (in the line) or an account's (owned in it); the company's is the owner's.
        IF v_new THEN
            IF jsonb_typeof(p_reps->v_key) IS DISTINCT FROM 'array' OR jsonb_typeof(p_homes->v_key) IS DISTINCT FROM 'array'
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_reps->v_key) r
                          WHERE r <> 'null'::jsonb AND NOT coalesce((r #>> '{}') = ANY (p_line), false))
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_homes->v_key) a
                          WHERE a <> 'null'::jsonb AND NOT in_line(a #>> '{}', p_line, p_owners, p_created))
               OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements((p_reps->v_key) || (p_homes->v_key)) x
                              WHERE x <> 'null'::jsonb) THEN
                RETURN 'a manager sets targets only for their reporting line';
            END IF;
            RETURN NULL;
        END IF;
        IF NOT (coalesce((v_data->>'rep_id') = ANY (p_line), false) OR in_line(v_data->>'account_id', p_line, p_owners, p_created))
           OR (p_field = 'rep_id' AND v_to IS NOT NULL AND NOT (v_to = ANY (p_line)))
           OR (p_field = 'account_id' AND v_to IS NOT NULL AND NOT in_line(v_to, p_line, p_owners, p_created)) THEN
            RETURN 'a manager sets targets only for their reporting line';
        END IF;
        RETURN NULL;
    END IF;
    -- Anyone logs on any account; an entry is then its writer's line's (or the account owner's).
    IF p_entity = 'activity' AND (v_new OR coalesce((v_data->>'rep_id') = ANY (p_line), false)) THEN
        RETURN NULL;
    END IF;
    IF v_new THEN
        IF jsonb_typeof(p_homes->v_key) IS DISTINCT FROM 'array'
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_homes->v_key) a
                      WHERE NOT in_line(a #>> '{}', p_line, p_owners, p_created)) THEN
            RETURN c_rule;
        END IF;
        RETURN NULL;
    END IF;
    IF NOT in_line(v_data->>'account_id', p_line, p_owners, p_created) THEN
        RETURN c_rule;
    END IF;
    IF p_field = 'account_id' AND NOT in_line(v_to, p_line, p_owners, p_created) THEN
        RETURN 'a manager moves records only onto accounts of their reporting line';
    END IF;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION rapport.in_line(text, text[], jsonb, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION rapport.manager_refusal(text, text[], text, text, text, jsonb, jsonb, jsonb, jsonb, text[]) FROM PUBLIC;

-- The push of version 1, with managers held to their reporting line.
CREATE OR REPLACE FUNCTION rapport.push(p_device text, p_mutation bigint, p_ops jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    -- How far ahead of the server's clock an op may be stamped (clients
    -- clamp theirs at 5 minutes, so an honest one never comes near).
    c_ahead_ms constant bigint := 10 * 60 * 1000;
    v_login  text := session_user;
    v_now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
    v_owner  text;
    v_last   bigint;
    v_seq    bigint;
    v_rep    text;
    v_mgr    boolean;
    v_why    text;
    op       jsonb;
    v_entity text;
    v_uid    text;
    v_field  text;
    v_hlc    bigint;
    v_base   bigint;
    v_clock  jsonb;
    v_cur_h  bigint;
    v_cur_d  text;
    v_cur_v  jsonb;
    v_found  boolean;
    v_wins   boolean;
    n_kept   int := 0;
    n_lost   int := 0;
    n_conf   int := 0;
    v_refused jsonb := '[]';
    v_created text[] := '{}';
    v_owners jsonb := '{}';
    v_homes  jsonb := '{}';
    v_top    boolean;
    v_line   text[];
    v_reps   jsonb := '{}';
BEGIN
    SELECT rep_uid, is_manager INTO v_rep, v_mgr FROM members WHERE login = v_login;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a member of this team', v_login USING ERRCODE = '42501';
    END IF;
    -- The team's owner (who ran init) edits everything; another manager the
    -- accounts of their reporting line.
    v_top := v_mgr AND v_login IS NOT DISTINCT FROM (SELECT value FROM meta WHERE key = 'owner_login');
    PERFORM pg_advisory_xact_lock(7274616, 1);
    SELECT last_mutation_id, login INTO v_last, v_owner FROM devices WHERE device_id = p_device FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO devices (device_id, login) VALUES (p_device, v_login);
        v_last := 0;
    ELSIF v_owner <> v_login THEN
        RAISE EXCEPTION 'device % belongs to %, not %', p_device, v_owner, v_login USING ERRCODE = '42501';
    END IF;
    IF p_mutation <= v_last THEN
        RETURN jsonb_build_object('duplicate', true, 'kept', 0, 'lost', 0, 'conflicts', 0, 'refused', '[]'::jsonb);
    END IF;
    IF NOT v_mgr THEN
        -- Once per push, not per op: the accounts whose owner_id ops all name
        -- the rep, and every account each record's account_id ops name.
        SELECT coalesce(jsonb_object_agg(u, ok), '{}') INTO v_owners FROM (
            SELECT o->>'u' AS u, bool_and((o->>'v') IS NOT DISTINCT FROM v_rep) AS ok
            FROM jsonb_array_elements(p_ops) o
            WHERE o->>'e' = 'account' AND o->>'f' = 'owner_id' AND o->>'u' IS NOT NULL
            GROUP BY 1) x;
        SELECT coalesce(jsonb_object_agg(k, homes), '{}') INTO v_homes FROM (
            SELECT (o->>'e') || ' ' || (o->>'u') AS k, jsonb_agg(coalesce(o->'v', 'null'::jsonb)) AS homes
            FROM jsonb_array_elements(p_ops) o
            WHERE o->>'f' = 'account_id' AND o->>'e' IS NOT NULL AND o->>'u' IS NOT NULL
            GROUP BY 1) x;
    ELSIF NOT v_top THEN
        -- The manager's reporting line: their rep and every rep under them,
        -- transitively (reps new in this push by the manager_id they are given).
        WITH RECURSIVE edges (uid, boss) AS (
            SELECT uid, data->>'manager_id' FROM records WHERE entity = 'rep'
            UNION ALL
            SELECT o->>'u', o->>'v' FROM jsonb_array_elements(p_ops) o
            WHERE o->>'e' = 'rep' AND o->>'f' = 'manager_id'
              AND NOT EXISTS (SELECT 1 FROM records r WHERE r.entity = 'rep' AND r.uid = o->>'u')
        ), line (uid) AS (
            SELECT v_rep WHERE v_rep IS NOT NULL
            UNION
            SELECT e.uid FROM edges e JOIN line l ON e.boss = l.uid
        )
        SELECT coalesce(array_agg(uid), '{}') INTO v_line FROM line;
        SELECT coalesce(jsonb_object_agg(u, ok), '{}') INTO v_owners FROM (
            SELECT o->>'u' AS u, bool_and(coalesce((o->>'v') = ANY (v_line), false)) AS ok
            FROM jsonb_array_elements(p_ops) o
            WHERE o->>'e' = 'account' AND o->>'f' = 'owner_id' AND o->>'u' IS NOT NULL
            GROUP BY 1) x;
        SELECT coalesce(jsonb_object_agg(k, homes), '{}') INTO v_homes FROM (
            SELECT (o->>'e') || ' ' || (o->>'u') AS k, jsonb_agg(coalesce(o->'v', 'null'::jsonb)) AS homes
            FROM jsonb_array_elements(p_ops) o
            WHERE o->>'f' = 'account_id' AND o->>'e' IS NOT NULL AND o->>'u' IS NOT NULL
            GROUP BY 1) x;
        SELECT coalesce(jsonb_object_agg(k, reps), '{}') INTO v_reps FROM (
            SELECT (o->>'e') || ' ' || (o->>'u') AS k, jsonb_agg(coalesce(o->'v', 'null'::jsonb)) AS reps
            FROM jsonb_array_elements(p_ops) o
            WHERE o->>'f' = 'rep_id' AND o->>'e' IS NOT NULL AND o->>'u' IS NOT NULL
            GROUP BY 1) x;
    END IF;
    v_seq := nextval('seq');
    FOR op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        v_entity := op->>'e';
        v_uid := op->>'u';
        v_field := op->>'f';
        v_hlc := (op->>'h')::bigint;
        v_base := coalesce((op->>'b')::bigint, 0);
        IF v_entity IS NULL OR v_entity NOT IN ('rep', 'account', 'contact', 'deal', 'conflict', 'activity', 'target') THEN
            v_why := 'not a kind of record the team shares';
        ELSIF (v_hlc >> 16) > v_now_ms + c_ahead_ms THEN
            v_why := 'stamped more than 10 minutes ahead of the server''s clock';
        ELSIF NOT v_mgr THEN
            v_why := refusal(v_rep, v_entity, v_uid, v_field, op->'v', v_owners, v_homes, v_created);
        ELSIF NOT v_top THEN
            v_why := manager_refusal(v_rep, v_line, v_entity, v_uid, v_field, op->'v', v_owners, v_homes, v_reps,
                                     v_created);
        ELSE
            v_why := NULL;
        END IF;
        IF v_why IS NOT NULL THEN
            -- Not applied; the record comes down again so the laptop puts its value back.
            UPDATE records SET seq = v_seq WHERE entity = v_entity AND uid = v_uid AND data ? 'created_at';
            v_refused := v_refused || jsonb_build_object('e', v_entity, 'u', v_uid, 'f', v_field, 'why', v_why,
                'new', NOT EXISTS (SELECT 1 FROM records WHERE entity = v_entity AND uid = v_uid AND data ? 'created_at'));
            CONTINUE;
        END IF;
        v_found := NULL;
        SELECT clocks->v_field, data->v_field, true INTO v_clock, v_cur_v, v_found
        FROM records WHERE entity = v_entity AND uid = v_uid FOR UPDATE;
        IF v_found IS NULL THEN
            INSERT INTO records (entity, uid, seq) VALUES (v_entity, v_uid, v_seq);
            v_created := v_created || (v_entity || ' ' || v_uid);
            v_clock := NULL;
            v_cur_v := NULL;
        END IF;
        v_cur_h := coalesce((v_clock->>0)::bigint, 0);
        v_cur_d := coalesce(v_clock->>1, '');
        v_wins := (v_hlc, p_device COLLATE "C") > (v_cur_h, v_cur_d COLLATE "C");
        -- Activities and notes are only ever added to, and updated_at is
        -- stamped by every write: neither is a conflict worth a person's time.
        IF v_clock IS NOT NULL AND v_cur_h <> v_base AND v_entity <> 'activity' AND v_field <> 'updated_at'
           AND v_cur_v IS DISTINCT FROM op->'v' THEN
            INSERT INTO conflicts (seq, entity, uid, field, winner_value, loser_value, winner_hlc, loser_hlc,
                                   winner_device, loser_device, winner_login, loser_login)
            VALUES (v_seq, v_entity, v_uid, v_field,
                    CASE WHEN v_wins THEN op->'v' ELSE v_cur_v END, CASE WHEN v_wins THEN v_cur_v ELSE op->'v' END,
                    CASE WHEN v_wins THEN v_hlc ELSE v_cur_h END, CASE WHEN v_wins THEN v_cur_h ELSE v_hlc END,
                    CASE WHEN v_wins THEN p_device ELSE v_cur_d END, CASE WHEN v_wins THEN v_cur_d ELSE p_device END,
                    CASE WHEN v_wins THEN v_login ELSE (SELECT login FROM devices WHERE device_id = v_cur_d) END,
                    CASE WHEN v_wins THEN (SELECT login FROM devices WHERE device_id = v_cur_d) ELSE v_login END);
            n_conf := n_conf + 1;
        END IF;
        IF v_wins THEN
            UPDATE records
            SET data = jsonb_set(data, ARRAY[v_field], coalesce(op->'v', 'null'::jsonb)),
                clocks = jsonb_set(clocks, ARRAY[v_field], jsonb_build_array(v_hlc, p_device)),
                deleted = CASE WHEN v_field = 'deleted_at' THEN jsonb_typeof(op->'v') = 'string' ELSE deleted END,
                seq = v_seq
            WHERE entity = v_entity AND uid = v_uid;
            n_kept := n_kept + 1;
        ELSE
            -- The writer holds a value that lost: it pulls the winner again.
            UPDATE records SET seq = v_seq WHERE entity = v_entity AND uid = v_uid;
            n_lost := n_lost + 1;
        END IF;
        INSERT INTO ops (seq, entity, uid, field, value, hlc, device, login, kept)
        VALUES (v_seq, v_entity, v_uid, v_field, op->'v', v_hlc, p_device, v_login, v_wins);
    END LOOP;
    UPDATE devices SET last_mutation_id = p_mutation, seen_at = now() WHERE device_id = p_device;
    RETURN jsonb_build_object('duplicate', false, 'seq', v_seq, 'kept', n_kept, 'lost', n_lost,
                              'conflicts', n_conf, 'refused', v_refused);
END;
$$;
REVOKE ALL ON FUNCTION rapport.push(text, bigint, jsonb) FROM PUBLIC;
