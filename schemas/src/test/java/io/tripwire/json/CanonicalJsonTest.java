package io.tripwire.json;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTest {

    @Test
    void sortsKeysAtEveryLevel() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", 2);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("window", "24h");
        outer.put("bad", 23);
        outer.put("nested", inner);

        assertThat(CanonicalJson.write(outer)).isEqualTo("{\"bad\":23,\"nested\":{\"a\":2,\"z\":1},\"window\":\"24h\"}");
    }

    @Test
    void writesIntegralDoublesAsIntegers() {
        assertThat(CanonicalJson.write(72.0)).isEqualTo("72");
        assertThat(CanonicalJson.write(72L)).isEqualTo("72");
        assertThat(CanonicalJson.write(-0.0)).isEqualTo("0");
    }

    @Test
    void writesOtherDoublesInPlainDecimal() {
        assertThat(CanonicalJson.write(0.5442)).isEqualTo("0.5442");
        assertThat(CanonicalJson.write(1.5e-7)).isEqualTo("0.00000015");
        assertThat(CanonicalJson.write(412.0f)).isEqualTo("412");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(CanonicalJson.write("a\"b\\c\nd\te\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001\"");
        assertThat(CanonicalJson.write("café ✓")).isEqualTo("\"café ✓\"");
    }

    @Test
    void writesListsNullsAndBooleans() {
        assertThat(CanonicalJson.write(List.of(1, "x", true))).isEqualTo("[1,\"x\",true]");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", null);
        assertThat(CanonicalJson.write(m)).isEqualTo("{\"k\":null}");
    }

    @Test
    void refusesNumbersJsonCannotHold() {
        assertThatThrownBy(() -> CanonicalJson.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.write(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givesTheSameTextWhateverTheMapOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("remaining", 0.5442);
        a.put("bad", 23L);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("bad", 23);
        b.put("remaining", 0.5442);

        assertThat(CanonicalJson.write(a)).isEqualTo(CanonicalJson.write(b)).isEqualTo("{\"bad\":23,\"remaining\":0.5442}");
    }
}
