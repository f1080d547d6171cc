-- Stripe's word on a payment's refunds and disputes, kept by Stripe's own ids and by payment
-- intent, whether or not a purchase here is fulfilled yet: a refund or dispute that arrives
-- before its purchase is credited is applied when it is. What a purchase owes back is computed
-- from these rows (payment/Reversals.java); payment_sessions keeps what was applied.

-- The charge of a payment intent as charge.refunded last showed it: amount_refunded is
-- Stripe's cumulative figure, kept at its highest.
CREATE TABLE stripe_charges (
    payment_intent   VARCHAR(255) PRIMARY KEY,
    charge_id        VARCHAR(255),
    amount           BIGINT       NOT NULL CHECK (amount >= 0),
    currency         VARCHAR(3)   NOT NULL,
    amount_refunded  BIGINT       NOT NULL CHECK (amount_refunded >= 0),
    updated_at       VARCHAR(40)  NOT NULL
);

-- One row per Refund (re_…); status only moves forward (pending → succeeded → failed/canceled).
CREATE TABLE stripe_refunds (
    refund_id       VARCHAR(255) PRIMARY KEY,
    payment_intent  VARCHAR(255) NOT NULL,
    amount          BIGINT       NOT NULL CHECK (amount >= 0),
    currency        VARCHAR(3),
    status          VARCHAR(32)  NOT NULL,
    updated_at      VARCHAR(40)  NOT NULL
);

CREATE INDEX stripe_refunds_by_payment_intent ON stripe_refunds (payment_intent);

-- One row per Dispute (dp_…); once closed (won, lost, warning_closed, prevented) it stays so.
-- A dispute recorded before this migration has no id: 'legacy:' || payment_intent, adopted by
-- the first event that names a dispute of that payment intent.
CREATE TABLE stripe_disputes (
    dispute_id        VARCHAR(255) PRIMARY KEY,
    payment_intent    VARCHAR(255) NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    funds_reinstated  INTEGER      NOT NULL DEFAULT 0 CHECK (funds_reinstated IN (0, 1)),
    updated_at        VARCHAR(40)  NOT NULL
);

CREATE INDEX stripe_disputes_by_payment_intent ON stripe_disputes (payment_intent);

-- What earlier versions kept on the session carries over, so nothing applied is applied twice.
INSERT INTO stripe_charges (payment_intent, charge_id, amount, currency, amount_refunded, updated_at)
SELECT payment_intent, NULL, amount_cents, currency, amount_refunded, updated_at
FROM payment_sessions
WHERE payment_intent IS NOT NULL AND amount_refunded > 0;

INSERT INTO stripe_disputes (dispute_id, payment_intent, status, funds_reinstated, updated_at)
SELECT 'legacy:' || payment_intent, payment_intent,
       CASE dispute_status WHEN 'open' THEN 'needs_response' ELSE dispute_status END, 0, updated_at
FROM payment_sessions
WHERE payment_intent IS NOT NULL AND dispute_status IS NOT NULL;

-- Values this deployment keeps for itself, such as its instance id.
CREATE TABLE settings (
    name        VARCHAR(64)  PRIMARY KEY,
    value       VARCHAR(255) NOT NULL,
    updated_at  VARCHAR(40)  NOT NULL
);
