package io.liquidations.connect.binance.discovery;

import java.math.BigDecimal;

/**
 * One contract of Binance's exchangeInfo, reduced to what symbol selection and records need.
 *
 * @param status {@code status} on USDⓈ-M, {@code contractStatus} on COIN-M
 * @param contractSize USD per contract on COIN-M; null on USDⓈ-M, where quantities are in the base asset
 */
public record ContractInfo(String symbol, String pair, String contractType, String status, String baseAsset,
        String quoteAsset, String marginAsset, BigDecimal contractSize) {
}
