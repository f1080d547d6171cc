package coinpurse.hostile;

import java.util.List;

/** Every route of the SPEC (and one it does not have), with who may call it. */
enum Route {
    HEALTH("GET", "/health", Caller.ANYONE),
    PACKAGES("GET", "/api/payment/packages", Caller.ANYONE),
    CREATE_SESSION("POST", HostileServer.CREATE, Caller.USER),
    STATUS("GET", "/api/payment/status/", Caller.USER),
    STRIPE_WEBHOOK("POST", HostileServer.WEBHOOK, Caller.STRIPE),
    BALANCE("GET", "/api/coins/balance", Caller.USER),
    HISTORY("GET", "/api/coins/history", Caller.USER),
    SPEND("POST", HostileServer.SPEND, Caller.INTERNAL),
    GRANT("POST", HostileServer.GRANT, Caller.INTERNAL),
    UNKNOWN("POST", "/api/coins/transfer", Caller.ANYONE);

    enum Caller { ANYONE, USER, STRIPE, INTERNAL }

    final String method;
    final String path;
    final Caller caller;

    Route(String method, String path, Caller caller) {
        this.method = method;
        this.path = path;
        this.caller = caller;
    }

    /** The path to request on {@code hostile}: the status route asks for its completed purchase. */
    String path(HostileServer hostile) {
        return this == STATUS ? path + hostile.buyerSession : path;
    }

    /** The routes a user token opens. */
    static List<Route> userRoutes() {
        return List.of(CREATE_SESSION, STATUS, BALANCE, HISTORY);
    }
}
