#!/usr/bin/env bash
# Makes coinpurse-v2-ignored.db and coinpurse-v2-ignored.json (see README.md beside this script):
# a database written by the server of commit 53a2581 (schema V2), fed only through its routes, for
# the events that server acknowledged and ignored, and the story needed to replay them.
#
#   make-v2-ignored.sh OLD_JAR [OUT_DIR]
#
# OLD_JAR is that commit's target/coinpurse.jar:
#   git worktree add /tmp/old-53a2581 53a2581 && (cd /tmp/old-53a2581 && mvn -B -q -DskipTests package)
# OUT_DIR defaults to this script's folder. Needs java, curl, jq, openssl and sqlite3.
# Ids are fixed; times are those of the run (event "created" on a story clock ending before now).
set -euo pipefail

if [[ $# -lt 1 || ! -f $1 ]]; then
    echo "usage: $0 OLD_JAR [OUT_DIR]  (OLD_JAR: target/coinpurse.jar built at commit 53a2581)" >&2
    exit 2
fi
JAR=$(realpath "$1")
OUT=$(realpath "${2:-$(dirname "$0")}")
for tool in java curl jq openssl sqlite3; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

API_VERSION=2026-07-29.dahlia   # stripe-java 33.3.0's Stripe.API_VERSION, today's and 53a2581's
NAME=coinpurse-v2-ignored
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/run" "$WORK/events"
echo '{"checkout_sessions":{},"payment_intents":{},"charges":{},"refunds":{},"disputes":{},"early_fraud_warnings":{}}' \
    > "$WORK/stripe.json"
: > "$WORK/delivered.jsonl"
: > "$WORK/internal.jsonl"

WEBHOOK_SECRET=whsec_$(openssl rand -hex 24)
INTERNAL_KEY=$(openssl rand -hex 32)

# ---- the server of 53a2581: 127.0.0.1, a free port, its own data folder, no Stripe key ----

free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"; return
        fi
    done
    echo "no free port found" >&2; exit 1
}
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
(
    cd "$WORK/run"
    exec env -u STRIPE_SECRET_KEY -u STRIPE_API_BASE -u DB_PATH -u AUTH_JWT_SECRET \
        SERVER_HOST=127.0.0.1 SERVER_PORT="$PORT" STRIPE_WEBHOOK_SECRET="$WEBHOOK_SECRET" \
        INTERNAL_API_KEY="$INTERNAL_KEY" java -jar "$JAR" serve
) > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 120); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$BASE/health" >/dev/null

# ---- Stripe's side: objects as they stand, and a story clock for their "created" ----

CLOCK=$(( $(date +%s) - 3 * 3600 ))
tick() { CLOCK=$((CLOCK + ${1:-60})); }

# put KIND ID JSON: stores (or replaces) a Stripe object
put() {
    jq --arg k "$1" --arg id "$2" --argjson o "$3" '.[$k][$id] = $o' "$WORK/stripe.json" > "$WORK/s.tmp"
    mv "$WORK/s.tmp" "$WORK/stripe.json"
}
# get KIND ID
get() { jq -c --arg k "$1" --arg id "$2" '.[$k][$id]' "$WORK/stripe.json"; }
# change KIND ID FILTER [jq args...]: applies FILTER to the object
change() {
    local kind=$1 id=$2 filter=$3; shift 3
    put "$kind" "$id" "$(get "$kind" "$id" | jq -c "$@" "$filter")"
}

