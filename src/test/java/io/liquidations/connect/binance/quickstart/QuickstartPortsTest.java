package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartPortsTest {

    @Test
    void defaultsAreTheDocumentedPorts() {
        assertEquals(new Quickstart.Ports(19092, 19093, 18083, 18081), Quickstart.Ports.from(Map.of()));
    }

    @Test
    void eachPortCanBeOverriddenByItsVariable() {
        Quickstart.Ports ports = Quickstart.Ports.from(Map.of("QUICKSTART_KAFKA_PORT", "29092",
                "QUICKSTART_REGISTRY_PORT", " 28081 ", "QUICKSTART_CONNECT_PORT", ""));
        assertEquals(new Quickstart.Ports(29092, 19093, 18083, 28081), ports);
        assertEquals(28082, ports.registryManagement());
    }

    @Test
    void aValueThatIsNoPortNamesTheVariableAndTheFix() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Quickstart.Ports.from(Map.of("QUICKSTART_CONNECT_PORT", "80a")));
        assertTrue(error.getMessage().contains("QUICKSTART_CONNECT_PORT=80a")
                && error.getMessage().contains("1 to 65535") && error.getMessage().contains("18083"),
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quickstart.Ports.from(Map.of("QUICKSTART_KAFKA_PORT", "0")));
    }
}
