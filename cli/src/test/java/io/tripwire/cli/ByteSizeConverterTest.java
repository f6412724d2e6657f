package io.tripwire.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeConverterTest {

    @Test
    void readsUnitsAs1024BasedWhateverTheirCase() {
        assertThat(ByteSizeConverter.parse("4096")).isEqualTo(4096);
        assertThat(ByteSizeConverter.parse("512KB")).isEqualTo(512 * 1024);
        assertThat(ByteSizeConverter.parse("10MB")).isEqualTo(10L * 1024 * 1024);
        assertThat(ByteSizeConverter.parse("10mb")).isEqualTo(10L * 1024 * 1024);
        assertThat(ByteSizeConverter.parse(" 2 GiB ")).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(ByteSizeConverter.parse("1k")).isEqualTo(1024);
        assertThat(ByteSizeConverter.parse("7B")).isEqualTo(7);
    }

    @Test
    void refusesWhatIsNotASizeNamingIt() {
        assertThatThrownBy(() -> ByteSizeConverter.parse("ten MB")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'ten MB' is not a size; use e.g. 10MB, 512KB or 4096 (bytes)");
        assertThatThrownBy(() -> ByteSizeConverter.parse("10TB")).hasMessageContaining("'10TB' is not a size");
        assertThatThrownBy(() -> ByteSizeConverter.parse("-1MB")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSizeConverter.parse("0")).hasMessage("'0': a size must be at least 1 byte");
        assertThatThrownBy(() -> ByteSizeConverter.parse("99999999999GB")).hasMessage("'99999999999GB' is too large a size");
    }

    @Test
    void formatsAsItReads() {
        assertThat(ByteSizeConverter.format(10L * 1024 * 1024)).isEqualTo("10MB");
        assertThat(ByteSizeConverter.format(512 * 1024)).isEqualTo("512KB");
        assertThat(ByteSizeConverter.format(3L * 1024 * 1024 * 1024)).isEqualTo("3GB");
        assertThat(ByteSizeConverter.format(1000)).isEqualTo("1000 bytes");
        for (long n : new long[]{1, 1000, 1024, 1536 * 1024, 10L * 1024 * 1024}) {
            assertThat(ByteSizeConverter.parse(ByteSizeConverter.format(n).replace(" bytes", ""))).isEqualTo(n);
        }
    }
}