# event ID TYPE OBJECT [PREVIOUS_ATTRIBUTES] [REQUEST_ID]: builds the event as Stripe would
# send it (pretty-printed, created now on the story clock) and keeps it to deliver.
event() {
    local id=$1 type=$2 object=$3 previous=${4:-null} request=${5:-}
    jq -n --arg id "$id" --arg type "$type" --arg v "$API_VERSION" --argjson created "$CLOCK" \
        --argjson object "$object" --argjson previous "$previous" --arg request "$request" '
        {id: $id, object: "event", api_version: $v, created: $created,
         data: ({object: $object} + (if $previous == null then {} else {previous_attributes: $previous} end)),
         livemode: false, pending_webhooks: 1,
         request: (if $request == "" then {id: null, idempotency_key: null}
                   else {id: $request, idempotency_key: ($request | sub("^req_"; "idem-"))} end),
         type: $type}' > "$WORK/events/$id.tmp"
    printf '%s' "$(cat "$WORK/events/$id.tmp")" > "$WORK/events/$id.json"   # no trailing newline
    rm "$WORK/events/$id.tmp"
}

# deliver ID: signs the event with Stripe's scheme and posts it to the webhook
deliver() {
    local id=$1 file=$WORK/events/$1.json t sig status
    t=$(date +%s)
    sig=$({ printf '%s.' "$t"; cat "$file"; } | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" -r | cut -d' ' -f1)
    status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
        -H "Stripe-Signature: t=$t,v1=$sig" --data-binary "@$file" "$BASE/api/payment/webhook")
    if [[ $status != 200 ]]; then
        echo "event $id answered $status: $(cat "$WORK/answer")" >&2; exit 1
    fi
    jq -c -n --arg id "$id" --rawfile payload "$file" \
        '{id: $id, type: ($payload | fromjson | .type), created: ($payload | fromjson | .created), payload: $payload}' \
        >> "$WORK/delivered.jsonl"
}

# internal KIND BODY: POST /api/internal/coins/KIND (grant or spend)
internal() {
    local answer after
    answer=$(curl -fsS -H "Authorization: Bearer $INTERNAL_KEY" -H 'Content-Type: application/json' \
        --data-binary "$2" "$BASE/api/internal/coins/$1")
    after=$(tail -n 1 "$WORK/delivered.jsonl" | jq -r '.id // empty')
    jq -c -n --arg route "/api/internal/coins/$1" --argjson body "$2" --argjson answer "$answer" --arg after "$after" \
        '{route: $route, after_event: (if $after == "" then null else $after end), body: $body, answer: $answer}' \
        >> "$WORK/internal.jsonl"
}

# pay TAG USER PACKAGE COINS BONUS CENTS: a session of the old checkout, paid: its payment intent and
# charge; emits checkout.session.completed (not delivered)
pay() {
    local tag=$1 user=$2 package=$3 coins=$4 bonus=$5 cents=$6
    local cs=cs_test_ig_$tag pi=pi_test_ig_$tag ch=ch_test_ig_$tag created=$CLOCK
    tick 60
    # The old checkout's session: client_reference_id and metadata user_id, package_id, coins,
    # bonus (no instance id, no payment_intent_data metadata), its default redirect URLs.
    put checkout_sessions "$cs" "$(jq -n --arg cs "$cs" --arg pi "$pi" --arg user "$user" --arg package "$package" \
        --arg coins "$coins" --arg bonus "$bonus" --argjson cents "$cents" --argjson created "$created" '
        {id: $cs, object: "checkout.session", amount_subtotal: $cents, amount_total: $cents,
         cancel_url: "http://localhost:5173/payment/cancel", client_reference_id: $user, created: $created,
         currency: "usd", expires_at: ($created + 86400), livemode: false,
         metadata: {user_id: $user, package_id: $package, coins: $coins, bonus: $bonus},
         mode: "payment", payment_intent: $pi, payment_status: "paid", status: "complete",
         success_url: "http://localhost:5173/payment/success?session_id={CHECKOUT_SESSION_ID}", url: null}')"
    put payment_intents "$pi" "$(jq -n --arg pi "$pi" --arg ch "$ch" --argjson cents "$cents" --argjson at "$CLOCK" '
        {id: $pi, object: "payment_intent", amount: $cents, amount_capturable: 0, amount_received: $cents,
         capture_method: "automatic_async", created: $at, currency: "usd", latest_charge: $ch,
         livemode: false, metadata: {}, payment_method_types: ["card"], status: "succeeded"}')"
    put charges "$ch" "$(jq -n --arg pi "$pi" --arg ch "$ch" --arg tag "$tag" --argjson cents "$cents" --argjson at "$CLOCK" '
        {id: $ch, object: "charge", amount: $cents, amount_captured: $cents, amount_refunded: 0,
         balance_transaction: ("txn_test_ig_" + $tag), captured: true, created: $at, currency: "usd",
         disputed: false, livemode: false, metadata: {}, paid: true, payment_intent: $pi, refunded: false,
         status: "succeeded"}')"
    tick
    event "evt_test_ig_${tag}_completed" checkout.session.completed "$(get checkout_sessions "$cs")"
}

