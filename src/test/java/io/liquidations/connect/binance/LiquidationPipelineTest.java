package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.stream.ReconnectReason;
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
    private final RecordQueue<LiquidationPipeline.Queued> queue = new RecordQueue<>(100, () -> roomSignals++);

    /** A frame on the group's socket, the one before it a millisecond earlier. */
    private static boolean onText(LiquidationPipeline pipeline, String group, String text, long receivedAt) {
        return pipeline.onText(group, text, receivedAt, receivedAt - 1);
    }

    private LiquidationPipeline pipeline(MalformedEventBehavior behavior) {
        return pipeline(DecimalHandlingMode.PRECISE, queue, behavior);
    }

    private LiquidationPipeline pipeline(DecimalHandlingMode mode, RecordQueue<LiquidationPipeline.Queued> into,
            MalformedEventBehavior behavior) {
        return new LiquidationPipeline(new ForceOrderRecords("liquidations", "usds-m", mode),
                new StreamGapRecords("liquidations.gaps", "usds-m"), into, errors, behavior,
                ConnectorMetrics.detached(counters), new LiquidationDeduplicator());
    }

    private List<SourceRecord> drain() throws InterruptedException {
        return drain(queue);
    }

    private static List<SourceRecord> drain(RecordQueue<LiquidationPipeline.Queued> from) throws InterruptedException {
        return from.poll(0, TimeUnit.MILLISECONDS, 1_000).stream().map(LiquidationPipeline.Queued::record).toList();
    }

    @Test
    void validFramesQueueRecords() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        assertTrue(onText(pipeline, "connection-1", BTC_COMBINED, 1_000L));
        assertTrue(onText(pipeline, "connection-1", ILV_ALL_MARKET, 2_000L));
        assertTrue(onText(pipeline, "connection-1", COIN_M_RAW, 3_000L));

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
        assertTrue(onText(pipeline, "connection-1", array, 1L));
        assertEquals(List.of("BTCUSD_200925", "ETHUSD_PERP"), drain().stream().map(SourceRecord::key).toList());
        assertEquals(1, counters.frames());
        assertEquals(2, counters.liquidations());
    }

    @Test
    void malformedFrameInLogModeIsCountedSkippedAndReportedAsAGap() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        pipeline.follow("task-0/group-1", List.of("btcusdt@forceOrder", "ethusdt@forceOrder"));
        assertTrue(onText(pipeline, "task-0/group-1", "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":", 1L));
        assertTrue(onText(pipeline, "task-0/group-1", BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"abc\""),
                2L));
        assertTrue(pipeline.onText("task-0/group-1", "x".repeat(10_000), 3_000L, 2_500L));
        assertEquals(3, counters.malformedFrames());
        assertEquals(3, counters.frames());
        assertEquals(0, counters.liquidations());
        List<SourceRecord> gaps = drain();
        assertTrue(gaps.stream().allMatch(LiquidationPipelineTest::isGap), "only gap records: " + gaps);
        assertEquals(3, gaps.size(), "one gap per frame whose liquidations, if any, are lost");
        Struct unparsable = (Struct) gaps.get(0).value();
        assertEquals(List.of("btcusdt@forceOrder", "ethusdt@forceOrder"), unparsable.getArray(StreamGapRecords.STREAMS),
                "a frame that cannot be parsed may have been for any stream of its socket");
        Struct badQuantity = (Struct) gaps.get(1).value();
        assertEquals(List.of("btcusdt@forceOrder"), badQuantity.getArray(StreamGapRecords.STREAMS));
        assertEquals(List.of("BTCUSDT"), badQuantity.getArray(StreamGapRecords.SYMBOLS));
        assertTrue(badQuantity.getString(StreamGapRecords.DETAIL).contains("o.q"), badQuantity.toString());
        Struct junk = (Struct) gaps.get(2).value();
        assertEquals(2_500L, ((java.util.Date) junk.get(StreamGapRecords.UNCOVERED_FROM)).getTime(),
                "from the frame before it on the same socket");
        assertEquals(3_000L, ((java.util.Date) junk.get(StreamGapRecords.UNCOVERED_TO)).getTime());
        assertDoesNotThrow(errors::throwIfFailed);
        assertFalse(errors.hasFatal());
        // Keeps working afterwards.
        assertTrue(onText(pipeline, "task-0/group-1", BTC_COMBINED, 4L));
        assertEquals(1, drain().size());
    }

    @Test
    void theSameMalformedFrameFromTwoLegsIsReportedOnce() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        String bad = BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"abc\"");
        assertTrue(onText(pipeline, "g", bad, 10L));
        assertTrue(onText(pipeline, "g", bad, 12L));
        assertEquals(2, counters.malformedFrames(), "each arrival is counted");
        assertEquals(1, drain().size(), "one gap record");
        assertTrue(onText(pipeline, "g", bad.replace("abc", "abd"), 14L));
        assertEquals(1, drain().size(), "a different frame is another gap");
    }

    @Test
    void malformedFrameInFailModeFailsTheTask() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        assertFalse(onText(pipeline, "connection-1", "not json", 1L));
        assertEquals(1, counters.malformedFrames());
        assertEquals(0, queue.size(), "the task fails instead: nothing is queued");
        assertTrue(errors.hasFatal());
        for (int i = 0; i < 2; i++) {
            ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
            assertFalse(e instanceof RetriableException);
            assertTrue(e.getMessage().contains("behavior.on.malformed.event"), e.getMessage());
            assertTrue(e.getMessage().contains("connection-1"), e.getMessage());
            assertTrue(e.getMessage().contains("not json"), "the sample: " + e.getMessage());
        }
        // Once failed, it asks the socket to stop reading even for good frames.
        assertFalse(onText(pipeline, "connection-1", BTC_COMBINED, 2L));
        assertFalse(onText(pipeline, "connection-1", "{\"result\":null,\"id\":1}", 3L));
    }

    @Test
    void failModeMessageStaysShortForAHugeFrame() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        String huge = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\",\"pad\":\""
                + "y".repeat(100_000) + "\",\"E\":\"late\"}}";
        assertFalse(onText(pipeline, "connection-1", huge, 1L));
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
        assertTrue(onText(log, "connection-1", NINE_PLACES, 1L));
        assertEquals(1, counters.malformedFrames());
        assertEquals(0, counters.liquidations());
        assertTrue(drain().stream().allMatch(LiquidationPipelineTest::isGap), "no liquidation record");
        assertDoesNotThrow(errors::throwIfFailed);

        LiquidationPipeline fail = pipeline(MalformedEventBehavior.FAIL);
        assertFalse(onText(fail, "connection-1", NINE_PLACES, 2L));
        assertEquals(2, counters.malformedFrames());
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertTrue(e.getMessage().contains("3.803000001"), e.getMessage());
        assertTrue(e.getMessage().contains("behavior.on.malformed.event"), e.getMessage());
    }

    @Test
    void oneBadEventInAnArrayCostsOnlyThatEventAndIsReportedAsAGap() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        String good = BTC_COMBINED.substring(BTC_COMBINED.indexOf("\"data\":") + 7, BTC_COMBINED.length() - 1);
        String bad = NINE_PLACES.substring(NINE_PLACES.indexOf("\"data\":") + 7, NINE_PLACES.length() - 1);
        String alsoGood = good.replace("\"T\":1568014460893", "\"T\":1568014461893");
        assertTrue(onText(pipeline, "connection-1", "{\"stream\":\"!forceOrder@arr\",\"data\":[" + good + "," + bad
                + "," + alsoGood + "]}", 5_000L));
        assertEquals(1, counters.malformedFrames());
        List<SourceRecord> queued = drain();
        List<SourceRecord> liquidations = queued.stream().filter(r -> !isGap(r)).toList();
        List<SourceRecord> gaps = queued.stream().filter(LiquidationPipelineTest::isGap).toList();
        assertEquals(List.of(1568014460893L, 1568014461893L),
                liquidations.stream().map(SourceRecord::timestamp).toList(), "the good events of the frame");
        assertEquals(1, gaps.size(), "the dropped event is visible downstream: " + queued);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals("malformed", gap.getString(StreamGapRecords.REASON));
        assertEquals(List.of("!forceOrder@arr"), gap.getArray(StreamGapRecords.STREAMS));
        assertEquals(List.of("ILVUSDT"), gap.getArray(StreamGapRecords.SYMBOLS), "the symbol it was for");
        assertEquals(5_000L, ((java.util.Date) gap.get(StreamGapRecords.UNCOVERED_TO)).getTime());
    }

    @Test
    void hostileNumbersAreMalformedAtOnceAndStringModeKeepsTheirText() throws Exception {
        String[] hostile = {"1e999999999", "1e3000000", "1E-3000000", "-1e999999999"};
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            LiquidationPipeline precise = pipeline(MalformedEventBehavior.LOG);
            for (String number : hostile) {
                assertTrue(onText(precise, "connection-1",
                        BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"" + number + "\""), 1L));
            }
            assertEquals(hostile.length, counters.malformedFrames());
            assertEquals(0, counters.liquidations());
            assertDoesNotThrow(errors::throwIfFailed);
        }, "a hostile exponent must not stall the event loop or allocate gigabytes");

        RecordQueue<LiquidationPipeline.Queued> strings = new RecordQueue<>(100, () -> { });
        LiquidationPipeline keepText = pipeline(DecimalHandlingMode.STRING, strings, MalformedEventBehavior.LOG);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> assertTrue(onText(keepText, "connection-1",
                BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"1e999999999\""), 2L)));
        List<SourceRecord> kept = drain(strings);
        assertEquals("1e999999999", ((Struct) kept.get(0).value()).get(ForceOrderSchema.QUANTITY),
                "string mode keeps the exchange's text");
    }

    @Test
    void timesConnectWouldRefuseAreMalformedInsteadOfFailingTheTask() throws Exception {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        assertTrue(onText(pipeline, "connection-1", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":-5"), 1L));
        assertTrue(onText(pipeline, "connection-1", BTC_COMBINED.replace("\"E\":1568014460893", "\"E\":-1"), 2L));
        assertTrue(onText(pipeline, "connection-1",
                BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":" + Long.MAX_VALUE), 3L));
        assertEquals(3, counters.malformedFrames());
        assertEquals(0, counters.liquidations());
        assertTrue(drain().stream().noneMatch(r -> !isGap(r)), "nothing Connect would refuse is queued");
        assertDoesNotThrow(errors::throwIfFailed);
    }

    private static boolean isGap(SourceRecord record) {
        return StreamGapRecords.NAME.equals(record.valueSchema().name());
    }

    @Test
    void controlFramesAreCountedAsOtherFrames() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.FAIL);
        assertTrue(onText(pipeline, "connection-1", "{\"result\":null,\"id\":1}", 1L));
        assertTrue(onText(pipeline, "connection-1", "{\"stream\":\"btcusdt@markPrice\",\"data\":{\"e\":\"markPriceUpdate\","
                + "\"E\":1562305380000,\"s\":\"BTCUSDT\",\"p\":\"11794.15000000\"}}", 2L));
        assertEquals(2, counters.otherFrames());
        assertEquals(2, counters.frames());
        assertEquals(0, counters.malformedFrames());
        assertEquals(0, counters.liquidations());
        assertEquals(0, queue.size());
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void aConnectionDownLeavingItsStreamsUncoveredMakesTheNextPollRetryOnce() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        IOException cause = new IOException("connection reset");
        List<String> streams = List.of("btcusdt@forceOrder");
        pipeline.onCovered("g", streams, null, null);
        pipeline.onUncovered("g", streams, System.currentTimeMillis(), "dropped");
        pipeline.onConnectionDown("g", "g/leg-2", cause, 1_500L, ReconnectReason.DROPPED);
        assertEquals(1, counters.disconnects());
        RetriableException e = assertThrows(RetriableException.class, errors::throwIfFailed);
        assertTrue(e.getMessage().contains("g/leg-2"), e.getMessage());
        assertTrue(e.getMessage().contains("1500"), e.getMessage());
        assertEquals(cause, e.getCause());
        assertDoesNotThrow(errors::throwIfFailed);
        assertFalse(errors.hasFatal());
    }

    @Test
    void aLegLostWhileAnotherCoversIsNoErrorForTheWorker() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        pipeline.onCovered("g", List.of("btcusdt@forceOrder"), null, null);
        pipeline.onConnectionDown("g", "g/leg-1", new IOException("reset"), 100L, ReconnectReason.DROPPED);
        assertEquals(1, counters.disconnects(), "counted");
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void onFatalFailsTheTask() {
        LiquidationPipeline pipeline = pipeline(MalformedEventBehavior.LOG);
        IllegalStateException cause = new IllegalStateException("HTTP 404 on upgrade");
        pipeline.onFatal("connection-1", cause);
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertFalse(e instanceof RetriableException);
        assertEquals(cause, e.getCause());
        assertFalse(onText(pipeline, "connection-1", BTC_COMBINED, 1L), "stop reading once failed");
    }

    @Test
    void unreadableMessageIsCountedAsMalformed() {
        LiquidationPipeline log = pipeline(MalformedEventBehavior.LOG);
        log.onUnreadableMessage("connection-1", "a BinaryWebSocketFrame of 12 bytes", 20L, 10L);
        assertEquals(1, counters.frames());
        assertEquals(1, counters.malformedFrames());
        assertDoesNotThrow(errors::throwIfFailed);
        assertEquals(1, queue.size(), "a gap: it may have been a liquidation");
        LiquidationPipeline fail = pipeline(MalformedEventBehavior.FAIL);
        fail.onUnreadableMessage("connection-1", "a BinaryWebSocketFrame of 12 bytes", 20L, 10L);
        assertTrue(assertThrows(ConnectException.class, errors::throwIfFailed).getMessage()
                .contains("BinaryWebSocketFrame"));
    }

    @Test
    void aConnectionUpIsCounted() {
        pipeline(MalformedEventBehavior.LOG).onConnectionUp("g/leg-1");
        assertEquals(1, counters.connectionsOpened());
    }

    @Test
    void fullQueueAsksTheSocketToPauseWithoutDropping() throws Exception {
        RecordQueue<LiquidationPipeline.Queued> small = new RecordQueue<>(2, () -> roomSignals++);
        LiquidationPipeline pipeline = pipeline(DecimalHandlingMode.STRING, small, MalformedEventBehavior.LOG);
        // Three different liquidations (trade times a second apart): the same one thrice would be de-duplicated.
        assertTrue(onText(pipeline, "c", BTC_COMBINED, 1L));
        assertFalse(onText(pipeline, "c", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":1568014461893"), 2L));
        assertFalse(onText(pipeline, "c", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":1568014462893"), 3L));
        assertEquals(3, small.size());
        List<SourceRecord> all = drain(small);
        assertEquals(3, all.size());
        assertEquals(1, roomSignals);
        assertInstanceOf(String.class, ((Struct) all.get(0).value()).get(ForceOrderSchema.PRICE));
    }
}
