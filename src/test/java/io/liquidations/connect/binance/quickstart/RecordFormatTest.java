package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.GapInterval;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The --json path: what the worker's JsonConverter writes reads back into the view's values, decimals exact. */
class RecordFormatTest {
    private final JsonConverter converter = new JsonConverter();

    RecordFormatTest() {
        converter.configure(Map.of("schemas.enable", "true"), false);
    }

    @Test
    void jsonLiquidationsReadBackExactly() {
        ForceOrderEvent event = new ForceOrderEvent("forceOrder", 1_717_171_717_123L, "ILVUSDT", null, "SELL",
                "LIMIT", "IOC", "116.5", "3.80300", "3.81650", "FILLED", "116.5", "116.5", 1_717_171_717_120L, null);
        SourceRecord record = new ForceOrderRecords("t", "usds-m", DecimalHandlingMode.PRECISE)
                .toRecord(event, "ilvusdt@forceOrder", 1L);
        Liquidation read = RecordFormat.json().liquidation("t",
                converter.fromConnectData("t", record.valueSchema(), record.value()));
        assertEquals(Instant.ofEpochMilli(1_717_171_717_120L), read.tradeTime());
        assertEquals("ILVUSDT", read.symbol());
        assertEquals(0, new BigDecimal("443.04950").compareTo(read.notional()), read.notional().toPlainString());
        assertEquals(true, read.liquidatesALong());
    }

    @Test
    void jsonGapsReadBack() {
        SourceRecord record = new StreamGapRecords("g", "usds-m").toRecord(new GapInterval("c/task-0/group-1",
                List.of("!forceOrder@arr"), List.of(), 1_000L, 4_500L, "stall", null));
        CoverageGap gap = RecordFormat.json().gap("g", converter.fromConnectData("g", record.valueSchema(),
                record.value()));
        assertEquals(new CoverageGap(List.of("!forceOrder@arr"), 3_500L, "stall"), gap);
    }
}