# refund TAG SUFFIX AMOUNT: a refund of AMOUNT made in the Dashboard (succeeded at once, as a card
# refund that fails later starts); emits charge.refunded then refund.created (not delivered)
refund() {
    local tag=$1 suffix=$2 amount=$3 re=re_test_ig_$1_$2 ch=ch_test_ig_$1
    tick 300
    change charges "$ch" '.amount_refunded += $a | .refunded = (.amount_refunded >= .amount)' --argjson a "$amount"
    put refunds "$re" "$(jq -n --arg re "$re" --arg ch "$ch" --arg pi "pi_test_ig_$tag" --argjson a "$amount" \
        --argjson at "$CLOCK" '
        {id: $re, object: "refund", amount: $a, balance_transaction: ("txn_test_" + ($re | ltrimstr("re_test_"))),
         charge: $ch, created: $at, currency: "usd",
         destination_details: {card: {reference_status: "pending", reference_type: "acquirer_reference_number",
                                      type: "refund"}, type: "card"},
         metadata: {}, payment_intent: $pi, reason: "requested_by_customer", receipt_number: null,
         source_transfer_reversal: null, status: "succeeded", transfer_reversal: null}')"
    event "evt_test_ig_${tag}_charge_refunded" charge.refunded "$(get charges "$ch")" null "req_ig_${tag}_refund"
    event "evt_test_ig_${tag}_refund_created" refund.created "$(get refunds "$re")" null "req_ig_${tag}_refund"
}

# fail_refund TAG SUFFIX: the card issuer returns the refund; Stripe gives the money back to the
# merchant: the refund fails and leaves the charge's amount_refunded. Emits refund.updated,
# refund.failed, charge.refund.updated (not delivered)
fail_refund() {
    local tag=$1 re=re_test_ig_$1_$2 ch=ch_test_ig_$1
    tick 900
    change refunds "$re" '.status = "failed" | .failure_balance_transaction = (.balance_transaction + "_failure")
        | .failure_reason = "expired_or_canceled_card"'
    change charges "$ch" '.amount_refunded -= $a | .refunded = false' --argjson a "$(get refunds "$re" | jq .amount)"
    local previous='{"status":"succeeded"}'
    event "evt_test_ig_${tag}_refund_updated" refund.updated "$(get refunds "$re")" "$previous"
    event "evt_test_ig_${tag}_refund_failed" refund.failed "$(get refunds "$re")"
    event "evt_test_ig_${tag}_charge_refund_updated" charge.refund.updated "$(get refunds "$re")" "$previous"
}

# balance_transaction DISPUTE AMOUNT CATEGORY: a movement of the disputed money
balance_transaction() {
    change disputes "$1" '.balance_transactions += [{id: ("txn_test_" + ($d | ltrimstr("dp_test_")) + "_" + $c),
        object: "balance_transaction", amount: $a, created: $at, currency: "usd", reporting_category: $c,
        type: "adjustment"}]' --arg d "$1" --argjson a "$2" --arg c "$3" --argjson at "$CLOCK"
}

echo "feeding the server of 53a2581 on $BASE"

