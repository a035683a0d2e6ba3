package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * The do-nothing baseline of the end-to-end benchmark: a source connector whose one task returns records built before
 * it started, as fast as the worker asks. Same records as the connector's (built by the connector's own decoder and
 * record builder from the same frames), same batch size, same source partitions and offsets, same converters and
 * topic settings: what it reaches is Connect's own ceiling on this machine. Each record gets its own timestamp
 * {@code start + seq} (a copy of a template, one allocation) so the read-back can count every one.
 */
public final class PrebuiltRecordsConnector extends SourceConnector {
    static final String TOPIC = "topic";
    static final String COUNT = "count";
    static final String START = "start";
    static final String SYMBOLS = "symbols.count";
    static final String BATCH = "max.batch.size";
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PrebuiltTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    public static final class PrebuiltTask extends SourceTask {
        private final List<SourceRecord> templates = new ArrayList<>();
        private String topic;
        private long count;
        private long start;
        private int batch;
        private long next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get(TOPIC);
            count = Long.parseLong(props.get(COUNT));
            start = Long.parseLong(props.get(START));
            batch = Integer.parseInt(props.getOrDefault(BATCH, "1000"));
            int symbols = Integer.parseInt(props.getOrDefault(SYMBOLS, "200"));
            FrameSource frames = new FrameSource(ForceOrderEvents.symbols(symbols), false, start, 7);
            ConnectorEntryPoints connector = new ConnectorEntryPoints(topic);
            for (int seq = 0; seq < 1000; seq++) {
                templates.addAll(connector.toRecords(frames.text(seq % symbols, seq), System.currentTimeMillis()));
            }
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (next >= count) {
                Thread.sleep(100);
                return null;
            }
            int n = (int) Math.min(batch, count - next);
            List<SourceRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++, next++) {
                SourceRecord t = templates.get((int) (next % templates.size()));
                out.add(t.newRecord(topic, null, t.keySchema(), t.key(), t.valueSchema(), t.value(), start + next,
                        t.headers()));
            }
            return out;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}
