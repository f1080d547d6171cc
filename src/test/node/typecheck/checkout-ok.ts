// OpenApiTypeScriptTest compiles this with `tsc --strict` against coinpurse.d.ts, which
// openapi-typescript generates beside it from a running server's GET /openapi.yaml:
// both forms of the checkout body, and the answer, type-check.
import type { components, paths } from "./coinpurse";

type CheckoutBody =
  paths["/api/payment/create-checkout-session"]["post"]["requestBody"]["content"]["application/json"];

export const byPackageId: CheckoutBody = { package_id: "popular" };
export const withUrls: CheckoutBody = {
  package_id: "popular",
  success_url: "http://localhost:5173/payment/success?session_id={CHECKOUT_SESSION_ID}",
  cancel_url: null,
};
export const olderClient: CheckoutBody = { coins: 500, price_usd: 19.99, bonus: 50 };
export const olderWithoutBonus: CheckoutBody = { coins: 100, price_usd: 4.99 };

export const session: components["schemas"]["CheckoutSession"] = {
  session_id: "cs_test_1",
  checkout_url: "https://checkout.stripe.com/c/pay/cs_test_1",
};
export const status: components["schemas"]["PaymentStatus"]["status"] = "completed";
