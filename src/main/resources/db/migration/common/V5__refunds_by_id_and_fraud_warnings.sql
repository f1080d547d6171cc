-- What a payment refunded is now the sum of its refunds, kept by Stripe's id, that did not fail
-- or cancel: a refund event reads the payment's whole list of refunds from Stripe. Servers before
-- this one kept the charge's amount_refunded as a figure, for refunds whose own events never came;
-- that part becomes one placeholder refund per payment ('legacy:' || payment_intent), so that what
-- was applied stays applied, until Stripe's list replaces it at the payment's next refund event.
-- (The old figure minus every refund known by id is exactly what the old rule counted beyond them.)
INSERT INTO stripe_refunds (refund_id, payment_intent, amount, currency, status, updated_at)
SELECT 'legacy:' || c.payment_intent, c.payment_intent,
       c.amount_refunded - COALESCE((SELECT SUM(r.amount) FROM stripe_refunds r
                                     WHERE r.payment_intent = c.payment_intent), 0),
       c.currency, 'succeeded', c.updated_at
FROM stripe_charges c
WHERE c.amount_refunded - COALESCE((SELECT SUM(r.amount) FROM stripe_refunds r
                                    WHERE r.payment_intent = c.payment_intent), 0) > 0;

-- The version of the rules that handled each event. An event that older rules acknowledged and
-- ignored (a type they did not handle, a refund before its purchase was fulfilled) is handled
-- again when it comes again, by a resend or reconcile; rows written before this column are NULL.
ALTER TABLE processed_events ADD COLUMN rules_version INTEGER;

-- Stripe's early fraud warnings (issfr_…) on payments, and the refund coinpurse made for one
-- when stripe.refund_early_fraud_warnings is on (at most one per warning).
CREATE TABLE stripe_fraud_warnings (
    warning_id      VARCHAR(255) PRIMARY KEY,
    payment_intent  VARCHAR(255) NOT NULL,
    charge_id       VARCHAR(255),
    fraud_type      VARCHAR(255),
    actionable      INTEGER      NOT NULL CHECK (actionable IN (0, 1)),
    refund_id       VARCHAR(255),
    created_at      VARCHAR(40)  NOT NULL,
    updated_at      VARCHAR(40)  NOT NULL
);

CREATE INDEX stripe_fraud_warnings_by_payment_intent ON stripe_fraud_warnings (payment_intent);
