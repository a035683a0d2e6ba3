package io.liquidations.connect.binance.record;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the Kafka record of a liquidation: keyed by symbol, stamped with the trade time, and carrying in its
 * source partition {@code {market, symbol}} the last trade time seen, so that a restarted task knows where
 * coverage ended.
 *
 * <p>Built for the hot path: the schema's fields are resolved once, and the source partition and stream header of
 * each symbol and stream are made once and shared by its records (both are immutable). One thread at a time: the
 * caches are plain maps.
 */
public final class ForceOrderRecords {
    public static final String PARTITION_MARKET = "market";
    public static final String PARTITION_SYMBOL = "symbol";
    public static final String OFFSET_TRADE_TIME = "tradeTime";
    public static final String HEADER_RECEIVED_AT = "binance.received.at";
    public static final String HEADER_STREAM = "binance.stream";
    /**
     * Symbols and streams come from the exchange's frames: the caches stop growing here (a few times the ~700 symbols
     * Binance lists), and what is past it is built per record, as if uncached.
     */
    static final int MAX_CACHED = 4_096;

    private final String topic;
    private final String market;
    private final DecimalHandlingMode decimalMode;
    private final Schema valueSchema;
    private final ContractDetails contracts;
    private final Field eventTypeField;
    private final Field eventTimeField;
    private final Field symbolField;
    private final Field pairField;
    private final Field sideField;
    private final Field orderTypeField;
    private final Field timeInForceField;
    private final Field quantityField;
    private final Field priceField;
    private final Field averagePriceField;
    private final Field statusField;
    private final Field lastFilledQuantityField;
    private final Field filledAccumulatedQuantityField;
    private final Field tradeTimeField;
    private final Field marketTypeField;
    private final Field contractSizeField;
    /** Market → symbol → its source partition. */
    private final Map<String, Map<String, Map<String, String>>> partitions = new HashMap<>();
    private int partitionsCached;
    /** Stream → its {@link #HEADER_STREAM} header. */
    private final Map<String, Header> streamHeaders = new HashMap<>();

    public ForceOrderRecords(String topic, String market, DecimalHandlingMode decimalMode) {
        this(topic, market, decimalMode, ContractDetails.NONE);
    }

    /** @param contracts pair and contract size per symbol (COIN-M), from exchangeInfo */
    public ForceOrderRecords(String topic, String market, DecimalHandlingMode decimalMode,
            ContractDetails contracts) {
        this.topic = topic;
        this.market = market;
        this.decimalMode = decimalMode;
        this.valueSchema = ForceOrderSchema.valueSchema(decimalMode);
        this.contracts = contracts;
        this.eventTypeField = valueSchema.field(ForceOrderSchema.EVENT_TYPE);
        this.eventTimeField = valueSchema.field(ForceOrderSchema.EVENT_TIME);
        this.symbolField = valueSchema.field(ForceOrderSchema.SYMBOL);
        this.pairField = valueSchema.field(ForceOrderSchema.PAIR);
        this.sideField = valueSchema.field(ForceOrderSchema.SIDE);
        this.orderTypeField = valueSchema.field(ForceOrderSchema.ORDER_TYPE);
        this.timeInForceField = valueSchema.field(ForceOrderSchema.TIME_IN_FORCE);
        this.quantityField = valueSchema.field(ForceOrderSchema.QUANTITY);
        this.priceField = valueSchema.field(ForceOrderSchema.PRICE);
        this.averagePriceField = valueSchema.field(ForceOrderSchema.AVERAGE_PRICE);
        this.statusField = valueSchema.field(ForceOrderSchema.STATUS);
        this.lastFilledQuantityField = valueSchema.field(ForceOrderSchema.LAST_FILLED_QUANTITY);
        this.filledAccumulatedQuantityField = valueSchema.field(ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY);
        this.tradeTimeField = valueSchema.field(ForceOrderSchema.TRADE_TIME);
        this.marketTypeField = valueSchema.field(ForceOrderSchema.MARKET_TYPE);
        this.contractSizeField = valueSchema.field(ForceOrderSchema.CONTRACT_SIZE);
    }

    /** The event's own market ({@code st}) when it says so, else the connector's. */
    private String marketOf(ForceOrderEvent event) {
        Integer st = event.marketType();
        return st == null ? market : st == 1 ? "usds-m" : st == 2 ? "coin-m" : market;
    }

    public Schema valueSchema() {
        return valueSchema;
    }

    public static Map<String, String> sourcePartition(String market, String symbol) {
        return SourcePartitions.of(PARTITION_MARKET, market, PARTITION_SYMBOL, symbol);
    }

    /** @throws DataException when a decimal does not fit the schema; it is never rounded to fit */
    public SourceRecord toRecord(ReceivedLiquidation received) {
        return toRecord(received.event(), received.stream(), received.receivedAtMillis());
    }

