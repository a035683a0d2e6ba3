package io.liquidations.connect.binance.quickstart;

import java.io.PrintStream;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
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

/**
 * Prints liquidations as they reach the topic — time, symbol, side, quantity, price and notional (price × filled
 * quantity, computed exactly) — and every few seconds a {@link StatusLine}: the connector's state, coverage (gap
 * records read from the gaps topic) and the last minute's long- against short-liquidated notional.
 */
final class LiveView {
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);
    private static final Duration PULSE_WINDOW = Duration.ofSeconds(60);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    static final String HEADER = String.format("%-12s  %-16s  %-4s  %16s  %16s  %16s",
            "trade time", "symbol", "side", "quantity", "price", "notional");

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String gapsTopic;
    private final String coverageTopic;
    private final RecordFormat format;
    private final Supplier<StatusLine.Connector> connector;
    private final PrintStream out;
    private final MarketPulse pulse = new MarketPulse(PULSE_WINDOW);
    private StatusLine.Gaps gaps = StatusLine.Gaps.NONE;
    /** Each stream's latest watermark, from the coverage topic. */
    private final java.util.Map<String, Instant> watermarks = new java.util.HashMap<>();
    private volatile boolean running = true;
    private long count;

    LiveView(String bootstrap, String topic, String gapsTopic, String coverageTopic, RecordFormat format,
            Supplier<StatusLine.Connector> connector, PrintStream out) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "quickstart-live-view-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A topic this run creates is read from its start; one left by an earlier run from its end. Gaps and coverage:
        // all (coverage is compacted, and each stream's latest checkpoint comes last).
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        // The gaps and coverage topics exist only once the connector writes to them; subscribing must not create them.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.gapsTopic = gapsTopic;
        this.coverageTopic = coverageTopic;
        this.format = format;
        this.connector = connector;
        this.out = out;
    }

    void run() {
        boolean topicExisted = consumer.listTopics().containsKey(topic);
        consumer.subscribe(List.of(topic, gapsTopic, coverageTopic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (topicExisted) {
                    consumer.seekToEnd(partitions.stream().filter(p -> p.topic().equals(topic)).toList());
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
                    show(record);
                }
                if (System.nanoTime() >= nextStatus) {
                    Instant now = Instant.now();
                    Instant oldest = watermarks.values().stream().min(Instant::compareTo).orElse(null);
                    out.println(StatusLine.format(now, connector.get(), gaps, oldest, pulse.snapshot(now), count));
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

    /** A record that cannot be read is reported with where it is and why, never skipped silently. */
    private void show(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(coverageTopic)) {
                RecordFormat.Checkpoint checkpoint = format.checkpoint(record.topic(), record.value());
                watermarks.put(checkpoint.stream(), checkpoint.coveredUntil());
                return;
            }
            if (record.topic().equals(gapsTopic)) {
                gaps = gaps.plus(format.gap(record.topic(), record.value()));
                return;
            }
            Liquidation liquidation = format.liquidation(record.topic(), record.value());
            out.println(format(liquidation));
            pulse.add(liquidation, Instant.now());
            count++;
        } catch (RuntimeException e) {
            out.println("[unreadable record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + ": " + e.getMessage() + "]");
        }
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    static String format(Liquidation liquidation) {
        return String.format("%-12s  %-16s  %-4s  %16s  %16s  %16s",
                TIME.format(liquidation.tradeTime()), liquidation.symbol(), liquidation.side(),
                liquidation.quantity().stripTrailingZeros().toPlainString(),
                liquidation.price().stripTrailingZeros().toPlainString(),
                liquidation.notional().setScale(2, RoundingMode.HALF_EVEN).toPlainString());
    }
}
