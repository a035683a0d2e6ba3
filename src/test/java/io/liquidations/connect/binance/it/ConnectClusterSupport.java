package io.liquidations.connect.binance.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real KRaft broker and a real distributed Connect worker in this JVM, set up the way the tests need them: the
 * plugin found through its service file, values read back with the JSON converter, which keeps Decimal and
 * Timestamp logical types.
 */
public final class ConnectClusterSupport {
    static final String CONFIG_JSON = "config/binance-liquidations.json";

    private ConnectClusterSupport() {
    }

    public static EmbeddedConnectCluster startCluster(String name) {
        return startCluster(name, Map.of());
    }

    public static EmbeddedConnectCluster startCluster(String name, Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = new HashMap<>(extraWorkerProps);
        workerProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        workerProps.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "1000");
        Properties brokerProps = new Properties();
        brokerProps.put("group.initial.rebalance.delay.ms", "0");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        connect.start();
        return connect;
    }

    /** The connector config users deploy, read from {@code config/}, with the given settings on top. */
    public static Map<String, String> deployedConfig(Map<String, String> overrides) {
        try {
            Map<String, Object> request = new ObjectMapper().readValue(Path.of(CONFIG_JSON).toFile(),
                    new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, String> config = new HashMap<>((Map<String, String>) request.get("config"));
            config.put("value.converter", JsonConverter.class.getName());
            config.put("value.converter.schemas.enable", "true");
            config.putAll(overrides);
            return config;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + CONFIG_JSON, e);
        }
    }

    /** A liquidation read back from the topic: its key, timestamp and value. */
    public record ReadBack(String key, long timestamp, Struct value, Map<String, String> headers) {
        public String symbol() {
            return value.getString(ForceOrderSchema.SYMBOL);
        }
    }

    public static List<ReadBack> readAll(EmbeddedConnectCluster connect, String topic, int expected, Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = connect.kafka().consume(expected, timeout.toMillis(), topic);
        return decode(records, topic);
    }

    public static List<ReadBack> decode(Iterable<ConsumerRecord<byte[], byte[]>> records, String topic) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        List<ReadBack> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SchemaAndValue value = converter.toConnectData(topic, record.value());
            Map<String, String> headers = new HashMap<>();
            record.headers().forEach(h -> headers.put(h.key(), new String(h.value(),
                    java.nio.charset.StandardCharsets.UTF_8)));
            out.add(new ReadBack(record.key() == null ? null : new String(record.key(),
                    java.nio.charset.StandardCharsets.UTF_8), record.timestamp(), (Struct) value.value(), headers));
        }
        return out;
    }
}