    /**
     * @param stream the stream the event arrived on, or null if the frame did not say
     * @throws DataException when a decimal does not fit the schema; it is never rounded to fit
     */
    public SourceRecord toRecord(ForceOrderEvent event, String stream, long receivedAtMillis) {
        String symbol = event.symbol();
        Struct value = new Struct(valueSchema)
                .put(eventTypeField, event.eventType())
                .put(eventTimeField, new Date(event.eventTime()))
                .put(symbolField, symbol)
                .put(pairField, event.pair() != null ? event.pair() : contracts.pair(symbol))
                .put(sideField, event.side())
                .put(orderTypeField, event.orderType())
                .put(timeInForceField, event.timeInForce())
                .put(quantityField, decimal(event.quantity(), "o.q"))
                .put(priceField, decimal(event.price(), "o.p"))
                .put(averagePriceField, decimal(event.averagePrice(), "o.ap"))
                .put(statusField, event.status())
                .put(lastFilledQuantityField, decimal(event.lastFilledQuantity(), "o.l"))
                .put(filledAccumulatedQuantityField, decimal(event.filledAccumulatedQuantity(), "o.z"))
                .put(tradeTimeField, new Date(event.tradeTime()))
                .put(marketTypeField, event.marketType())
                .put(contractSizeField, optionalDecimal(contracts.contractSize(symbol), "contractSize"));
        ConnectHeaders headers = new ConnectHeaders();
        headers.addLong(HEADER_RECEIVED_AT, receivedAtMillis);
        if (stream != null) {
            headers.add(streamHeader(stream));
        }
        return new SourceRecord(
                cachedSourcePartition(marketOf(event), symbol),
                Map.of(OFFSET_TRADE_TIME, event.tradeTime()),
                topic, null,
                ForceOrderSchema.keySchema(), symbol,
                valueSchema, value,
                event.tradeTime(), headers);
    }

    private Map<String, String> cachedSourcePartition(String market, String symbol) {
        Map<String, Map<String, String>> ofMarket = partitions.computeIfAbsent(market, m -> new HashMap<>());
        Map<String, String> partition = ofMarket.get(symbol);
        if (partition == null) {
            partition = sourcePartition(market, symbol);
            if (partitionsCached < MAX_CACHED) {
                ofMarket.put(symbol, partition);
                partitionsCached++;
            }
        }
        return partition;
    }

    private Header streamHeader(String stream) {
        Header header = streamHeaders.get(stream);
        if (header == null) {
            header = new ConnectHeaders().addString(HEADER_STREAM, stream).lastWithName(HEADER_STREAM);
            if (streamHeaders.size() < MAX_CACHED) {
                streamHeaders.put(stream, header);
            }
        }
        return header;
    }

    /** Contract details come from exchangeInfo as numbers: written like the exchange's own decimals. */
    private Object optionalDecimal(BigDecimal value, String field) {
        return value == null ? null : decimal(value.toPlainString(), field);
    }

    private Object decimal(String exchangeText, String field) {
        return switch (decimalMode) {
            case PRECISE -> toFixedScale(exchangeText, field);
            case STRING -> exchangeText;
            case DOUBLE -> toDouble(exchangeText, field);
        };
    }

    /**
     * The exchange's decimal at scale 8, exactly, or a {@link DataException}. Plain literals take the fast path;
     * the rest is checked for scale and digits before {@code setScale}: on {@code 1e3000000} it would build a number
     * of three million digits, on the event loop.
     */
    static BigDecimal toFixedScale(String exchangeText, String field) {
        BigDecimal plain = ScaleEightDecimals.parseOrNull(exchangeText);
        if (plain != null) {
            return plain;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(exchangeText);
        } catch (NumberFormatException e) {
            throw new DataException(field + " = " + quote(exchangeText) + " is not a decimal", e);
        }
        if (value.signum() == 0) {
            // 0E+999999999 is zero too, but setScale would first build ten to the billionth power.
            return BigDecimal.ZERO.setScale(ForceOrderSchema.DECIMAL_SCALE);
        }
        if (value.scale() > ForceOrderSchema.DECIMAL_SCALE) {
            // Trailing zeros beyond the scale are exact: 3.803000000000 is 3.803.
            value = value.stripTrailingZeros();
            if (value.scale() > ForceOrderSchema.DECIMAL_SCALE) {
                throw new DataException(field + " = " + quote(exchangeText) + " has more than "
                        + ForceOrderSchema.DECIMAL_SCALE + " decimal places and would have to be rounded; use"
                        + " decimal.handling.mode=string to keep such values");
            }
        }
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > ForceOrderSchema.DECIMAL_PRECISION - ForceOrderSchema.DECIMAL_SCALE) {
            throw new DataException(field + " = " + quote(exchangeText) + " has more than "
                    + (ForceOrderSchema.DECIMAL_PRECISION - ForceOrderSchema.DECIMAL_SCALE) + " digits before the"
                    + " point; use decimal.handling.mode=string to keep it");
        }
        return value.setScale(ForceOrderSchema.DECIMAL_SCALE, RoundingMode.UNNECESSARY);
    }

    private static double toDouble(String exchangeText, String field) {
        double value = Double.parseDouble(exchangeText);
        if (Double.isInfinite(value)) {
            throw new DataException(field + " = " + quote(exchangeText) + " is beyond the range of a double; use"
                    + " decimal.handling.mode=precise or string");
        }
        return value;
    }

    /** A hostile value is quoted by its start only: its full text could be the size of the frame. */
    private static String quote(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
