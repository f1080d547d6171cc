package coinpurse.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.OpenApiContract;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml describes exactly the routes the running app registers. */
class OpenApiRoutesTest {
    /**
     * Routes that a server registers only when a setting turns them on: {@code GET /metrics} with
     * {@code metrics.enabled=true}, the demo page with {@code app.demo=true}, the sandbox's with
     * {@code stripe.sandbox=true}. {@link #everything} has all on; the description must say that they
     * are conditional.
     */
    static final Set<String> CONDITIONAL_ROUTES = Set.of("GET /metrics", "GET /", "GET /demo/{file}",
            "GET /sandbox/checkout/{session_id}", "GET /sandbox/files/{file}", "GET /sandbox/sessions/{session_id}",
            "POST /sandbox/sessions/{session_id}/pay", "POST /sandbox/sessions/{session_id}/refunds",
            "POST /sandbox/sessions/{session_id}/disputes", "POST /sandbox/sessions/{session_id}/disputes/close",
            "POST /sandbox/sign-in");

    /** A server with every optional route on (the sandbox's beside the fake Stripe's test key, which it leaves unused). */
    @RunningServer(env = {"INTERNAL_API_KEY=openapi-routes-key", "METRICS_ENABLED=true", "APP_DEMO=true",
        "STRIPE_SANDBOX=true"})
    static TestServer everything;

    @Test
    void everyRegisteredRouteIsDescribed() {
        Set<String> undescribed = new TreeSet<>(registered());
        undescribed.removeAll(described());

        assertEquals(Set.of(), undescribed, "routes the app registers that docs/openapi.yaml does not describe");
    }

    @Test
    void everyDescribedRouteIsRegistered() {
        Set<String> unregistered = new TreeSet<>(described());
        unregistered.removeAll(registered());

        assertEquals(Set.of(), unregistered, "routes docs/openapi.yaml describes that the app does not register");
    }

    @Test
    void theConditionalRoutesAreDescribedAsSuch() {
        for (String route : CONDITIONAL_ROUTES) {
            assertTrue(described().contains(route), route + " is not described");
            String[] methodAndPath = route.split(" ", 2);
            String description = OpenApiContract.get().document().at("/paths")
                    .get(methodAndPath[1]).get(methodAndPath[0].toLowerCase(Locale.ROOT)).get("description").asString();
            assertTrue(description.startsWith("Conditional:"), route + ": " + description);
        }
    }

    /** {@code METHOD /path/{param}} of every HTTP route the app registers (not before/after handlers). */
    private static Set<String> registered() {
        return everything.javalin().unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                // Javalin also takes <param>; OpenAPI only {param}.
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path.replace('<', '{').replace('>', '}'))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> described() {
        return OpenApiContract.get().operations().stream()
                .map(op -> op.method().toUpperCase(Locale.ROOT) + " " + op.template())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
