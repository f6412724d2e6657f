package io.tripwire.engine.report;

import io.tripwire.schemas.ActionType;

/**
 * How an action is coloured in the report: corrective actions (they change the system) red,
 * alerts and notifications (they tell people) amber, RESOLVED and CANARY_PASSED (all clear) green.
 */
enum Severity {
    CORRECTIVE("corrective", "#c62828", "#b71c1c", "#fff", "corrective action (changes the system)"),
    ALERT("alert", "#d98a00", "#8a5700", "#1d1d1f", "alert / notification"),
    RESOLVED("resolved", "#2e7d32", "#1b5e20", "#fff", "resolved"),
    OTHER("other", "#6d6d6d", "#4a4a4a", "#fff", "other");

    final String css;
    /** Lines, dots and badge backgrounds. */
    final String colour;
    /** Label text on white: darker, so amber stays readable. */
    final String ink;
    /** Text on a badge of {@link #colour}. */
    final String badgeText;
    final String legend;

    Severity(String css, String colour, String ink, String badgeText, String legend) {
        this.css = css;
        this.colour = colour;
        this.ink = ink;
        this.badgeText = badgeText;
        this.legend = legend;
    }

    static Severity of(ActionType action) {
        if (action == null) {
            return OTHER;
        }
        return switch (action) {
            case ROLLBACK_LAST_STEP, FREEZE_RAMP, STOP_RAMP, FAILOVER_READ_REPLICAS, QUEUE_WRITES, ABORT_OP,
                 REQUIRE_HITL, THROTTLE_AUTONOMY, ENTER_SIMULATE, BLOCK_ENACT -> CORRECTIVE;
            case ALERT, OPEN_INCIDENT, NOTIFY_ONCALL, AUDIT_EVENT -> ALERT;
            case RESOLVED, CANARY_PASSED -> RESOLVED;
            case UNKNOWN -> OTHER;
        };
    }
}
