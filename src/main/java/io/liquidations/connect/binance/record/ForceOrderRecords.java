package io.liquidations.connect.binance.record;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the Kafka record of a liquidation: keyed by symbol, stamped with the trade time, and carrying in its
 * source partition {@code {market, symbol}} the last trade time seen, so that a restarted task knows where
 * coverage ended.
 */
public final class ForceOrderRecords {
    public static final String PARTITION_MARKET = "market";
    public static final String PARTITION_SYMBOL = "symbol";
    public static final String OFFSET_TRADE_TIME = "tradeTime";
    public static final String HEADER_RECEIVED_AT = "binance.received.at";
    public static final String HEADER_STREAM = "binance.stream";

    private final String topic;
    private final String market;
    private final DecimalHandlingMode decimalMode;
    private final Schema valueSchema;
    private final ContractDetails contracts;

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
        Struct value = new Struct(valueSchema)
                .put(ForceOrderSchema.EVENT_TYPE, event.eventType())
                .put(ForceOrderSchema.EVENT_TIME, new Date(event.eventTime()))
                .put(ForceOrderSchema.SYMBOL, event.symbol())
                .put(ForceOrderSchema.PAIR, event.pair() != null ? event.pair() : contracts.pair(event.symbol()))
                .put(ForceOrderSchema.SIDE, event.side())
                .put(ForceOrderSchema.ORDER_TYPE, event.orderType())
                .put(ForceOrderSchema.TIME_IN_FORCE, event.timeInForce())
                .put(ForceOrderSchema.QUANTITY, decimal(event.quantity(), "o.q"))
                .put(ForceOrderSchema.PRICE, decimal(event.price(), "o.p"))
                .put(ForceOrderSchema.AVERAGE_PRICE, decimal(event.averagePrice(), "o.ap"))
                .put(ForceOrderSchema.STATUS, event.status())
                .put(ForceOrderSchema.LAST_FILLED_QUANTITY, decimal(event.lastFilledQuantity(), "o.l"))
                .put(ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY,
                        decimal(event.filledAccumulatedQuantity(), "o.z"))
                .put(ForceOrderSchema.TRADE_TIME, new Date(event.tradeTime()))
                .put(ForceOrderSchema.MARKET_TYPE, event.marketType())
                .put(ForceOrderSchema.CONTRACT_SIZE, optionalDecimal(contracts.contractSize(event.symbol()),
                        "contractSize"));
        ConnectHeaders headers = new ConnectHeaders();
        headers.addLong(HEADER_RECEIVED_AT, receivedAtMillis);
        if (stream != null) {
            headers.addString(HEADER_STREAM, stream);
        }
        return new SourceRecord(
                sourcePartition(marketOf(event), event.symbol()),
                Map.of(OFFSET_TRADE_TIME, event.tradeTime()),
                topic, null,
                ForceOrderSchema.keySchema(), event.symbol(),
                valueSchema, value,
                event.tradeTime(), headers);
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
     * The exchange's decimal at scale 8, exactly, or a {@link DataException}. Scale and digits are checked before
     * {@code setScale}: on {@code 1e3000000} it would build a number of three million digits, on the event loop.
     */
    static BigDecimal toFixedScale(String exchangeText, String field) {
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
