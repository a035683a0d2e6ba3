package io.liquidations.connect.binance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
    private static final Path COMMITTED = Path.of("docs/CONFIGURATION.md");

    /** Run with -Ddocs.regenerate=true to rewrite the committed reference after changing the ConfigDef. */
    @Test
    void committedReferenceMatchesTheConfigDef() throws IOException {
        String generated = ConfigDocs.markdown(LiquidationSourceConfig.CONFIG_DEF);
        if (Boolean.getBoolean("docs.regenerate")) {
            ConfigDocs.main(new String[] {COMMITTED.toString()});
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, COMMITTED + " is stale: run"
                + " mvn -q test -Dtest=ConfigDocsTest -Ddocs.regenerate=true and commit the result");
    }

    @Test
    void everyKeyAppearsWithItsDefaultAndValidValues() {
        String generated = ConfigDocs.markdown(LiquidationSourceConfig.CONFIG_DEF);
        for (ConfigDef.ConfigKey key : LiquidationSourceConfig.CONFIG_DEF.configKeys().values()) {
            assertTrue(generated.contains("| `" + key.name + "` |"), key.name);
        }
        assertTrue(generated.contains("| `binance.ws.url` | string | \"\" |"), "empty: the market's default");
        assertTrue(generated.contains("wss://fstream.binance.com/market"), "the default is named in the doc");
        assertTrue(generated.contains("[precise, string, double]"), "valid values of decimal.handling.mode");
    }
}
