// OpenApiTypeScriptTest compiles this with `tsc --strict` against coinpurse.d.ts (generated from
// GET /openapi.yaml) and expects an error on each line marked "must not type-check".
import type { paths } from "./coinpurse";

type CheckoutBody =
  paths["/api/payment/create-checkout-session"]["post"]["requestBody"]["content"]["application/json"];

export const misspelt: CheckoutBody = { pakage_id: "popular" }; // must not type-check
export const notAString: CheckoutBody = { package_id: 5 }; // must not type-check
export const neitherForm: CheckoutBody = { bonus: 50 }; // must not type-check
