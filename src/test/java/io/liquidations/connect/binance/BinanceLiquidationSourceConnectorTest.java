package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.LiquidationSourceConfig;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BinanceLiquidationSourceConnectorTest {

    private static final List<String> SYMBOLS = List.of("ethusdt", "BTCUSDT", "SolUsdt", "adausdt", "XRPUSDT",
            "bnbUSDT", "DOGEUSDT", "btcusd_perp", "LTCUSDT", "1000pepeusdt");

    private static List<Map<String, String>> taskConfigs(List<String> symbols, int maxTasks) {
        Map<String, String> props = new HashMap<>();
        props.put(LiquidationSourceConfig.SYMBOLS, String.join(",", symbols));
        props.put(LiquidationSourceConfig.TOPIC, "liquidations");
        props.put(LiquidationSourceConfig.SYMBOLS_VALIDATION, "none");
        BinanceLiquidationSourceConnector connector = new BinanceLiquidationSourceConnector();
        connector.start(props);
        return connector.taskConfigs(maxTasks);
    }

    private static List<String> taskSymbols(Map<String, String> taskConfig) {
        return new LiquidationTaskConfig(taskConfig).taskSymbols();
    }

    @ParameterizedTest(name = "{0} symbols over at most {1} tasks")
    @CsvSource({"1,1", "1,5", "3,1", "3,3", "10,3", "10,4", "10,10", "10,50", "7,2"})
    void splitsSymbolsOverAtMostMaxTasks(int n, int maxTasks) {
        List<String> symbols = SYMBOLS.subList(0, n);
        List<Map<String, String>> configs = taskConfigs(symbols, maxTasks);

        assertEquals(Math.min(maxTasks, n), configs.size());
        List<String> assigned = new ArrayList<>();
        for (Map<String, String> config : configs) {
            List<String> mine = taskSymbols(config);
            assertFalse(mine.isEmpty(), "a task without symbols: " + config);
            List<String> sorted = new ArrayList<>(mine);
            Collections.sort(sorted);
            assertEquals(sorted, mine, "task symbols are sorted");
            assertEquals("liquidations", config.get(LiquidationSourceConfig.TOPIC), "connector settings passed on");
            assigned.addAll(mine);
        }
        List<String> expected = symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).sorted().toList();
        List<String> assignedSorted = new ArrayList<>(assigned);
        Collections.sort(assignedSorted);
        assertEquals(expected, assignedSorted, "every symbol, upper-cased, in exactly one task");
        assertEquals(assigned.size(), new HashSet<>(assigned).size());
        // Balanced: no task has more than one symbol more than another.
        int min = configs.stream().mapToInt(c -> taskSymbols(c).size()).min().orElseThrow();
        int max = configs.stream().mapToInt(c -> taskSymbols(c).size()).max().orElseThrow();
        assertTrue(max - min <= 1, "unbalanced split: " + min + " vs " + max);
    }

    @Test
    void splitIsStableAcrossRestartsAndInputOrder() {
        List<Map<String, String>> first = taskConfigs(SYMBOLS, 3);
        List<List<String>> expected = first.stream().map(BinanceLiquidationSourceConnectorTest::taskSymbols).toList();
        Random random = new Random(42);
        for (int i = 0; i < 5; i++) {
            List<String> shuffled = new ArrayList<>(SYMBOLS);
            Collections.shuffle(shuffled, random);
            List<List<String>> again = taskConfigs(shuffled, 3).stream()
                    .map(BinanceLiquidationSourceConnectorTest::taskSymbols).toList();
            assertEquals(expected, again, "input order " + shuffled);
        }
        assertEquals(List.of("1000PEPEUSDT", "ADAUSDT", "BNBUSDT", "BTCUSDT"), expected.get(0));
    }

    @Test
    void taskSymbolsPropertyIsUpperCaseCommaSeparated() {
        List<Map<String, String>> configs = taskConfigs(List.of("ethusdt", "BtcUsdt"), 1);
        assertEquals(1, configs.size());
        assertEquals("BTCUSDT,ETHUSDT", configs.get(0).get(LiquidationTaskConfig.TASK_SYMBOLS));
    }

    @Test
    void allMarketModeYieldsOneTaskWithoutSymbols() {
        BinanceLiquidationSourceConnector connector = new BinanceLiquidationSourceConnector();
        connector.start(Map.of(LiquidationSourceConfig.STREAM_MODE, "all-market"));
        for (int maxTasks : new int[] {1, 2, 16}) {
            List<Map<String, String>> configs = connector.taskConfigs(maxTasks);
            assertEquals(1, configs.size(), "max tasks " + maxTasks);
            assertEquals(List.of(), taskSymbols(configs.get(0)));
            assertEquals("all-market", configs.get(0).get(LiquidationSourceConfig.STREAM_MODE));
        }
    }

    @Test
    void declaresTaskClassConfigAndNoExactlyOnce() {
        BinanceLiquidationSourceConnector connector = new BinanceLiquidationSourceConnector();
        assertEquals(BinanceLiquidationSourceTask.class, connector.taskClass());
        assertEquals(LiquidationSourceConfig.CONFIG_DEF, connector.config());
        assertEquals(ExactlyOnceSupport.UNSUPPORTED, connector.exactlyOnceSupport(Map.of()));
        assertFalse(connector.version().isBlank());
    }
}
