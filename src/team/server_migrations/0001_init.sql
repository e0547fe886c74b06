-- rapport's server schema, version 1: the shared book and the sync log.
-- Applied by `rapport team init` in one transaction; the version is kept in
-- rapport.meta. Clients write only through rapport.push (SECURITY DEFINER).
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

-- One push: the device's ops {e, u, f, v, h, b} applied per field, the later
-- clock winning (ties by device id), in one transaction.
CREATE FUNCTION rapport.push(p_device text, p_mutation bigint, p_ops jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
DECLARE
    v_login  text := session_user;
    v_owner  text;
    v_last   bigint;
    v_seq    bigint;
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
    n_kept   int := 0;
    n_lost   int := 0;
    n_conf   int := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(7274616, 1);
    SELECT last_mutation_id, login INTO v_last, v_owner FROM devices WHERE device_id = p_device FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO devices (device_id, login) VALUES (p_device, v_login);
        v_last := 0;
    ELSIF v_owner <> v_login THEN
        RAISE EXCEPTION 'device % belongs to %, not %', p_device, v_owner, v_login USING ERRCODE = '42501';
    END IF;
    IF p_mutation <= v_last THEN
        RETURN jsonb_build_object('duplicate', true, 'kept', 0, 'lost', 0, 'conflicts', 0);
    END IF;
    v_seq := nextval('seq');
    FOR op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        v_entity := op->>'e';
        v_uid := op->>'u';
        v_field := op->>'f';
        v_hlc := (op->>'h')::bigint;
        v_base := coalesce((op->>'b')::bigint, 0);
        SELECT clocks->v_field, data->v_field, true INTO v_clock, v_cur_v, v_found
        FROM records WHERE entity = v_entity AND uid = v_uid FOR UPDATE;
        IF v_found IS NULL THEN
            INSERT INTO records (entity, uid, seq) VALUES (v_entity, v_uid, v_seq);
            v_clock := NULL;
            v_cur_v := NULL;
        END IF;
        v_found := NULL;
        v_cur_h := coalesce((v_clock->>0)::bigint, 0);
        v_cur_d := coalesce(v_clock->>1, '');
        -- Activities and notes are only ever added to, and updated_at is
        -- stamped by every write: neither is a conflict worth a person's time.
        IF v_clock IS NOT NULL AND v_cur_h <> v_base AND v_entity <> 'activity' AND v_field <> 'updated_at'
           AND v_cur_v IS DISTINCT FROM op->'v' THEN
            INSERT INTO conflicts (seq, entity, uid, field, winner_value, loser_value, winner_hlc, loser_hlc,
                                   winner_device, loser_device, winner_login, loser_login)
            SELECT v_seq, v_entity, v_uid, v_field,
                   CASE WHEN w THEN op->'v' ELSE v_cur_v END, CASE WHEN w THEN v_cur_v ELSE op->'v' END,
                   CASE WHEN w THEN v_hlc ELSE v_cur_h END, CASE WHEN w THEN v_cur_h ELSE v_hlc END,
                   CASE WHEN w THEN p_device ELSE v_cur_d END, CASE WHEN w THEN v_cur_d ELSE p_device END,
                   CASE WHEN w THEN v_login ELSE (SELECT login FROM devices WHERE device_id = v_cur_d) END,
                   CASE WHEN w THEN (SELECT login FROM devices WHERE device_id = v_cur_d) ELSE v_login END
            FROM (SELECT (v_hlc, p_device COLLATE "C") > (v_cur_h, v_cur_d COLLATE "C") AS w) x;
            n_conf := n_conf + 1;
        END IF;
        IF (v_hlc, p_device COLLATE "C") > (v_cur_h, v_cur_d COLLATE "C") THEN
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
        VALUES (v_seq, v_entity, v_uid, v_field, op->'v', v_hlc, p_device, v_login, (v_hlc, p_device COLLATE "C") > (v_cur_h, v_cur_d COLLATE "C"));
    END LOOP;
    UPDATE devices SET last_mutation_id = p_mutation, seen_at = now() WHERE device_id = p_device;
    RETURN jsonb_build_object('duplicate', false, 'seq', v_seq, 'kept', n_kept, 'lost', n_lost, 'conflicts', n_conf);
END;
$$;

-- How far a device has pulled (for purging tombstones every device has seen).
CREATE FUNCTION rapport.pulled(p_device text, p_cursor bigint)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = rapport, pg_temp
AS $$
    INSERT INTO devices (device_id, login, cursor) VALUES (p_device, session_user, p_cursor)
    ON CONFLICT (device_id) DO UPDATE SET cursor = greatest(devices.cursor, excluded.cursor), seen_at = now()
    WHERE devices.login = session_user;
$$;
