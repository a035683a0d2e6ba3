package io.liquidations.connect.binance.quickstart;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Prints liquidations as they reach the topic — time, symbol, side, quantity, price and notional (price × filled
 * quantity, computed exactly) — with a running count and the connector's status every few seconds.
 */
final class LiveView {
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    static final String HEADER = String.format("%-12s  %-16s  %-4s  %16s  %16s  %16s",
            "trade time", "symbol", "side", "quantity", "price", "notional");

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Supplier<String> status;
    private final PrintStream out;
    private final JsonConverter converter = new JsonConverter();
    private volatile boolean running = true;
    private long count;

    LiveView(String bootstrap, String topic, Supplier<String> status, PrintStream out) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "quickstart-live-view-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A topic this run creates is read from its start; one left by an earlier run from its end.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.status = status;
        this.out = out;
        converter.configure(Map.of("schemas.enable", "true"), false);
    }

    void run() {
        boolean topicExisted = consumer.listTopics().containsKey(topic);
        consumer.subscribe(java.util.List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (topicExisted) {
                    consumer.seekToEnd(partitions);
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }
        });
        out.println(HEADER);
        long nextStatus = 0;
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(format((Struct) converter.toConnectData(topic, record.value()).value()));
                    count++;
                }
                if (System.nanoTime() >= nextStatus) {
                    out.println("[status " + TIME.format(Instant.now()) + "] connector " + status.get() + "; "
                            + count + " liquidations shown");
                    nextStatus = System.nanoTime() + STATUS_EVERY.toNanos();
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // stop() was called
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    static String format(Struct value) {
        BigDecimal price = decimal(value.get("price"));
        BigDecimal filled = decimal(value.get("filledAccumulatedQuantity"));
        BigDecimal notional = price.multiply(filled).setScale(2, RoundingMode.HALF_EVEN);
        return String.format("%-12s  %-16s  %-4s  %16s  %16s  %16s",
                TIME.format(((Date) value.get("tradeTime")).toInstant()),
                value.getString("symbol"), value.getString("side"),
                decimal(value.get("quantity")).stripTrailingZeros().toPlainString(),
                price.stripTrailingZeros().toPlainString(), notional.toPlainString());
    }

    /** Precise mode gives BigDecimal, string mode the exchange's text; both are exact. */
    private static BigDecimal decimal(Object value) {
        return value instanceof BigDecimal decimal ? decimal : new BigDecimal(value.toString());
    }
}
