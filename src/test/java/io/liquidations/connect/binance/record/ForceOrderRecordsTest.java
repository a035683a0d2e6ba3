package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ForceOrderRecordsTest {
    private static final long EVENT_TIME = 1791391083124L;
    private static final long TRADE_TIME = 1791391082119L;
    private static final long RECEIVED_AT = 1791391083200L;
    private static final String STREAM = "!forceOrder@arr";
    private static final List<String> DECIMAL_FIELDS = List.of(ForceOrderSchema.QUANTITY, ForceOrderSchema.PRICE,
            ForceOrderSchema.AVERAGE_PRICE, ForceOrderSchema.LAST_FILLED_QUANTITY,
            ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY);

    /** The 2026 all-market capture. */
    private static ForceOrderEvent ilv() {
        return event("116.5", "3.80300", "3.85642", "25.2", "116.5");
    }

    private static ForceOrderEvent event(String q, String p, String ap, String l, String z) {
        return new ForceOrderEvent("forceOrder", EVENT_TIME, "ILVUSDT", "ILVUSDT", "SELL", "LIMIT", "IOC",
                q, p, ap, "FILLED", l, z, TRADE_TIME, 1);
    }

    private static SourceRecord record(DecimalHandlingMode mode, ForceOrderEvent event) {
        return new ForceOrderRecords("liquidations", "usds-m", mode).toRecord(event, STREAM, RECEIVED_AT);
    }

    @Test
    void keyTimestampTopicPartitionAndOffset() {
        SourceRecord record = record(DecimalHandlingMode.PRECISE, ilv());
        assertEquals("liquidations", record.topic());
        assertNull(record.kafkaPartition());
        assertEquals("ILVUSDT", record.key());
        assertEquals(Schema.STRING_SCHEMA, record.keySchema());
        assertEquals(Schema.Type.STRING, record.keySchema().type());
        assertFalse(record.keySchema().isOptional());
        assertEquals(Long.valueOf(TRADE_TIME), record.timestamp());
        assertEquals(Map.of("market", "usds-m", "symbol", "ILVUSDT"), record.sourcePartition());
        assertEquals(Map.of("tradeTime", TRADE_TIME), record.sourceOffset());
        assertInstanceOf(Long.class, record.sourceOffset().get("tradeTime"));
        assertEquals(ForceOrderRecords.sourcePartition("usds-m", "ILVUSDT"), record.sourcePartition());
    }

    @Test
    void recordsOfOneSymbolAndStreamShareTheirPartitionAndStreamHeaderAndStayRightPastTheCache() {
        ForceOrderRecords records = new ForceOrderRecords("liquidations", "usds-m", DecimalHandlingMode.PRECISE);
        SourceRecord first = records.toRecord(ilv(), STREAM, RECEIVED_AT);
        SourceRecord second = records.toRecord(ilv(), STREAM, RECEIVED_AT + 1);
        assertSame(first.sourcePartition(), second.sourcePartition(), "one partition map per symbol");
        assertSame(first.headers().lastWithName("binance.stream"), second.headers().lastWithName("binance.stream"));
        assertEquals(RECEIVED_AT + 1, second.headers().lastWithName("binance.received.at").value());
        ForceOrderEvent sameSymbolCoinM = new ForceOrderEvent("forceOrder", EVENT_TIME, "ILVUSDT", null, "SELL",
                "LIMIT", "IOC", "1", "2", "2", "FILLED", "1", "1", TRADE_TIME, 2);
        assertEquals(Map.of("market", "coin-m", "symbol", "ILVUSDT"),
                records.toRecord(sameSymbolCoinM, STREAM, RECEIVED_AT).sourcePartition(), "cached per market");
        // Symbols and streams come from the exchange: past the cap each record still gets its own, right values.
        for (int i = 0; i <= ForceOrderRecords.MAX_CACHED + 10; i++) {
            String symbol = "S" + i + "USDT";
            ForceOrderEvent event = new ForceOrderEvent("forceOrder", EVENT_TIME, symbol, null, "SELL", "LIMIT",
                    "IOC", "1", "2", "2", "FILLED", "1", "1", TRADE_TIME, i % 2 == 0 ? 1 : 2);
            SourceRecord record = records.toRecord(event, "s" + i + "usdt@forceOrder", RECEIVED_AT);
            assertEquals(Map.of("market", i % 2 == 0 ? "usds-m" : "coin-m", "symbol", symbol),
                    record.sourcePartition(), symbol);
            assertEquals("s" + i + "usdt@forceOrder", record.headers().lastWithName("binance.stream").value());
            assertEquals(Schema.STRING_SCHEMA, record.headers().lastWithName("binance.stream").schema());
            assertEquals(2, record.headers().size());
        }
    }

    @Test
    void headersCarryReceiveTimeAndStream() {
        SourceRecord record = record(DecimalHandlingMode.PRECISE, ilv());
        Header receivedAt = record.headers().lastWithName("binance.received.at");
        assertEquals(RECEIVED_AT, receivedAt.value());
        assertEquals(Schema.Type.INT64, receivedAt.schema().type());
        Header stream = record.headers().lastWithName("binance.stream");
        assertEquals(STREAM, stream.value());
        assertEquals(2, record.headers().size());
    }

    @Test
    void noStreamHeaderWhenTheFrameNamedNone() {
        SourceRecord record = new ForceOrderRecords("t", "coin-m", DecimalHandlingMode.PRECISE)
                .toRecord(ilv(), null, RECEIVED_AT);
        assertNull(record.headers().lastWithName("binance.stream"));
        assertEquals(RECEIVED_AT, record.headers().lastWithName("binance.received.at").value());
        assertEquals("usds-m", record.sourcePartition().get("market"), "the event's st (1) names its market");
        ForceOrderEvent unmarked = event("1", "2", "2", "1", "1");
        unmarked = new ForceOrderEvent(unmarked.eventType(), unmarked.eventTime(), unmarked.symbol(), null,
                unmarked.side(), unmarked.orderType(), unmarked.timeInForce(), unmarked.quantity(), unmarked.price(),
                unmarked.averagePrice(), unmarked.status(), unmarked.lastFilledQuantity(),
                unmarked.filledAccumulatedQuantity(), unmarked.tradeTime(), null);
        assertEquals("coin-m", new ForceOrderRecords("t", "coin-m", DecimalHandlingMode.PRECISE)
                .toRecord(unmarked, null, RECEIVED_AT).sourcePartition().get("market"), "no st: the configured market");
    }

    @Test
    void coinMRecordsCarryTheContractSizeAndThePairFromExchangeInfo() {
        ForceOrderEvent coin = new ForceOrderEvent("forceOrder", EVENT_TIME, "BTCUSD_PERP", null, "SELL", "LIMIT",
                "IOC", "3", "90000.1", "90010.5", "FILLED", "3", "3", TRADE_TIME, null);
        io.liquidations.connect.binance.discovery.ContractCatalog catalog =
                io.liquidations.connect.binance.discovery.ContractCatalog.decode("BTCUSD_PERP:BTCUSD:100");
        for (DecimalHandlingMode mode : DecimalHandlingMode.values()) {
            Struct value = (Struct) new ForceOrderRecords("t", "coin-m", mode, catalog)
                    .toRecord(coin, null, RECEIVED_AT).value();
            value.validate();
            assertEquals("BTCUSD", value.getString(ForceOrderSchema.PAIR), mode + ": pair filled from exchangeInfo");
            Object size = value.get(ForceOrderSchema.CONTRACT_SIZE);
            switch (mode) {
                case PRECISE -> assertEquals(new BigDecimal("100.00000000"), size);
                case STRING -> assertEquals("100", size);
                case DOUBLE -> assertEquals(100.0, size);
            }
        }
        Struct precise = (Struct) new ForceOrderRecords("t", "coin-m", DecimalHandlingMode.PRECISE, catalog)
                .toRecord(coin, null, RECEIVED_AT).value();
        BigDecimal notionalUsd = ((BigDecimal) precise.get(ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY))
                .multiply((BigDecimal) precise.get(ForceOrderSchema.CONTRACT_SIZE));
        assertEquals(0, new BigDecimal("300").compareTo(notionalUsd), "3 contracts of 100 USD");
        Struct usds = (Struct) new ForceOrderRecords("t", "usds-m", DecimalHandlingMode.PRECISE)
                .toRecord(ilv(), null, RECEIVED_AT).value();
        assertNull(usds.get(ForceOrderSchema.CONTRACT_SIZE), "USDS-M quantities are in the base asset: no size");
    }

    @Test
    void preciseModeGivesScale8DecimalsWithPrecisionParameter() {
        SourceRecord record = record(DecimalHandlingMode.PRECISE, ilv());
        Struct value = (Struct) record.value();
        Map<String, String> expected = Map.of(ForceOrderSchema.QUANTITY, "116.5", ForceOrderSchema.PRICE, "3.80300",
                ForceOrderSchema.AVERAGE_PRICE, "3.85642", ForceOrderSchema.LAST_FILLED_QUANTITY, "25.2",
                ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY, "116.5");
        for (String field : DECIMAL_FIELDS) {
            Schema schema = value.schema().field(field).schema();
            assertEquals(Decimal.LOGICAL_NAME, schema.name(), field);
            assertEquals("8", schema.parameters().get(Decimal.SCALE_FIELD), field);
            assertEquals("38", schema.parameters().get("connect.decimal.precision"), field);
            BigDecimal actual = assertInstanceOf(BigDecimal.class, value.get(field), field);
            assertEquals(8, actual.scale(), field);
            assertEquals(0, new BigDecimal(expected.get(field)).compareTo(actual), field + " = " + actual);
        }
        assertEquals("3.80300000", ((BigDecimal) value.get(ForceOrderSchema.PRICE)).toPlainString());
        value.validate();
    }

    @Test
    void preciseModeRefusesANinthDecimalPlaceInsteadOfRounding() {
        DataException e = assertThrows(DataException.class, () -> record(DecimalHandlingMode.PRECISE,
                event("116.5", "3.803000001", "3.85642", "25.2", "116.5")));
        assertTrue(e.getMessage().contains("o.p"), e.getMessage());
        assertTrue(e.getMessage().contains("3.803000001"), e.getMessage());
        assertTrue(e.getMessage().contains("decimal.handling.mode=string"), e.getMessage());
        assertThrows(DataException.class, () -> record(DecimalHandlingMode.PRECISE,
                event("0.000000001", "1", "1", "1", "1")));
        // A ninth place that is a trailing zero loses nothing and is fine.
        Struct value = (Struct) record(DecimalHandlingMode.PRECISE,
                event("116.500000000", "1", "1", "1", "1")).value();
        assertEquals(new BigDecimal("116.50000000"), ((BigDecimal) value.get(ForceOrderSchema.QUANTITY)));
    }

    @Test
    void preciseModeRefusesMoreThan38Digits() {
        String thirtyOneDigits = "1" + "0".repeat(30);
        assertThrows(DataException.class, () -> record(DecimalHandlingMode.PRECISE,
                event(thirtyOneDigits, "1", "1", "1", "1")));
        String thirtyDigits = "1" + "0".repeat(29);
        Struct value = (Struct) record(DecimalHandlingMode.PRECISE, event(thirtyDigits, "1", "1", "1", "1")).value();
        assertEquals(0, new BigDecimal(thirtyDigits).compareTo(((BigDecimal) value.get(ForceOrderSchema.QUANTITY))));
    }

    @Test
    void stringModeKeepsTheExchangeDigits() {
        Struct value = (Struct) record(DecimalHandlingMode.STRING, ilv()).value();
        assertEquals("3.80300", value.getString(ForceOrderSchema.PRICE));
        assertEquals("116.5", value.getString(ForceOrderSchema.QUANTITY));
        assertEquals("3.85642", value.getString(ForceOrderSchema.AVERAGE_PRICE));
        assertEquals("25.2", value.getString(ForceOrderSchema.LAST_FILLED_QUANTITY));
        assertEquals("3.803000001", ((Struct) record(DecimalHandlingMode.STRING,
                event("1", "3.803000001", "1", "1", "1")).value()).getString(ForceOrderSchema.PRICE));
        for (String field : DECIMAL_FIELDS) {
            assertEquals(Schema.STRING_SCHEMA, value.schema().field(field).schema(), field);
        }
        value.validate();
    }

    @Test
    void doubleModeGivesDoubles() {
        Struct value = (Struct) record(DecimalHandlingMode.DOUBLE, ilv()).value();
        assertEquals(3.803, value.getFloat64(ForceOrderSchema.PRICE));
        assertEquals(116.5, value.getFloat64(ForceOrderSchema.QUANTITY));
        assertEquals(3.85642, value.getFloat64(ForceOrderSchema.AVERAGE_PRICE));
        assertEquals(25.2, value.getFloat64(ForceOrderSchema.LAST_FILLED_QUANTITY));
        assertEquals(116.5, value.getFloat64(ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY));
        for (String field : DECIMAL_FIELDS) {
            assertEquals(Schema.FLOAT64_SCHEMA, value.schema().field(field).schema(), field);
        }
        value.validate();
    }

    @ParameterizedTest
    @EnumSource(DecimalHandlingMode.class)
    void timestampsAndOtherFieldsInEveryMode(DecimalHandlingMode mode) {
        ForceOrderRecords records = new ForceOrderRecords("liquidations", "usds-m", mode);
        SourceRecord record = records.toRecord(ilv(), STREAM, RECEIVED_AT);
        Struct value = (Struct) record.value();
        assertEquals(records.valueSchema(), record.valueSchema());
        assertEquals(record.valueSchema(), value.schema());
        assertEquals(ForceOrderSchema.NAME, value.schema().name());
        assertEquals(Timestamp.LOGICAL_NAME, value.schema().field(ForceOrderSchema.EVENT_TIME).schema().name());
        assertEquals(Timestamp.LOGICAL_NAME, value.schema().field(ForceOrderSchema.TRADE_TIME).schema().name());
        Date eventTime = assertInstanceOf(Date.class, value.get(ForceOrderSchema.EVENT_TIME));
        Date tradeTime = assertInstanceOf(Date.class, value.get(ForceOrderSchema.TRADE_TIME));
        assertEquals(EVENT_TIME, eventTime.getTime());
        assertEquals(TRADE_TIME, tradeTime.getTime());
        assertEquals("forceOrder", value.getString(ForceOrderSchema.EVENT_TYPE));
        assertEquals("ILVUSDT", value.getString(ForceOrderSchema.SYMBOL));
        assertEquals("ILVUSDT", value.getString(ForceOrderSchema.PAIR));
        assertEquals("SELL", value.getString(ForceOrderSchema.SIDE));
        assertEquals("LIMIT", value.getString(ForceOrderSchema.ORDER_TYPE));
        assertEquals("IOC", value.getString(ForceOrderSchema.TIME_IN_FORCE));
        assertEquals("FILLED", value.getString(ForceOrderSchema.STATUS));
        assertEquals(Integer.valueOf(1), value.getInt32(ForceOrderSchema.MARKET_TYPE));
        value.validate();
    }

    @Test
    void optionalFieldsMayBeAbsent() {
        ForceOrderEvent plain = new ForceOrderEvent("forceOrder", 1568014460893L, "BTCUSDT", null, "SELL", "LIMIT",
                "IOC", "0.014", "9910", "9910", "FILLED", "0.014", "0.014", 1568014460893L, null);
        Struct value = (Struct) record(DecimalHandlingMode.PRECISE, plain).value();
        assertNull(value.get(ForceOrderSchema.PAIR));
        assertNull(value.get(ForceOrderSchema.MARKET_TYPE));
        assertTrue(value.schema().field(ForceOrderSchema.PAIR).schema().isOptional());
        assertTrue(value.schema().field(ForceOrderSchema.MARKET_TYPE).schema().isOptional());
        value.validate();
    }
}
