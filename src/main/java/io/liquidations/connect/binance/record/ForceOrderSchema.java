package io.liquidations.connect.binance.record;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The Connect value schema of a liquidation record. In {@link DecimalHandlingMode#PRECISE} it is the contract of
 * {@code src/main/avro/ForceOrder.avsc}, which a test holds it to.
 */
public final class ForceOrderSchema {
    public static final String NAMESPACE = "io.liquidations.binance";
    public static final String NAME = NAMESPACE + ".ForceOrder";
    public static final int VERSION = 1;

    /**
     * Binance quotes prices and quantities with at most 8 decimal places on every contract, so scale 8 holds them
     * all exactly; precision 38 is the widest that Avro consumers and ksqlDB's DECIMAL accept.
     */
    public static final int DECIMAL_SCALE = 8;
    public static final int DECIMAL_PRECISION = 38;
    /** The schema parameter Avro converters read the precision from; without it ksqlDB rejects the column. */
    public static final String PRECISION_PARAMETER = "connect.decimal.precision";

    public static final String EVENT_TYPE = "eventType";
    public static final String EVENT_TIME = "eventTime";
    public static final String SYMBOL = "symbol";
    public static final String PAIR = "pair";
    public static final String SIDE = "side";
    public static final String ORDER_TYPE = "orderType";
    public static final String TIME_IN_FORCE = "timeInForce";
    public static final String QUANTITY = "quantity";
    public static final String PRICE = "price";
    public static final String AVERAGE_PRICE = "averagePrice";
    public static final String STATUS = "status";
    public static final String LAST_FILLED_QUANTITY = "lastFilledQuantity";
    public static final String FILLED_ACCUMULATED_QUANTITY = "filledAccumulatedQuantity";
    public static final String TRADE_TIME = "tradeTime";
    public static final String MARKET_TYPE = "marketType";
    public static final String CONTRACT_SIZE = "contractSize";

    private ForceOrderSchema() {
    }

    public static Schema valueSchema(DecimalHandlingMode mode) {
        Schema decimal = decimalSchema(mode);
        return SchemaBuilder.struct().name(NAME).version(VERSION)
                .doc("One liquidation order published by Binance on a forceOrder stream.")
                .field(EVENT_TYPE, Schema.STRING_SCHEMA)
                .field(EVENT_TIME, Timestamp.SCHEMA)
                .field(SYMBOL, Schema.STRING_SCHEMA)
                .field(PAIR, Schema.OPTIONAL_STRING_SCHEMA)
                .field(SIDE, Schema.STRING_SCHEMA)
                .field(ORDER_TYPE, Schema.STRING_SCHEMA)
                .field(TIME_IN_FORCE, Schema.STRING_SCHEMA)
                .field(QUANTITY, decimal)
                .field(PRICE, decimal)
                .field(AVERAGE_PRICE, decimal)
                .field(STATUS, Schema.STRING_SCHEMA)
                .field(LAST_FILLED_QUANTITY, decimal)
                .field(FILLED_ACCUMULATED_QUANTITY, decimal)
                .field(TRADE_TIME, Timestamp.SCHEMA)
                .field(MARKET_TYPE, Schema.OPTIONAL_INT32_SCHEMA)
                // Added last and optional (default null): records written before it stay readable, and readers
                // of the older schema simply ignore it.
                .field(CONTRACT_SIZE, optionalDecimalSchema(mode))
                .build();
    }

    /** The key: the contract symbol, so that one symbol's liquidations stay in order on one partition. */
    public static Schema keySchema() {
        return Schema.STRING_SCHEMA;
    }

    private static Schema optionalDecimalSchema(DecimalHandlingMode mode) {
        return switch (mode) {
            case PRECISE -> Decimal.builder(DECIMAL_SCALE)
                    .parameter(PRECISION_PARAMETER, Integer.toString(DECIMAL_PRECISION))
                    .optional()
                    .build();
            case STRING -> Schema.OPTIONAL_STRING_SCHEMA;
            case DOUBLE -> Schema.OPTIONAL_FLOAT64_SCHEMA;
        };
    }

    private static Schema decimalSchema(DecimalHandlingMode mode) {
        return switch (mode) {
            case PRECISE -> Decimal.builder(DECIMAL_SCALE)
                    .parameter(PRECISION_PARAMETER, Integer.toString(DECIMAL_PRECISION))
                    .build();
            case STRING -> Schema.STRING_SCHEMA;
            case DOUBLE -> Schema.FLOAT64_SCHEMA;
        };
    }
}
