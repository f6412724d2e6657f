package io.tripwire.engine.report;

import io.tripwire.engine.Engines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tripwire.engine.report.ReportFixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The report as a browser shows it: headless Chromium loads report.html from disk with networking
 * off, and its DOM still has every chart; its screenshot is kept at
 * {@code streams-app/target/report-screenshot.png} (the page beside it) for a person to look at, and
 * the canary rollout's at {@code report-canary-screenshot.png}. Skipped when
 * {@code /usr/bin/chromium} is missing, except on CI ({@code CI=true}), which installs it.
 */
class ReportChromiumTest {

    // -Dtripwire.chromium=/elsewhere to try another binary (or a missing one, to see the skip)
    private static final Path CHROMIUM = Path.of(System.getProperty("tripwire.chromium", "/usr/bin/chromium"));
    private static final Path SCREENSHOT = Path.of("target", "report-screenshot.png").toAbsolutePath();
    private static final Path PAGE = Path.of("target", "report-screenshot.html").toAbsolutePath();
    private static final Path CANARY_SCREENSHOT = Path.of("target", "report-canary-screenshot.png").toAbsolutePath();
    private static final Path CANARY_PAGE = Path.of("target", "report-canary-screenshot.html").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void chromiumRendersEveryChartOfTheReportAndAScreenshotOfIt(@TempDir Path dir) throws Exception {
        requireChromium();
        String page = ReportWriter.render(ReportScenario.incident(), Engines.rules(), "Incident replay 2025-10-06 (TENANT_004 Wave A)");
        Path report = dir.resolve("report.html");
        Files.writeString(report, page, StandardCharsets.UTF_8);

        String dom = chromium(dir, "dom", "--dump-dom", report.toUri().toString());
        assertThat(count(dom, "<svg class=\"chart\"")).isEqualTo(count(page, "<svg class=\"chart\"")).isGreaterThanOrEqualTo(12);
        assertThat(count(dom, "<polyline class=\"series\"")).isEqualTo(count(page, "<polyline class=\"series\""));
        assertThat(count(dom, "<g class=\"marker ")).isEqualTo(count(page, "<g class=\"marker "));
        // the autonomy pilot's review of the tenant with autonomy decisions, its three tables and its verdicts
        assertThat(count(dom, "<table class=\"pilot")).isEqualTo(count(page, "<table class=\"pilot")).isEqualTo(3);
        assertThat(count(dom, "<span class=\"badge verdict-")).isEqualTo(count(page, "<span class=\"badge verdict-")).isEqualTo(3);
        assertThat(dom).contains("read-latency 350 ms", "<h2>TENANT_004</h2>")
                .contains("&lt;script&gt;alert(\"T&amp;J's\")&lt;/script&gt;") // the hostile tenant is text
                .doesNotContainIgnoringCase("<script");

        Files.deleteIfExists(SCREENSHOT);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.writeString(PAGE, page, StandardCharsets.UTF_8); // beside the screenshot, to open by hand
        chromium(dir, "png", "--screenshot=" + SCREENSHOT, "--window-size=1400,2000", report.toUri().toString());
        assertThat(SCREENSHOT).exists();
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(40_000); // a blank 1400x2000 page is a few KB
        try (InputStream in = Files.newInputStream(SCREENSHOT); DataInputStream png = new DataInputStream(in)) {
            assertThat(png.readLong()).isEqualTo(0x89504E470D0A1A0AL); // PNG signature
            png.readInt(); // IHDR length
            assertThat(png.readInt()).isEqualTo(0x49484452); // "IHDR"
            assertThat(png.readInt()).isEqualTo(1400);
            assertThat(png.readInt()).isEqualTo(2000);
        }
    }

    @Test
    void chromiumRendersTheCanaryChartsOnTheirLogAxesWithTheirStages(@TempDir Path dir) throws Exception {
        requireChromium();
        String page = ReportWriter.render(ReportScenario.canary(), Engines.rules(), "Canary replay 2025-10-06 (TENANT_004)");
        Path report = dir.resolve("report.html");
        Files.writeString(report, page, StandardCharsets.UTF_8);

        String dom = chromium(dir, "dom", "--dump-dom", report.toUri().toString());
        assertThat(count(dom, "<svg class=\"chart\"")).isEqualTo(count(page, "<svg class=\"chart\""));
        assertThat(count(dom, "<g class=\"stage\">")).isEqualTo(count(page, "<g class=\"stage\">")).isEqualTo(4); // two stages, two keys
        assertThat(count(dom, "<g class=\"marker ")).isEqualTo(count(page, "<g class=\"marker "));
        assertThat(dom).contains("canary-latency e ≥ 100", ">10⁶</text>", ">stage 25%</text>");

        Files.deleteIfExists(CANARY_SCREENSHOT);
        Files.createDirectories(CANARY_SCREENSHOT.getParent());
        Files.writeString(CANARY_PAGE, page, StandardCharsets.UTF_8);
        chromium(dir, "png", "--screenshot=" + CANARY_SCREENSHOT, "--window-size=1400,2400", report.toUri().toString());
        assertThat(Files.size(CANARY_SCREENSHOT)).isGreaterThan(40_000);
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(CHROMIUM + " is missing but CI=true: the CI image must install it (apt-get install -y chromium)");
        }
        Assumptions.assumeTrue(false, "skipped: " + CHROMIUM + " not found (apt-get install -y chromium to run this check)");
    }

    /** Runs headless Chromium with a fresh profile and no network; returns its stdout. */
    private static String chromium(Path dir, String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "profile-" + name)));
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        // output to files, not pipes: a full pipe would block Chromium and look like a hang
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium " + name + " did not finish in " + TIMEOUT_SECONDS + " s; stderr:\n" + tail(err));
        }
        if (p.exitValue() != 0) {
            fail("chromium " + name + " exited " + p.exitValue() + "; stderr:\n" + tail(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
