-- rapport's server schema, version 1: the shared book, the sync log, and
-- who may do what, enforced here. Applied by `rapport team init` in one
-- transaction; the version is kept in rapport.meta. Members read the team's
-- book (row-level security: members only) and write only through
-- rapport.push (SECURITY DEFINER), which checks each op: a rep edits only
-- accounts they own and what hangs off them, logs activities on any account;
-- a manager edits everything, reassigns owners and sets targets.
CREATE SCHEMA rapport;

CREATE TABLE rapport.meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- A person of the team: their database role (login), the rep they are.
CREATE TABLE rapport.members (
    login      text PRIMARY KEY,
    rep_uid    text,
    is_manager boolean NOT NULL DEFAULT false,
    manager_login text REFERENCES rapport.members (login)
);

-- A laptop: whose it is, the last push it made (a retried push is a no-op),
-- and how far it has pulled.
CREATE TABLE rapport.devices (
    device_id        text PRIMARY KEY,
    login            text NOT NULL,
    last_mutation_id bigint NOT NULL DEFAULT 0,
    cursor           bigint NOT NULL DEFAULT 0,
    seen_at          timestamptz NOT NULL DEFAULT now()
);

-- The server's sequence: every push takes one number under an advisory
-- lock, so numbers commit in order and a cursor never skips a late commit.
CREATE SEQUENCE rapport.seq;

-- Every shared record: field -> value (references as uids) and
-- field -> [hlc, device] of the write that value came from (none: the
-- value the team started from).
CREATE TABLE rapport.records (
    entity      text NOT NULL,
    uid         text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    clocks      jsonb NOT NULL DEFAULT '{}',
    deleted     boolean NOT NULL DEFAULT false,
    owner_login text,
    account_uid text,
    seq         bigint NOT NULL,
    PRIMARY KEY (entity, uid)
);
CREATE INDEX records_seq ON rapport.records (seq);

-- Every op pushed, kept or not: the audit trail of the team's book.
CREATE TABLE rapport.ops (
    seq    bigint NOT NULL,
    entity text NOT NULL,
    uid    text NOT NULL,
    field  text NOT NULL,
    value  jsonb,
    hlc    bigint NOT NULL,
    device text NOT NULL,
    login  text NOT NULL,
    kept   boolean NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ops_seq ON rapport.ops (seq);

-- An overwrite of a value its writer had not seen: both values, both
-- clocks, and who wrote them.
CREATE TABLE rapport.conflicts (
    id            bigserial PRIMARY KEY,
    seq           bigint NOT NULL,
    entity        text NOT NULL,
    uid           text NOT NULL,
    field         text NOT NULL,
    winner_value  jsonb,
    loser_value   jsonb,
    winner_hlc    bigint NOT NULL,
    loser_hlc     bigint NOT NULL,
    winner_device text NOT NULL,
    loser_device  text NOT NULL,
    winner_login  text,
    loser_login   text,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conflicts_seq ON rapport.conflicts (seq);

-- How far a device has pulled (for purging tombstones every device has seen).
CREATE FUNCTION rapport.pulled(p_device text, p_cursor bigint)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
    INSERT INTO devices (device_id, login, cursor) VALUES (p_device, session_user, p_cursor)
    ON CONFLICT (device_id) DO UPDATE SET cursor = greatest(devices.cursor, excluded.cursor), seen_at = now()
    WHERE devices.login = session_user;
$$;

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


-- The owner of an account as the server holds it. An account this push
-- creates is the rep's only when every owner_id op of the push names the rep
-- (p_owners: account uid -> that verdict); nobody's otherwise.
CREATE FUNCTION rapport.owner_of(p_account text, p_rep text, p_owners jsonb, p_created text[])
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_data jsonb;
BEGIN
    IF p_account IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT data INTO v_data FROM records WHERE entity = 'account' AND uid = p_account;
    IF v_data IS NOT NULL AND NOT (('account ' || p_account) = ANY (p_created)) THEN
        RETURN v_data->>'owner_id';
    END IF;
    IF p_owners->p_account = 'true'::jsonb THEN
        RETURN p_rep;
    END IF;
    RETURN NULL;
END;
$$;

-- Why a rep may not write this field to this value, or NULL when they may.
-- p_homes: "entity uid" -> every account_id value the push gives that record.
CREATE FUNCTION rapport.refusal(p_rep text, p_entity text, p_uid text, p_field text, p_value jsonb,
                                p_owners jsonb, p_homes jsonb, p_created text[])
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp
AS $$
DECLARE
    c_rule constant text := 'a rep edits only accounts they own and what hangs off them';
    v_data jsonb;
    v_new  boolean;
    v_key  text := p_entity || ' ' || p_uid;
BEGIN
    IF p_rep IS NULL THEN
        RETURN 'this login is not tied to a rep of the team';
    END IF;
    SELECT data INTO v_data FROM records WHERE entity = p_entity AND uid = p_uid;
    v_new := v_data IS NULL OR v_key = ANY (p_created);
    IF p_entity = 'rep' THEN
        RETURN 'only a manager changes the team''s reps';
    ELSIF p_entity = 'target' THEN
        RETURN 'only a manager sets targets';
    ELSIF p_entity = 'account' THEN
        IF p_field = 'owner_id' AND NOT v_new THEN
            RETURN 'only a manager reassigns an account';
        END IF;
        IF p_field = 'owner_id' AND (p_value #>> '{}') IS DISTINCT FROM p_rep THEN
            RETURN 'a rep creates accounts only for themselves';
        END IF;
        IF owner_of(p_uid, p_rep, p_owners, p_created) IS DISTINCT FROM p_rep THEN
            RETURN c_rule;
        END IF;
        RETURN NULL;
    END IF;
    -- Anyone logs on any account; an entry is then its writer's (or the account owner's).
    IF p_entity = 'activity' AND (v_new OR v_data->>'rep_id' = p_rep) THEN
        RETURN NULL;
    END IF;
    IF v_new THEN
        -- Every account the push puts the new record on must be the rep's.
        IF jsonb_typeof(p_homes->v_key) IS DISTINCT FROM 'array'
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_homes->v_key) a
                      WHERE owner_of(a #>> '{}', p_rep, p_owners, p_created) IS DISTINCT FROM p_rep) THEN
            RETURN c_rule;
        END IF;
        RETURN NULL;
    END IF;
    IF owner_of(v_data->>'account_id', p_rep, p_owners, p_created) IS DISTINCT FROM p_rep THEN
        RETURN c_rule;
    END IF;
    IF p_field = 'account_id' AND owner_of(p_value #>> '{}', p_rep, p_owners, p_created) IS DISTINCT FROM p_rep THEN
        RETURN 'a rep moves records only onto accounts they own';
    END IF;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION rapport.owner_of(text, text, jsonb, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION rapport.refusal(text, text, text, text, jsonb, jsonb, jsonb, text[]) FROM PUBLIC;

CREATE FUNCTION rapport.push(p_device text, p_mutation bigint, p_ops jsonb)
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
REVOKE ALL ON FUNCTION rapport.pulled(text, bigint) FROM PUBLIC;
