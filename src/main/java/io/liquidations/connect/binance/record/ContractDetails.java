package io.liquidations.connect.binance.record;

import java.math.BigDecimal;

/** What exchangeInfo says of a contract beyond its liquidations; null where it says nothing. */
public interface ContractDetails {
    ContractDetails NONE = new ContractDetails() {
        @Override
        public String pair(String symbol) {
            return null;
        }

        @Override
        public BigDecimal contractSize(String symbol) {
            return null;
        }
    };

    /** The underlying pair, e.g. BTCUSD for BTCUSD_PERP. */
    String pair(String symbol);

    /** COIN-M: USD per contract, so that notional = contracts × contract size. Null on USDⓈ-M. */
    BigDecimal contractSize(String symbol);
}
