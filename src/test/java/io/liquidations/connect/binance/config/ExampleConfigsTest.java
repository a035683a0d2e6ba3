package io.liquidations.connect.binance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.BinanceLiquidationSourceConnector;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Every example in config/ is a config the connector accepts, as the README promises. */
class ExampleConfigsTest {

    @Test
    void everyExampleConfigValidates() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(examples.size() >= 6, "the README's examples: " + examples);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (Path example : examples) {
            Map<String, Object> request = new ObjectMapper().readValue(example.toFile(),
                    new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, String> config = new HashMap<>((Map<String, String>) request.get("config"));
            // The worker resolves ${file:...}; here a literal stands in. exchangeInfo is pointed at a closed
            // loopback port: the test never reaches out, and "could not check" is never an error.
            config.computeIfPresent("proxy.password", (key, value) -> "resolved-by-the-worker");
            config.put("binance.rest.url", "http://127.0.0.1:" + closedPort);
            Map<String, List<String>> errors = new BinanceLiquidationSourceConnector().validate(config).configValues()
                    .stream().filter(v -> !v.errorMessages().isEmpty())
                    .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
            assertEquals(Map.of(), errors, example.toString());
        }
    }
}
