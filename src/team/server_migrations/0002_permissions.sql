-- rapport's server schema, version 2: who may do what, enforced here.
-- Members read the team's book (row-level security: members only) and write
-- only through rapport.push, which checks each op: a rep edits only accounts
-- they own and what hangs off them, logs activities on any account; a
-- manager edits everything, reassigns owners and sets targets.
REVOKE ALL ON FUNCTION rapport.push(text, bigint, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION rapport.pulled(text, bigint) FROM PUBLIC;

-- Whether the caller is a member (definer's rights: no policy recursion).
CREATE FUNCTION rapport.is_member() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM members WHERE login = session_user) $$;

ALTER TABLE rapport.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE rapport.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE rapport.conflicts ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON rapport.records FOR SELECT USING (rapport.is_member());
CREATE POLICY members_read ON rapport.members FOR SELECT USING (rapport.is_member());
CREATE POLICY members_read ON rapport.conflicts FOR SELECT USING (rapport.is_member());

-- A field's value in a record, else in this push's ops (a record the push creates).
CREATE FUNCTION rapport.field_of(p_data jsonb, p_ops jsonb, p_entity text, p_uid text, p_field text) RETURNS text
LANGUAGE sql STABLE SET search_path = rapport, pg_temp
AS $$
    SELECT coalesce(
        p_data->>p_field,
        (SELECT o->>'v' FROM jsonb_array_elements(p_ops) o
         WHERE o->>'e' = p_entity AND o->>'u' = p_uid AND o->>'f' = p_field LIMIT 1))
$$;

-- Why a rep may not write this field, or NULL when they may.
-- p_new: the record did not exist before this push.
CREATE FUNCTION rapport.refusal(p_rep text, p_entity text, p_uid text, p_field text, p_ops jsonb, p_new boolean)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_data    jsonb;
    v_new     boolean;
    v_account text;
    v_adata   jsonb;
BEGIN
    SELECT data INTO v_data FROM records WHERE entity = p_entity AND uid = p_uid;
    v_new := p_new OR v_data IS NULL;
    IF p_entity = 'rep' THEN
        RETURN 'only a manager changes the team''s reps';
    ELSIF p_entity = 'target' THEN
        RETURN 'only a manager sets targets';
    ELSIF p_entity = 'account' THEN
        IF p_field = 'owner_id' AND NOT v_new THEN
            RETURN 'only a manager reassigns an account';
        END IF;
        v_account := p_uid;
    ELSIF p_entity = 'activity' THEN
        -- Anyone logs on any account; an entry is then its writer's (or the account owner's).
        IF v_new OR v_data->>'rep_id' = p_rep THEN
            RETURN NULL;
        END IF;
        v_account := v_data->>'account_id';
    ELSE
        v_account := field_of(v_data, p_ops, p_entity, p_uid, 'account_id');
    END IF;
    SELECT data INTO v_adata FROM records WHERE entity = 'account' AND uid = v_account;
    IF field_of(v_adata, p_ops, 'account', v_account, 'owner_id') IS DISTINCT FROM p_rep THEN
        RETURN 'a rep edits only accounts they own and what hangs off them';
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION rapport.push(p_device text, p_mutation bigint, p_ops jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_login  text := session_user;
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
BEGIN
    SELECT rep_uid, is_manager INTO v_rep, v_mgr FROM members WHERE login = v_login;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a member of this team', v_login USING ERRCODE = '42501';
    END IF;
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
    v_seq := nextval('seq');
    FOR op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        v_entity := op->>'e';
        v_uid := op->>'u';
        v_field := op->>'f';
        v_hlc := (op->>'h')::bigint;
        v_base := coalesce((op->>'b')::bigint, 0);
        IF NOT v_mgr THEN
            v_why := refusal(v_rep, v_entity, v_uid, v_field, p_ops, (v_entity || ' ' || v_uid) = ANY (v_created));
            IF v_why IS NOT NULL THEN
                -- Not applied; the record comes down again so the laptop puts its value back.
                UPDATE records SET seq = v_seq WHERE entity = v_entity AND uid = v_uid AND data ? 'created_at';
                v_refused := v_refused || jsonb_build_object('e', v_entity, 'u', v_uid, 'f', v_field, 'why', v_why,
                    'new', NOT EXISTS (SELECT 1 FROM records WHERE entity = v_entity AND uid = v_uid AND data ? 'created_at'));
                CONTINUE;
            END IF;
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
