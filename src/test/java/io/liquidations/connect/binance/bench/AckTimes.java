package io.liquidations.connect.binance.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * When Kafka acknowledged each record, and how long after the frame carrying it was received.
 *
 * <p>Configured on the worker as {@code producer.interceptor.classes}, so every source task's producer has it, the
 * connector's and the do-nothing baseline's alike, and the plain-producer baseline sets it too. Since Kafka 4.0
 * (KIP-512) {@code onAcknowledgement} gets the record's headers; the producer calls it on its I/O thread right before
 * the send callback in which Connect calls the task's {@code commitRecord(record, metadata)}, so the time taken here
 * is the commitRecord time to within microseconds, without touching the task. Latency is that time minus the
 * record's {@code binance.received.at} header (epoch milliseconds, written by the connector when the frame arrived;
 * the header converter writes it as decimal text). The header has millisecond resolution, so each latency is
 * overstated by 0 to 1 ms (0.5 ms on average); the ack time itself is taken in microseconds.
 *
 * <p>State is per topic and static: the worker instantiates the interceptor itself, in this JVM.
 */
public final class AckTimes implements ProducerInterceptor<byte[], byte[]> {
    private static final Map<String, TopicAcks> TOPICS = new ConcurrentHashMap<>();

    public static TopicAcks of(String topic) {
        return TOPICS.computeIfAbsent(topic, t -> new TopicAcks());
    }

    public static void forget(String topic) {
        TOPICS.remove(topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        if (metadata == null) {
            return;
        }
        TopicAcks acks = TOPICS.get(metadata.topic());
        if (acks == null) {
            return;
        }
        if (exception != null) {
            // Connect's producer retries until delivered (unbounded delivery timeout): a failure here is not
            // final, and a record that never arrives shows up as lost in the read-back.
            return;
        }
        Instant now = Instant.now();
        long ackMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long receivedAtMillis = -1;
        Header header = headers == null ? null : headers.lastHeader(ConnectorEntryPoints.HEADER_RECEIVED_AT);
        if (header != null && header.value() != null) {
            receivedAtMillis = Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        }
        acks.acked(System.nanoTime(), receivedAtMillis < 0 ? -1 : ackMicros - receivedAtMillis * 1000);
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        onAcknowledgement(metadata, exception, null);
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    /** Acks of one topic: their nanoTime stamps (for rates) and latencies (µs); producers of several tasks add. */
    public static final class TopicAcks {
        private long[] ackNanos = new long[1 << 16];
        private long[] latencyMicros = new long[1 << 16];
        private int count;
        private int latencies;

        synchronized void acked(long nanos, long latency) {
            if (count == ackNanos.length) {
                ackNanos = Arrays.copyOf(ackNanos, count * 2);
            }
            ackNanos[count++] = nanos;
            if (latency >= 0) {
                if (latencies == latencyMicros.length) {
                    latencyMicros = Arrays.copyOf(latencyMicros, latencies * 2);
                }
                latencyMicros[latencies++] = latency;
            }
        }

        public synchronized int count() {
            return count;
        }

        public synchronized long[] ackNanos() {
            return Arrays.copyOf(ackNanos, count);
        }

        public synchronized long[] latencyMicros() {
            return Arrays.copyOf(latencyMicros, latencies);
        }
    }
}
