package io.tripwire.executor.http;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutorEndpointsTest {

    @Test
    void downUntilRunningWithAnAssignment() {
        assertThat(ExecutorEndpoints.health(false, 0, Optional.empty()).json())
                .isEqualTo("{\"status\":\"DOWN\",\"detail\":\"not running\"}");
        assertThat(ExecutorEndpoints.health(true, 0, Optional.empty()).json())
                .isEqualTo("{\"status\":\"DOWN\",\"detail\":\"running, no partitions of the action topic assigned\"}");
        assertThat(ExecutorEndpoints.health(true, 1, Optional.empty()).json())
                .isEqualTo("{\"status\":\"UP\",\"detail\":\"1 partition assigned\"}");
        assertThat(ExecutorEndpoints.health(true, 3, Optional.empty()).json())
                .isEqualTo("{\"status\":\"UP\",\"detail\":\"3 partitions assigned\"}");
    }

    @Test
    void aFailedExecutorIsDownAndItsErrorMessageIsNotShown() {
        var h = ExecutorEndpoints.health(false, 0, Optional.of(new SaslAuthenticationException("user svc-tripwire: bad password")));

        assertThat(h.up()).isFalse();
        assertThat(h.detail()).isEqualTo("stopped on an error: SaslAuthenticationException");
    }
}
