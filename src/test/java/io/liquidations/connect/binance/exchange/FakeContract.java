package io.liquidations.connect.binance.exchange;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * One contract as the fake exchange lists it in {@code exchangeInfo}. USDⓈ-M contracts carry {@code status}; COIN-M
 * ones carry {@code contractStatus} and a {@code contractSize} (USD per contract), as Binance's two APIs do.
 *
 * @param contractSize null on USDⓈ-M
 */
public record FakeContract(
        String symbol,
        String pair,
        String contractType,
        String status,
        String baseAsset,
        String quoteAsset,
        String marginAsset,
        BigDecimal contractSize,
        long onboardDate,
        long deliveryDate) {

    /** Far in the future: what Binance puts in {@code deliveryDate} for perpetuals. */
    static final long PERPETUAL_DELIVERY = 4_133_404_800_000L;
    private static final long ONBOARD = 1_569_398_400_000L;

    public FakeContract {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(contractType, "contractType");
        Objects.requireNonNull(status, "status");
    }

    /** A trading USDⓈ-M perpetual such as {@code BTCUSDT}: margined and quoted in the asset it ends with. */
    public static FakeContract usdsPerpetual(String symbol) {
        String quote = symbol.endsWith("USDC") ? "USDC" : "USDT";
        String base = symbol.substring(0, symbol.length() - quote.length());
        return new FakeContract(symbol, symbol, "PERPETUAL", "TRADING", base, quote, quote, null, ONBOARD,
                PERPETUAL_DELIVERY);
    }

    /** A trading COIN-M perpetual such as {@code BTCUSD_PERP}: quoted in USD, margined in the coin. */
    public static FakeContract coinPerpetual(String symbol, int contractSizeUsd) {
        String pair = symbol.substring(0, symbol.indexOf('_'));
        String base = pair.substring(0, pair.length() - "USD".length());
        return new FakeContract(symbol, pair, "PERPETUAL", "TRADING", base, "USD", base,
                BigDecimal.valueOf(contractSizeUsd), ONBOARD, PERPETUAL_DELIVERY);
    }

    public boolean coinMargined() {
        return contractSize != null;
    }

    public FakeContract withStatus(String newStatus) {
        return new FakeContract(symbol, pair, contractType, newStatus, baseAsset, quoteAsset, marginAsset,
                contractSize, onboardDate, deliveryDate);
    }

    public FakeContract withContractType(String newType) {
        return new FakeContract(symbol, pair, newType, status, baseAsset, quoteAsset, marginAsset, contractSize,
                onboardDate, deliveryDate);
    }

    /** The entry of {@code symbols} in exchangeInfo, with the fields Binance sends that a client must skip. */
    String toJson() {
        StringBuilder json = new StringBuilder(1024).append('{');
        field(json, "symbol", symbol);
        field(json, "pair", pair);
        field(json, "contractType", contractType);
        json.append("\"deliveryDate\":").append(deliveryDate).append(',');
        json.append("\"onboardDate\":").append(onboardDate).append(',');
        if (coinMargined()) {
            field(json, "contractStatus", status);
            json.append("\"contractSize\":").append(contractSize.toPlainString()).append(',');
        } else {
            field(json, "status", status);
        }
        field(json, "maintMarginPercent", "2.5000");
        field(json, "requiredMarginPercent", "5.0000");
        field(json, "baseAsset", baseAsset);
        field(json, "quoteAsset", quoteAsset);
        field(json, "marginAsset", marginAsset);
        json.append("\"pricePrecision\":2,\"quantityPrecision\":3,\"baseAssetPrecision\":8,\"quotePrecision\":8,");
        if (coinMargined()) {
            json.append("\"equalQtyPrecision\":4,");
        }
        field(json, "underlyingType", "COIN");
        json.append("\"underlyingSubType\":[\"PoW\"],");
        if (!coinMargined()) {
            json.append("\"settlePlan\":0,");
        }
        field(json, "triggerProtect", "0.0500");
        field(json, "liquidationFee", "0.012500");
        field(json, "marketTakeBound", "0.05");
        json.append("\"filters\":[")
                .append("{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"556.80\",\"maxPrice\":\"4529764\",")
                .append("\"tickSize\":\"0.10\"},")
                .append("{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.001\",\"maxQty\":\"1000\",")
                .append("\"stepSize\":\"0.001\"},")
                .append("{\"filterType\":\"PERCENT_PRICE\",\"multiplierUp\":\"1.0500\",")
                .append("\"multiplierDown\":\"0.9500\",\"multiplierDecimal\":\"4\"}],");
        json.append("\"orderTypes\":[\"LIMIT\",\"MARKET\",\"STOP\",\"STOP_MARKET\",\"TAKE_PROFIT\",")
                .append("\"TAKE_PROFIT_MARKET\",\"TRAILING_STOP_MARKET\"],");
        json.append("\"timeInForce\":[\"GTC\",\"IOC\",\"FOK\",\"GTX\"]");
        return json.append('}').toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"").append(value).append("\",");
    }

    @Override
    public String toString() {
        return symbol.toUpperCase(Locale.ROOT) + "(" + contractType + ", " + status + ")";
    }
}