# f. v6: a grant before anything else
internal grant '{"user_id":"v6","amount":250,"idempotency_key":"grant-v6-welcome","reason":"welcome bonus"}'

# Purchases, each completed and delivered at once (v4's delivery fails at first: below)
pay v1_popular v1 popular 500 50 1999;   deliver evt_test_ig_v1_popular_completed
pay v2_popular v2 popular 500 50 1999;   deliver evt_test_ig_v2_popular_completed
pay v3_popular v3 popular 500 50 1999;   deliver evt_test_ig_v3_popular_completed
pay v5_starter v5 starter 100 0 499;     deliver evt_test_ig_v5_starter_completed
pay v6_popular v6 popular 500 50 1999;   deliver evt_test_ig_v6_popular_completed

# d. v4: paid, but the completed event is not delivered yet (the endpoint was down); the merchant
# refunds in full meanwhile, and the refund's events arrive first: ignored, not fulfilled yet.
pay v4_best v4 best_value 1200 200 3999
refund v4_best full 3999
deliver evt_test_ig_v4_best_charge_refunded
deliver evt_test_ig_v4_best_refund_created
deliver evt_test_ig_v4_best_completed    # Stripe's retry: credits 1400 coins for money that went back

# a. v1: a dispute, taken back; its funds_withdrawn ignored
tick 600
DP=dp_test_ig_v1_popular_first
change charges ch_test_ig_v1_popular '.disputed = true'
put disputes "$DP" "$(jq -n --arg dp "$DP" --argjson at "$CLOCK" '
    {id: $dp, object: "dispute", amount: 1999, balance_transactions: [], charge: "ch_test_ig_v1_popular",
     created: $at, currency: "usd",
     evidence_details: {due_by: ($at + 21 * 86400), has_evidence: false, past_due: false, submission_count: 0},
     is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: "pi_test_ig_v1_popular",
     reason: "fraudulent", status: "needs_response"}')"
event evt_test_ig_v1_popular_dispute_created charge.dispute.created "$(get disputes "$DP")"
balance_transaction "$DP" -1999 dispute
event evt_test_ig_v1_popular_dispute_funds_withdrawn charge.dispute.funds_withdrawn "$(get disputes "$DP")"
deliver evt_test_ig_v1_popular_dispute_created
deliver evt_test_ig_v1_popular_dispute_funds_withdrawn

# b. v2: a full refund, coins taken back
refund v2_popular full 1999
deliver evt_test_ig_v2_popular_charge_refunded
deliver evt_test_ig_v2_popular_refund_created

# c. v3: a partial refund of 500 cents, 137 coins taken back
refund v3_popular partial 500
deliver evt_test_ig_v3_popular_charge_refunded
deliver evt_test_ig_v3_popular_refund_created

# e. v5: an early fraud warning, ignored (type not handled)
tick 300
put early_fraud_warnings issfr_test_ig_v5_starter "$(jq -n --argjson at "$CLOCK" '
    {id: "issfr_test_ig_v5_starter", object: "radar.early_fraud_warning", actionable: true,
     charge: "ch_test_ig_v5_starter", created: $at, fraud_type: "made_with_stolen_card", livemode: false,
     payment_intent: "pi_test_ig_v5_starter"}')"
event evt_test_ig_v5_starter_efw_created radar.early_fraud_warning.created \
    "$(get early_fraud_warnings issfr_test_ig_v5_starter)"
deliver evt_test_ig_v5_starter_efw_created

# f. v6: a spend
internal spend '{"user_id":"v6","amount":175,"idempotency_key":"spend-v6-frame","reason":"avatar frame"}'

# a. v1: evidence submitted (ignored)
tick 300
change disputes "$DP" '.status = "under_review" | .evidence_details.has_evidence = true
    | .evidence_details.submission_count = 1'
event evt_test_ig_v1_popular_dispute_updated charge.dispute.updated "$(get disputes "$DP")" \
    '{"status":"needs_response","evidence_details":{"has_evidence":false,"submission_count":0}}'
