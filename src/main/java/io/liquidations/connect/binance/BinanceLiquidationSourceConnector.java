package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.CrossFieldValidation;
import io.liquidations.connect.binance.config.LiquidationSourceConfig;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.config.StreamMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.util.ConnectorUtils;

/**
 * Streams Binance futures liquidations into Kafka. Splits the configured symbols over the tasks, so each symbol's
 * stream is read by exactly one task; the all-market stream is read by one task.
 */
public class BinanceLiquidationSourceConnector extends SourceConnector {
    private Map<String, String> props;
    private LiquidationSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.config = new LiquidationSourceConfig(props);
        CrossFieldValidation.ensureValid(config);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BinanceLiquidationSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (config.streamMode() == StreamMode.ALL_MARKET) {
            return List.of(taskConfig(List.of()));
        }
        List<String> symbols = normalizedSymbols(config.symbols());
        List<List<String>> groups = ConnectorUtils.groupPartitions(symbols, Math.min(maxTasks, symbols.size()));
        List<Map<String, String>> configs = new ArrayList<>(groups.size());
        for (List<String> group : groups) {
            Map<String, String> taskConfig = taskConfig(group);
            taskConfig.put(LiquidationTaskConfig.TASK_ID, String.valueOf(configs.size()));
            configs.add(taskConfig);
        }
        return configs;
    }

    /** Upper case (as Binance spells symbols), de-duplicated and sorted, so the split is stable across restarts. */
    static List<String> normalizedSymbols(List<String> symbols) {
        return symbols.stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).distinct().sorted().toList();
    }

    private Map<String, String> taskConfig(List<String> symbols) {
        Map<String, String> taskProps = new HashMap<>(props);
        taskProps.put(LiquidationTaskConfig.TASK_SYMBOLS, String.join(",", symbols));
        return taskProps;
    }

    @Override
    public void stop() {
        // Nothing to release: the connector itself holds no connections.
    }

    @Override
    public ConfigDef config() {
        return LiquidationSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossFieldValidation.addTo(super.validate(connectorConfigs));
    }

    /**
     * Binance cannot replay: once a transaction is aborted, its liquidations can never be fetched again. A
     * transactional worker would therefore promise a guarantee this source cannot keep, so it says so.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.UNSUPPORTED;
    }
}
