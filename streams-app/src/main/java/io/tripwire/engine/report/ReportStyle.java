package io.tripwire.engine.report;

/** The page's inline stylesheet: system fonts only (nothing is fetched), one colour per severity. */
final class ReportStyle {

    private ReportStyle() {
    }

    /**
     * The stylesheet; {@code canary}: with the canary charts' stage boundaries, {@code pilot}: with the
     * pilot reviews' verdicts (a page without them keeps its bytes).
     */
    static String css(boolean canary, boolean pilot) {
        StringBuilder b = new StringBuilder(CSS);
        if (canary) {
            b.append(CANARY_CSS);
        }
        if (pilot) {
            b.append(PILOT_CSS);
        }
        for (Severity s : Severity.values()) {
            String sev = ".sev-" + s.css;
            b.append("svg.chart ").append(sev).append(" line{stroke:").append(s.colour).append("}")
                    .append("svg.chart ").append(sev).append(" circle{fill:").append(s.colour).append("}")
                    .append("svg.chart ").append(sev).append(" text{fill:").append(s.ink).append("}")
                    .append(".badge").append(sev).append("{background:").append(s.colour).append(";color:").append(s.badgeText).append("}")
                    .append(".swatch").append(sev).append("{background:").append(s.colour).append("}\n");
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{color-scheme:light}
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
              margin:0 auto;padding:16px 24px 48px;max-width:1280px;color:#1d1d1f;background:#fff;font-size:14px;line-height:1.4}
            h1{font-size:24px;margin:8px 0 4px}
            h2{font-size:20px;margin:32px 0 8px;padding-top:12px;border-top:3px solid #1d1d1f}
            h3{font-size:15px;margin:18px 0 4px}
            .meta{color:#444;margin:0 0 12px}
            .numbers{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .numbers div{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:120px}
            .numbers b{display:block;font-size:22px;font-variant-numeric:tabular-nums}
            .summary{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
            table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
            th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f3f3f3;font-weight:600}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.time,td.id{white-space:nowrap;font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px}
            td.reason,td.error{min-width:280px;max-width:520px;overflow-wrap:anywhere}
            td.scope{min-width:60px;max-width:240px;overflow-wrap:break-word}
            table.by-tripwire td:last-child{max-width:340px}
            .summary caption{white-space:nowrap}
            td.tripwire,td.action{white-space:nowrap}
            caption{text-align:left;font-weight:600;padding:2px 0}
            table.actions{width:100%}
            tr.resolved td{background:#e8f5e9;color:#1b5e20}
            .badge{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;white-space:nowrap}
            .legend{display:flex;gap:18px;flex-wrap:wrap;align-items:center;margin:8px 0;padding:8px 12px;background:#f7f7f7;border-radius:6px}
            .legend span{display:inline-flex;align-items:center;gap:6px}
            .swatch{display:inline-block;width:14px;height:14px;border-radius:2px}
            .swatch.line{height:3px;background:#1f5fa8}
            .swatch.dashed{height:0;border-top:2px dashed #5b2c83;background:none}
            nav ul{margin:4px 0;padding-left:20px;columns:3}
            figure{margin:10px 0 14px}
            figcaption{font-weight:600;font-size:14px}
            figcaption code{font-weight:400;color:#555;font-size:12px}
            svg.chart{display:block;width:100%;max-width:1200px;height:auto;font-family:inherit}
            svg.chart text{font-size:12px;fill:#333}
            svg.chart .tick{font-size:11px;fill:#444;font-variant-numeric:tabular-nums}
            svg.chart .unit{font-size:11px;fill:#666}
            svg.chart .grid{stroke:#e6e6e6;stroke-width:1}
            svg.chart .axis{stroke:#888;stroke-width:1}
            svg.chart .lane{stroke:#ddd}
            svg.chart .lane-label{font-size:11px;fill:#555;font-weight:600}
            svg.chart .series{fill:none;stroke:#1f5fa8;stroke-width:1.6;stroke-linejoin:round}
            svg.chart .dot{fill:#1f5fa8}
            svg.chart .threshold-line{stroke:#5b2c83;stroke-width:1.5}
            svg.chart .dash0{stroke-dasharray:6 4}
            svg.chart .dash1{stroke-dasharray:2 3}
            svg.chart .dash2{stroke-dasharray:10 3 2 3}
            svg.chart .threshold-label{fill:#5b2c83;font-size:12px;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
            svg.chart .marker line{stroke-width:1.6;opacity:.85}
            svg.chart .marker-label{font-size:11px;font-weight:600}
            svg.chart .awaiting rect{fill:#d98a00;opacity:.12}
            .swatch.awaiting{background:#d98a00;opacity:.3}
            .reason .significance{display:block;color:#555;font-size:12px}
            .note{color:#555;font-style:italic}
            """;

    private static final String CANARY_CSS = """
            svg.chart .stage line{stroke:#444;stroke-width:1.2;stroke-dasharray:3 3}
            svg.chart .stage text{font-size:11px;font-weight:600;fill:#444;paint-order:stroke;stroke:#fff;stroke-width:3px}
            .swatch.stage{width:0;border-left:2px dashed #444;border-radius:0;background:none}
            figcaption .note{font-weight:400;font-size:12px}
            """;

    /** The pilot review's verdicts: PASS green, FAIL red, INCONCLUSIVE amber, n/a grey. */
    private static final String PILOT_CSS = """
            .badge.verdict-pass{background:#2e7d32}
            .badge.verdict-fail{background:#c62828}
            .badge.verdict-inconclusive{background:#b26a00}
            .badge.verdict-na{background:#757575}
            table.pilot td.num{white-space:nowrap}
            """;
}