deliver evt_test_ig_v1_popular_dispute_updated

# b., c. both refunds fail: the merchant keeps the money, the old server ignores it
fail_refund v2_popular full
fail_refund v3_popular partial
for id in evt_test_ig_v2_popular_refund_updated evt_test_ig_v2_popular_refund_failed \
    evt_test_ig_v2_popular_charge_refund_updated evt_test_ig_v3_popular_refund_updated \
    evt_test_ig_v3_popular_refund_failed evt_test_ig_v3_popular_charge_refund_updated; do
    deliver "$id"
done

# a. v1: the dispute is won, coins given back; funds_reinstated ignored
tick 900
change disputes "$DP" '.status = "won"'
event evt_test_ig_v1_popular_dispute_closed charge.dispute.closed "$(get disputes "$DP")"
balance_transaction "$DP" 1999 dispute_reversal
event evt_test_ig_v1_popular_dispute_funds_reinstated charge.dispute.funds_reinstated "$(get disputes "$DP")"
deliver evt_test_ig_v1_popular_dispute_closed
deliver evt_test_ig_v1_popular_dispute_funds_reinstated

if (( CLOCK >= $(date +%s) )); then
    echo "the story clock ran past now: start it earlier" >&2; exit 1
fi

# ---- stop with SIGTERM, copy without -wal/-shm, check, write the story ----

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=
DB=$WORK/run/data/coinpurse.db
rm -f "$WORK/$NAME.db"
sqlite3 "$DB" "VACUUM INTO '$WORK/$NAME.db'"

balances=$(sqlite3 "$WORK/$NAME.db" "SELECT group_concat(id || '=' || balance, ' ') FROM (SELECT * FROM users ORDER BY id)")
expected="v1=550 v2=0 v3=413 v4=1400 v5=100 v6=625"
if [[ $balances != "$expected" ]]; then
    echo "balances are '$balances', expected '$expected'" >&2; exit 1
fi

sqlite3 -json "$WORK/$NAME.db" \
    "SELECT event_id, type, session_id, outcome, detail, processed_at FROM processed_events" > "$WORK/processed.json"
jq -n --slurpfile delivered "$WORK/delivered.jsonl" --slurpfile internal "$WORK/internal.jsonl" \
    --slurpfile processed "$WORK/processed.json" --slurpfile stripe "$WORK/stripe.json" \
    --arg v "$API_VERSION" --arg db "$NAME.db" '
    ($processed[0] | map({key: .event_id, value: .}) | from_entries) as $rows
    | {
        about: ("The story behind " + $db + ", written by the server of commit 53a2581 through its routes"
            + " (src/test/resources/upgrade/make-v2-ignored.sh; README.md). events: each webhook event in"
            + " delivery order, payload exactly as delivered (sign it again with your own secret), with"
            + " what the old server recorded in processed_events. stripe: the Stripe objects as they"
            + " finally stand. internal_calls: the wallet calls, each made after_event (null: before any)."),
        api_version: $v,
        events: [$delivered[] | . as $e | $rows[$e.id] as $row
            | if $row == null then error("no processed_events row for " + $e.id) else . end
            | {id, type, created, session_id: $row.session_id, outcome: $row.outcome, detail: $row.detail,
               processed_at: $row.processed_at, payload}],
        internal_calls: $internal,
        stripe: ($stripe[0] | map_values([.[]]))
      }' > "$WORK/$NAME.json"
if [[ $(jq '.events | length' "$WORK/$NAME.json") != $(sqlite3 "$WORK/$NAME.db" 'SELECT COUNT(*) FROM processed_events') ]]; then
    echo "events delivered and processed_events rows differ" >&2; exit 1
fi

cp "$WORK/$NAME.db" "$WORK/$NAME.json" "$OUT/"
echo "wrote $OUT/$NAME.db and $OUT/$NAME.json ($balances)"
