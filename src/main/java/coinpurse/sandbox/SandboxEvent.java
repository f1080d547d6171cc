package coinpurse.sandbox;

import java.time.Instant;

/**
 * An event as the sandbox sends it: its id, type, the session it is about (for the sandbox's page),
 * its time, and the exact JSON that is signed and delivered.
 */
record SandboxEvent(String id, String type, String sessionId, Instant created, String json) {}
