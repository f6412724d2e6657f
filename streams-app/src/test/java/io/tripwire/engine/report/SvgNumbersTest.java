package io.tripwire.engine.report;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SvgNumbersTest {

    private static String oneDecimal(double v) {
        StringBuilder b = new StringBuilder();
        SvgChart.oneDecimal(b, v);
        return b.toString();
    }

    @Test
    void oneDecimalIsExactlyWhatStringFormatWrites() {
        Random random = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * 1200;              // chart coordinates
                case 1 -> (random.nextDouble() - 0.5) * 2e6;       // far outside them
                case 2 -> Math.round(random.nextDouble() * 1e4) / 100.0 + 0.05; // ties and near-ties
                default -> (random.nextDouble() - 0.5) * 0.2;      // around zero, both signs
            };
            assertThat(oneDecimal(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
        }
        for (double v : new double[] {0, -0.0, 0.05, 0.15, 0.25, 1.05, 1.15, 2.5, -0.04, -0.05, -0.06, 99.95, 1e9, 1e300,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE}) {
            assertThat(oneDecimal(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
        }
    }
}
