package coinpurse.audit;

/** How many things of one kind a check looked at ({@code what} in snake_case, e.g. {@code ledger_rows}). */
public record Checked(String what, long count) {}
