package io.liquidations.connect.binance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.liquidations.connect.binance.config.LiquidationSourceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What discovery follows, as the connector's config builds the selection. */
class SymbolSelectionTest {
    private static final List<ContractInfo> LISTED = List.of(
            contract("BTCUSDT", "PERPETUAL", "TRADING", "USDT", "USDT"),
            contract("ETHUSDC", "PERPETUAL", "TRADING", "USDC", "USDC"),
            contract("BTCUSDT_261225", "CURRENT_QUARTER", "TRADING", "USDT", "USDT"),
            contract("LUNAUSDT", "PERPETUAL", "SETTLING", "USDT", "USDT"),
            contract("DOGEUSDT", "PERPETUAL", "TRADING", "USDT", "USDT"),
            contract("BTCDOMUSDT", "PERPETUAL", "TRADING", "USDT", "BNFCR"));

    private static ContractInfo contract(String symbol, String type, String status, String quote, String margin) {
        return new ContractInfo(symbol, symbol.replace("_261225", ""), type, status, "X", quote, margin, null);
    }

    private static List<String> selected(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(Map.of("symbols", "", "symbols.discovery", "exchangeInfo",
                "symbols.validation", "none"));
        props.putAll(settings);
        return new LiquidationSourceConfig(props).symbolSelection().select(LISTED);
    }

    @Test
    void byDefaultPerpetualContractsThatTrade() {
        assertEquals(List.of("BTCDOMUSDT", "BTCUSDT", "DOGEUSDT", "ETHUSDC"), selected(Map.of()));
    }

    @Test
    void contractTypesStatusQuoteAndMarginAssetsEachNarrowIt() {
        assertEquals(List.of("BTCUSDT_261225"), selected(Map.of(
                LiquidationSourceConfig.SYMBOLS_CONTRACT_TYPES, "current_quarter")));
        assertEquals(List.of("BTCDOMUSDT", "BTCUSDT", "BTCUSDT_261225", "DOGEUSDT", "ETHUSDC", "LUNAUSDT"),
                selected(Map.of(LiquidationSourceConfig.SYMBOLS_CONTRACT_TYPES, "",
                        LiquidationSourceConfig.SYMBOLS_STATUS, "")), "empty: any type, any status");
        assertEquals(List.of("ETHUSDC"), selected(Map.of(LiquidationSourceConfig.SYMBOLS_QUOTE_ASSETS, "USDC")));
        assertEquals(List.of("BTCDOMUSDT"), selected(Map.of(LiquidationSourceConfig.SYMBOLS_MARGIN_ASSETS, "bnfcr")));
    }

    @Test
    void includeAndExcludeMatchTheWholeSymbol() {
        assertEquals(List.of("BTCDOMUSDT", "BTCUSDT"), selected(Map.of(
                LiquidationSourceConfig.SYMBOLS_INCLUDE, "BTC.*")));
        assertEquals(List.of("BTCUSDT"), selected(Map.of(LiquidationSourceConfig.SYMBOLS_INCLUDE, "btc.*",
                LiquidationSourceConfig.SYMBOLS_EXCLUDE, ".*DOM.*")), "case-insensitive; exclude wins");
        assertEquals(List.of(), selected(Map.of(LiquidationSourceConfig.SYMBOLS_INCLUDE, "BTC")),
                "a pattern matches the whole symbol, not a part");
    }
}
