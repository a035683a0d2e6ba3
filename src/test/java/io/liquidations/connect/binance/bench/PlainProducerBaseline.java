package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * The machine's ceiling: a plain {@code KafkaProducer} writing the bytes Connect would write for the connector's
 * records (key, value and headers converted beforehand by the same converters), with the producer settings Connect's
 * {@code Worker} gives every source task (acks=all, enable.idempotence=false, max.in.flight.requests.per.connection=1,
 * unbounded delivery timeout and max.block.ms; linger.ms and batch.size left at the client's defaults), from one
 * thread, to the same broker and the same kind of topic.
 */
final class PlainProducerBaseline implements AutoCloseable {
    static final String CLIENT_ID = "bench-plain-producer";
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private final List<RecordHeaders> headers = new ArrayList<>();

    PlainProducerBaseline(String bootstrapServers, String topic, long start, int symbols) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        config.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckTimes.class.getName());
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());

        StringConverter keyConverter = new StringConverter();
        keyConverter.configure(Map.of(), true);
        JsonConverter valueConverter = new JsonConverter();
        valueConverter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC"), false);
        SimpleHeaderConverter headerConverter = new SimpleHeaderConverter();
        headerConverter.configure(Map.of());
        FrameSource frames = new FrameSource(ForceOrderEvents.symbols(symbols), false, start, 7);
        ConnectorEntryPoints connector = new ConnectorEntryPoints(topic);
        for (int seq = 0; seq < 1000; seq++) {
            for (SourceRecord r : connector.toRecords(frames.text(seq % symbols, seq), System.currentTimeMillis())) {
                keys.add(keyConverter.fromConnectData(topic, r.keySchema(), r.key()));
                values.add(valueConverter.fromConnectData(topic, r.valueSchema(), r.value()));
                RecordHeaders h = new RecordHeaders();
                for (Header header : r.headers()) {
                    h.add(header.key(), headerConverter.fromConnectHeader(topic, header.key(), header.schema(),
                            header.value()));
                }
                headers.add(h);
            }
        }
    }

    int valueBytes() {
        return (int) values.stream().mapToInt(v -> v.length).average().orElse(0);
    }

    /** Sends events {@code from .. from+count-1}, as fast as the producer takes them. */
    void blast(String topic, long start, long from, long count) {
        for (long seq = from; seq < from + count; seq++) {
            int t = (int) (seq % keys.size());
            producer.send(new ProducerRecord<>(topic, null, start + seq, keys.get(t), values.get(t), headers.get(t)));
        }
    }

    /**
     * Sends events at {@code perSecond}, each stamped with its own send time in the received-at header, so that the
     * ack latency is the producer's and the broker's alone.
     */
    void paced(String topic, long start, long from, long count, double perSecond) throws InterruptedException {
        long begin = System.nanoTime();
        for (long seq = from; seq < from + count; seq++) {
            long due = begin + (long) ((seq - from) * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            int t = (int) (seq % keys.size());
            RecordHeaders h = new RecordHeaders();
            h.add(ConnectorEntryPoints.HEADER_RECEIVED_AT, Long.toString(System.currentTimeMillis())
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            producer.send(new ProducerRecord<>(topic, null, start + seq, keys.get(t), values.get(t), h));
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
