package io.liquidations.connect.binance.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** A task's config: the connector's, plus the symbols the connector assigned to this task. */
public final class LiquidationTaskConfig extends LiquidationSourceConfig {
    public static final String TASK_SYMBOLS = "task.symbols";
    /** Set by the connector: the task's index, the {@code task} tag of metrics reported outside the worker's. */
    public static final String TASK_ID = "task.id";

    private static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .define(TASK_SYMBOLS, ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW,
                    "Set by the connector: the symbols of this task.")
            .define(TASK_ID, ConfigDef.Type.STRING, "0", ConfigDef.Importance.LOW,
                    "Set by the connector: the index of this task.");

    public LiquidationTaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props);
    }

    public String taskId() {
        return getString(TASK_ID);
    }

    public List<String> taskSymbols() {
        return getList(TASK_SYMBOLS);
    }
}
