package io.tripwire.engine.metrics;

/** Reads one series' value out of a Prometheus text scrape. */
final class Scrape {

    private Scrape() {
    }

    /** The value of the series written exactly as {@code nameAndLabels}; fails when absent. */
    static double value(String scrape, String nameAndLabels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no series " + nameAndLabels + " in the scrape:\n" + scrape);
    }
}
