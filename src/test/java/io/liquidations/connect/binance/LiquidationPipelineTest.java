package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.metrics.ReconnectReason;
import io.liquidations.connect.binance.record.StreamGapRecords;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class LiquidationPipelineTest {
    private static final String BTC_COMBINED = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\","
            + "\"E\":1568014460893,\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.014\","
            + "\"p\":\"9910\",\"ap\":\"9910\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\",\"T\":1568014460893}}}";
    private static final String ILV_ALL_MARKET = "{\"stream\":\"!forceOrder@arr\",\"data\":{\"e\":\"forceOrder\","
            + "\"E\":1791391083124,\"o\":{\"s\":\"ILVUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"116.5\","
            + "\"p\":\"3.80300\",\"ap\":\"3.85642\",\"X\":\"FILLED\",\"l\":\"25.2\",\"z\":\"116.5\","
            + "\"T\":1791391082119,\"ps\":\"ILVUSDT\",\"st\":1}}}";
    private static final String COIN_M_RAW = "{\"e\":\"forceOrder\",\"E\":1591154240950,\"o\":{\"s\":\"BTCUSD_200925\","
            + "\"ps\":\"BTCUSD\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"1\",\"p\":\"9425.5\","
            + "\"ap\":\"9496.5\",\"X\":\"FILLED\",\"l\":\"1\",\"z\":\"1\",\"T\":1591154240949}}";
    private static final String NINE_PLACES = ILV_ALL_MARKET.replace("\"p\":\"3.80300\"", "\"p\":\"3.803000001\"");

    private final IngestCounters counters = new IngestCounters();
    private final ErrorHandler errors = new ErrorHandler();
    private int roomSignals;
    private final RecordQueue<SourceRecord> queue = new RecordQueue<>(100, () -> roomSignals++);

    private LiquidationPipeline pipeline(MalformedEventBehavior behavior) {
        return pipeline(DecimalHandlingMode.PRECISE, queue, behavior);
    }

    private LiquidationPipeline pipeline(DecimalHandlingMode mode, RecordQueue<SourceRecord> into,
            MalformedEventBehavior behavior) {
        return new LiquidationPipeline(new ForceOrderRecords("liquidations", "usds-m", mode),
                new StreamGapRecords("liquidations.gaps", "usds-m"), into, errors, behavior,
                ConnectorMetrics.detached(counters), new LiquidationDeduplicator());
    }

    private List<SourceRecord> drain() throws InterruptedException {
        return queue.poll(0, TimeUnit.MILLISECONDS, 1_000);
    }

    @Test
    void validFramesQueueRecords() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        assertTrue(pipeline.onText("connection-1", BTC_COMBINED, 1_000L));
        assertTrue(pipeline.onText("connection-1", ILV_ALL_MARKET, 2_000L));
        assertTrue(pipeline.onText("connection-1", COIN_M_RAW, 3_000L));

        List<SourceRecord> records = drain();
        assertEquals(List.of("BTCUSDT", "ILVUSDT", "BTCUSD_200925"), records.stream().map(SourceRecord::key).toList());
        SourceRecord ilv = records.get(1);
        assertEquals("liquidations", ilv.topic());
        assertEquals(Long.valueOf(1791391082119L), ilv.timestamp());
        assertEquals("!forceOrder@arr", ilv.headers().lastWithName("binance.stream").value());
        assertEquals(2_000L, ilv.headers().lastWithName("binance.received.at").value());
        Struct value = (Struct) ilv.value();
        assertEquals(0, new BigDecimal("3.803").compareTo(((BigDecimal) value.get(ForceOrderSchema.PRICE))));
        assertEquals(3, counters.frames());
        assertEquals(3, counters.liquidations());
        assertEquals(0, counters.malformedFrames());
        assertEquals(0, counters.otherFrames());
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void aFrameWithSeveralEventsQueuesThemAll() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        String array = "{\"stream\":\"!forceOrder@arr\",\"data\":[" + COIN_M_RAW + ","
                + COIN_M_RAW.replace("BTCUSD_200925", "ETHUSD_PERP") + "]}";
        assertTrue(pipeline.onText("connection-1", array, 1L));
        assertEquals(List.of("BTCUSD_200925", "ETHUSD_PERP"), drain().stream().map(SourceRecord::key).toList());
        assertEquals(1, counters.frames());
        assertEquals(2, counters.liquidations());
    }

    @Test
    void malformedFrameInLogModeIsCountedAndSkipped() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        assertTrue(pipeline.onText("connection-1", "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":", 1L));
        assertTrue(pipeline.onText("connection-1", BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"abc\""), 2L));
        assertTrue(pipeline.onText("connection-1", "x".repeat(10_000), 3L));
        assertEquals(3, counters.malformedFrames());
        assertEquals(3, counters.frames());
        assertEquals(0, counters.liquidations());
        assertEquals(0, queue.size());
        assertDoesNotThrow(errors::throwIfFailed);
        assertFalse(errors.hasFatal());
        // Keeps working afterwards.
        assertTrue(pipeline.onText("connection-1", BTC_COMBINED, 4L));
        assertEquals(1, drain().size());
    }

    @Test
    void malformedFrameInFailModeFailsTheTask() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        assertFalse(pipeline.onText("connection-1", "not json", 1L));
        assertEquals(1, counters.malformedFrames());
        assertEquals(0, queue.size());
        assertTrue(errors.hasFatal());
        for (int i = 0; i < 2; i++) {
            ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
            assertFalse(e instanceof RetriableException);
            assertTrue(e.getMessage().contains("behavior.on.malformed.event"), e.getMessage());
            assertTrue(e.getMessage().contains("connection-1"), e.getMessage());
            assertTrue(e.getMessage().contains("not json"), "the sample: " + e.getMessage());
        }
        // Once failed, it asks the socket to stop reading even for good frames.
        assertFalse(pipeline.onText("connection-1", BTC_COMBINED, 2L));
        assertFalse(pipeline.onText("connection-1", "{\"result\":null,\"id\":1}", 3L));
    }

    @Test
    void failModeMessageStaysShortForAHugeFrame() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        String huge = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\",\"pad\":\""
                + "y".repeat(100_000) + "\",\"E\":\"late\"}}";
        assertFalse(pipeline.onText("connection-1", huge, 1L));
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertTrue(e.getMessage().contains("E is not an integer"), e.getMessage());
        assertTrue(e.getMessage().contains(huge.substring(0, LiquidationPipeline.SAMPLE_CHARS) + "\u2026"),
                "a truncated sample: " + e.getMessage());
        assertFalse(e.getMessage().contains("y".repeat(LiquidationPipeline.SAMPLE_CHARS)), e.getMessage());
        assertTrue(e.getMessage().length() < 1_000, "message of " + e.getMessage().length() + " chars");
    }

    @Test
    void decimalWithNinePlacesIsMalformed() throws Exception {
        LiquidationPipeline log = pipeline(MalformedEventBehavior.LOG);
        assertTrue(log.onText("connection-1", NINE_PLACES, 1L));
        assertEquals(1, counters.malformedFrames());
        assertEquals(0, counters.liquidations());
        assertEquals(0, queue.size());
        assertDoesNotThrow(errors::throwIfFailed);

        LiquidationPipeline fail = pipeline(MalformedEventBehavior.FAIL);
        assertFalse(fail.onText("connection-1", NINE_PLACES, 2L));
        assertEquals(2, counters.malformedFrames());
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertTrue(e.getMessage().contains("3.803000001"), e.getMessage());
        assertTrue(e.getMessage().contains("behavior.on.malformed.event"), e.getMessage());
    }

    @Test
    void aBadEventInAnArrayQueuesNoneOfTheFrame() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        String good = BTC_COMBINED.substring(BTC_COMBINED.indexOf("\"data\":") + 7, BTC_COMBINED.length() - 1);
        String bad = NINE_PLACES.substring(NINE_PLACES.indexOf("\"data\":") + 7, NINE_PLACES.length() - 1);
        assertTrue(pipeline.onText("connection-1", "[" + good + "," + bad + "]", 1L));
        assertEquals(1, counters.malformedFrames());
        assertEquals(0, queue.size());
        assertEquals(0, counters.liquidations());
    }

    @Test
    void controlFramesAreCountedAsOtherFrames() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        assertTrue(pipeline.onText("connection-1", "{\"result\":null,\"id\":1}", 1L));
        assertTrue(pipeline.onText("connection-1", "{\"stream\":\"btcusdt@markPrice\",\"data\":{\"e\":\"markPriceUpdate\","
                + "\"E\":1562305380000,\"s\":\"BTCUSDT\",\"p\":\"11794.15000000\"}}", 2L));
        assertEquals(2, counters.otherFrames());
        assertEquals(2, counters.frames());
        assertEquals(0, counters.malformedFrames());
        assertEquals(0, counters.liquidations());
        assertEquals(0, queue.size());
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void onDisconnectedMakesTheNextPollRetryOnce() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        IOException cause = new IOException("connection reset");
        pipeline.onDisconnected("connection-2", cause, 1_500L, ReconnectReason.DROPPED, System.currentTimeMillis());
        assertEquals(1, counters.disconnects());
        RetriableException e = assertThrows(RetriableException.class, errors::throwIfFailed);
        assertTrue(e.getMessage().contains("connection-2"), e.getMessage());
        assertTrue(e.getMessage().contains("1500"), e.getMessage());
        assertEquals(cause, e.getCause());
        assertDoesNotThrow(errors::throwIfFailed);
        assertFalse(errors.hasFatal());
    }

    @Test
    void onFatalFailsTheTask() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        IllegalStateException cause = new IllegalStateException("HTTP 404 on upgrade");
        pipeline.onFatal("connection-1", cause);
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertFalse(e instanceof RetriableException);
        assertEquals(cause, e.getCause());
        assertFalse(pipeline.onText("connection-1", BTC_COMBINED, 1L), "stop reading once failed");
    }

    @Test
    void unreadableMessageIsCountedAsMalformed() {
        LiquidationPipeline log = pipeline(MalformedEventBehavior.LOG);
        log.onUnreadableMessage("connection-1", "a BinaryWebSocketFrame of 12 bytes");
        assertEquals(1, counters.frames());
        assertEquals(1, counters.malformedFrames());
        assertDoesNotThrow(errors::throwIfFailed);
        LiquidationPipeline fail = pipeline(MalformedEventBehavior.FAIL);
        fail.onUnreadableMessage("connection-1", "a BinaryWebSocketFrame of 12 bytes");
        assertTrue(assertThrows(ConnectException.class, errors::throwIfFailed).getMessage()
                .contains("BinaryWebSocketFrame"));
    }

    @Test
    void onConnectedIsCounted() {
        pipeline(MalformedEventBehavior.LOG).onConnected("connection-1", List.of("btcusdt@forceOrder"));
        assertEquals(1, counters.connectionsOpened());
    }

    @Test
    void fullQueueAsksTheSocketToPauseWithoutDropping() throws Exception {
        RecordQueue<SourceRecord> small = new RecordQueue<>(2, () -> roomSignals++);
        LiquidationPipeline pipeline = pipeline(DecimalHandlingMode.STRING, small, MalformedEventBehavior.LOG);
        // Three different liquidations (trade times a second apart): the same one thrice would be de-duplicated.
        assertTrue(pipeline.onText("c", BTC_COMBINED, 1L));
        assertFalse(pipeline.onText("c", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":1568014461893"), 2L));
        assertFalse(pipeline.onText("c", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":1568014462893"), 3L));
        assertEquals(3, small.size());
        List<SourceRecord> all = small.poll(0, TimeUnit.MILLISECONDS, 10);
        assertEquals(3, all.size());
        assertEquals(1, roomSignals);
        assertInstanceOf(String.class, ((Struct) all.get(0).value()).get(ForceOrderSchema.PRICE));
    }
}
