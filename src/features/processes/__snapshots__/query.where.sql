-- where {}
true

-- where {"score":7}
((case when jsonb_typeof(p.data->'score') = 'number' then (p.data->>'score')::numeric end) = $3::numeric and p.data @> $4::jsonb)
-- $3 = 7
-- $4 = "{\"score\":7}"

-- where {"score":"7"}
((case when jsonb_typeof(p.data->'score') = 'number' then (p.data->>'score')::numeric end) = $3::numeric and p.data @> $4::jsonb)
-- $3 = 7
-- $4 = "{\"score\":7}"

-- where {"score":{">=":5,"<":9}}
((case when jsonb_typeof(p.data->'score') = 'number' then (p.data->>'score')::numeric end) >= $3::numeric and (case when jsonb_typeof(p.data->'score') = 'number' then (p.data->>'score')::numeric end) < $4::numeric)
-- $3 = 5
-- $4 = 9

-- where {"firstname":"Asha"}
((case when jsonb_typeof(p.data->'firstname') = 'string' then p.data->>'firstname' end) collate "C" = $3::text and p.data @> $4::jsonb)
-- $3 = "Asha"
-- $4 = "{\"firstname\":\"Asha\"}"

-- where {"firstname":{"!=":"Ravi"}}
((case when jsonb_typeof(p.data->'firstname') = 'string' then p.data->>'firstname' end) collate "C" <> $3::text)
-- $3 = "Ravi"

-- where {"firstname":5}
((case when jsonb_typeof(p.data->'firstname') = 'string' then p.data->>'firstname' end) collate "C" = $3::text and p.data @> $4::jsonb)
-- $3 = "5"
-- $4 = "{\"firstname\":\"5\"}"

-- where {"lead_id":["LEAD-001","LEAD-002"]}
((case when jsonb_typeof(p.data->'lead_id') = 'string' then p.data->>'lead_id' end) collate "C" = any($3::text[]))
-- $3 = ["LEAD-001","LEAD-002"]

-- where {"lead_id":[]}
(false)

-- where {"vip":true}
((case when jsonb_typeof(p.data->'vip') = 'boolean' then (p.data->>'vip')::boolean end) = $3::boolean and p.data @> $4::jsonb)
-- $3 = true
-- $4 = "{\"vip\":true}"

-- where {"followUp":{">":"2026-01-01T00:00:00Z","<=":1798761600000}}
((case when jsonb_typeof(p.data->'followUp') = 'number' then (p.data->>'followUp')::numeric end) > $3::numeric and (case when jsonb_typeof(p.data->'followUp') = 'number' then (p.data->>'followUp')::numeric end) <= $4::numeric)
-- $3 = 1767225600000
-- $4 = 1798761600000

-- where {"state":"CONTACTED","status":"OPEN"}
(p.state_id = $3::uuid) and (p.status = $4::text)
-- $3 = "00000000-0000-4000-8000-000000000002"
-- $4 = "OPEN"

-- where {"state":{"!=":"WON"}}
(p.state_id <> $3::uuid)
-- $3 = "00000000-0000-4000-8000-000000000003"

-- where {"assignedTo":["john@paisapay.com","nobody@example.com"]}
(p.assigned_to = any($3::uuid[]))
-- $3 = ["bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c","00000000-0000-0000-0000-000000000000"]

-- where {"assignedTo":{"!=":"bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c"}}
(p.assigned_to <> $3::uuid)
-- $3 = "bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c"

-- where {"createdAt":{">=":1767225600000,"<":"2026-02-01T00:00:00.000Z"}}
(p.created_at >= $3::timestamptz and p.created_at < $4::timestamptz)
-- $3 = "2026-01-01T00:00:00.000Z"
-- $4 = "2026-02-01T00:00:00.000Z"

-- where {"updatedAt":["2026-01-01T00:00:00Z"]}
(p.updated_at = any($3::timestamptz[]))
-- $3 = ["2026-01-01T00:00:00.000Z"]

-- where {"nextActionAt":{"<=":1767225600000}}
(p.next_action_at <= $3::timestamptz)
-- $3 = "2026-01-01T00:00:00.000Z"

-- where {"record.city":"Pune"}
((case when jsonb_typeof(r.data->'city') = 'string' then r.data->>'city' end) collate "C" = $3::text)
-- $3 = "Pune"

-- where {"record.code":{">":"P1"}}
((case when jsonb_typeof(r.data->'code') = 'string' then r.data->>'code' end) collate "C" > $3::text)
-- $3 = "P1"

-- where {"and":[]}
(true)

-- where {"or":[]}
(false)

-- where {"status":"OPEN","or":[{"score":{">":8}},{"and":[{"state":"NEW"},{"firstname":"Asha"}]}]}
(p.status = $3::text) and ((((case when jsonb_typeof(p.data->'score') = 'number' then (p.data->>'score')::numeric end) > $4::numeric)) or ((((p.state_id = $5::uuid)) and (((case when jsonb_typeof(p.data->'firstname') = 'string' then p.data->>'firstname' end) collate "C" = $6::text and p.data @> $7::jsonb)))))
-- $3 = "OPEN"
-- $4 = 8
-- $5 = "00000000-0000-4000-8000-000000000001"
-- $6 = "Asha"
-- $7 = "{\"firstname\":\"Asha\"}"

-- where {"or":[{"vip":true},{}]}
((((case when jsonb_typeof(p.data->'vip') = 'boolean' then (p.data->>'vip')::boolean end) = $3::boolean and p.data @> $4::jsonb)) or (true))
-- $3 = true
-- $4 = "{\"vip\":true}"
