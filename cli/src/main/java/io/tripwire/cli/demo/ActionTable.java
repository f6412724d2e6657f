package io.tripwire.cli.demo;

import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The live table's header and rows: one action a row, with its executor result. Fixed widths for a plain terminal. */
final class ActionTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String FORMAT = "%-8s  %-10s  %-21s  %-22s  %-26s  %s";
    private static final int PARAMS_WIDTH = 26;

    private ActionTable() {
    }

    static String header() {
        return String.format(FORMAT, "FIRED", "TENANT", "TRIPWIRE", "ACTION", "PARAMS", "RESULT");
    }

    static String rule() {
        return "-".repeat(header().length() + 12);
    }

    /** e.g. {@code 10:20:56  TENANT_004  error-budget  ROLLBACK_LAST_STEP  to=2  DRY_RUN (command)}. */
    static String row(TripwireAction a, ActionResult r) {
        return String.format(FORMAT, TIME.format(a.getFiredAt()), a.getTenant(), a.getTripwire(), a.getAction(),
                params(a.getParams()), result(r));
    }

    /** {@code k=v} pairs in key order, cut to the column width. */
    static String params(Map<String, String> params) {
        String text = new TreeMap<>(params).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return text.length() <= PARAMS_WIDTH ? text : text.substring(0, PARAMS_WIDTH - 1) + "…";
    }

    private static String result(ActionResult r) {
        if (r == null) {
            return "(no result)";
        }
        String s = r.getStatus() + " (" + r.getHandler() + ")";
        if (r.getExitCode() != null) {
            s += " exit " + r.getExitCode();
        }
        return s;
    }
}
