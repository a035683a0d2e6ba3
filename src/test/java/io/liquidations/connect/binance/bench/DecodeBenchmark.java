package io.liquidations.connect.binance.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Frame text → {@code SourceRecord} (parse, map, Struct, headers) per event: the connector's streaming decoder against
 * the Jackson tree-model baseline, on the same realistic frames, cycling through them so that neither branch
 * prediction nor caches see one frame over and over. Run by {@link DecodeBenchmarkRunner}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmark {
    @Param("1024")
    public int frameCount;

    private String[] frames;
    private byte[][] frameBytes;
    private Object[] decoded;
    private final com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
    private int next;
    private ConnectorEntryPoints connector;
    private JacksonTreeMapping baseline;

    @Setup(Level.Trial)
    public void setUp() {
        frames = BenchFrames.realistic(frameCount, 42).toArray(String[]::new);
        connector = new ConnectorEntryPoints("bench");
        baseline = new JacksonTreeMapping("bench");
        frameBytes = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            frameBytes[i] = frames[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        decoded = new Object[frames.length];
        for (int i = 0; i < frames.length; i++) {
            decoded[i] = connector.decode(frames[i]);
        }
    }

    private String nextFrame() {
        String frame = frames[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        return frame;
    }

    @Benchmark
    public List<SourceRecord> connector() {
        return connector.toRecords(nextFrame(), 1_780_000_000_000L);
    }

    /** The connector's parse alone (frame → event), to tell what bounds the whole. */
    @Benchmark
    public Object connectorParseOnly() {
        return connector.decode(nextFrame());
    }

    /** The connector's record building alone (event → Struct, headers, SourceRecord). */
    @Benchmark
    public List<SourceRecord> connectorRecordOnly() {
        Object event = decoded[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        return connector.toRecords(event, 1_780_000_000_000L);
    }

    /**
     * Evidence for a profile finding, not the connector: Jackson's streaming parser walking a frame and taking
     * every value's text, as the decoder does, from the String the connector gets today...
     */
    @Benchmark
    public int jacksonScanFromString() throws IOException {
        return scan(json.createParser(nextFrame()));
    }

    /** ...and from the frame's UTF-8 bytes, which is what the socket delivers. */
    @Benchmark
    public int jacksonScanFromBytes() throws IOException {
        byte[] bytes = frameBytes[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        return scan(json.createParser(bytes));
    }

    private static int scan(com.fasterxml.jackson.core.JsonParser parser) throws IOException {
        int length = 0;
        try (parser) {
            com.fasterxml.jackson.core.JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    length += parser.getText().length();
                } else if (token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                    length += (int) parser.getLongValue();
                }
            }
        }
        return length;
    }

    @Benchmark
    public SourceRecord jacksonTree() throws IOException {
        return baseline.toRecord(nextFrame(), 1_780_000_000_000L);
    }
}
