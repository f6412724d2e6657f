package io.tripwire.engine.report;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hand-built replay outputs and small readers of the rendered page, for the report tests. */
final class ReportFixtures {

    static final String EVIDENCE_ID = "4e50c190629f5c1f0f8e2a4b1c9d7e6f00112233445566778899aabbccddeeff";

    private ReportFixtures() {
    }

    static TripwireAction action(String firedAt, String tripwire, String tenant, String scope, String action, String reason) {
        return TripwireAction.newBuilder().setActionId("a-" + tripwire + action + firedAt).setDecisionId("d-" + tripwire + firedAt)
                .setTripwire(tripwire).setTenant(tenant).setScope(scope).setAction(ActionType.valueOf(action))
                .setFiredAt(Instant.parse(firedAt)).setParams(Map.of()).setReason(reason).setEvidence(Map.of())
                .setEvidenceId(EVIDENCE_ID).setSignature(null).build();
    }

    static String signal(String name, String tenant, String scope, String at, double value) {
        String v = Double.isFinite(value) ? Double.toString(value) : Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
        return "{\"signal\":\"" + name + "\",\"tenant\":\"" + tenant + "\",\"scope\":\"" + scope.replace("\"", "\\\"")
                + "\",\"at\":\"" + at + "\",\"value\":" + v + "}";
    }

    static ReplayOutput output(List<TripwireAction> actions, List<String> signals) {
        return new ReplayOutput(actions, signals, List.of(), signals.size());
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The {@code <figure>} whose caption starts with {@code caption}, inside the section of {@code tenant}. */
    static String figure(String html, String tenant, String caption) {
        String section = section(html, tenant);
        int at = section.indexOf("<figcaption>" + caption);
        if (at < 0) {
            throw new AssertionError("no chart '" + caption + "' for " + tenant);
        }
        return section.substring(section.lastIndexOf("<figure", at), section.indexOf("</figure>", at));
    }

    /** The tenant's {@code <section>}; the tenant as it appears in the page (escaped). */
    static String section(String html, String tenantInPage) {
        int h = html.indexOf("\"><h2>" + tenantInPage + "</h2>");
        if (h < 0) {
            throw new AssertionError("no section for " + tenantInPage);
        }
        return html.substring(html.lastIndexOf("<section", h), html.indexOf("</section>", h));
    }

    /** The points of every polyline in a fragment, as [x, y] pairs. */
    static List<double[]> polylinePoints(String fragment) {
        Matcher m = Pattern.compile("<polyline class=\"series\" points=\"([^\"]*)\"").matcher(fragment);
        ArrayList<double[]> out = new ArrayList<>();
        while (m.find()) {
            for (String xy : m.group(1).split(" ")) {
                String[] p = xy.split(",");
                out.add(new double[]{Double.parseDouble(p[0]), Double.parseDouble(p[1])});
            }
        }
        return out;
    }

    /** The page from the first tenant's section on (after the overview of KPIs and all actions). */
    static String tenantSections(String page) {
        return page.substring(page.indexOf("<section class=\"tenant\""));
    }

    static List<String> thresholdLabels(String fragment) {
        return all(fragment, "<text class=\"threshold-label\"[^>]*>([^<]*)</text>");
    }

    /** Each marker's tooltip, first line: action · tripwire · scope · firedAt. */
    static List<String> markerTitles(String fragment) {
        return all(fragment, "<g class=\"marker [^\"]*\"><title>([^\n<]*)");
    }

    /** The labels of the value and time axes, in drawing order (value ticks first). */
    static List<String> tickLabels(String fragment) {
        return all(fragment, "<text class=\"tick\"[^>]*>([^<]*)</text>");
    }

    /** The first group of every match of {@code regex} in {@code text}. */
    static List<String> all(String text, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The y of each threshold line in a fragment. */
    static List<Double> thresholdYs(String fragment) {
        Matcher m = Pattern.compile("<line class=\"threshold-line[^\"]*\" x1=\"[^\"]*\" x2=\"[^\"]*\" y1=\"([^\"]*)\"").matcher(fragment);
        ArrayList<Double> out = new ArrayList<>();
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }
}
