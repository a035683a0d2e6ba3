package io.liquidations.connect.binance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.liquidations.connect.binance.config.BinanceMarket;
import java.util.List;
import org.junit.jupiter.api.Test;

class SymbolCheckTest {
    private static ContractInfo usds(String symbol, String status) {
        return new ContractInfo(symbol, symbol, "PERPETUAL", status, "X", "USDT", "USDT", null);
    }

    private static final List<ContractInfo> LISTED = List.of(usds("BTCUSDT", "TRADING"), usds("ETHUSDT", "TRADING"),
            usds("BTCDOMUSDT", "TRADING"), usds("LUNAUSDT", "SETTLING"));

    @Test
    void namesEachUnknownSymbolWithTheClosestListedOne() {
        assertEquals(List.of("BTCUSTD is not a USDⓈ-M contract; did you mean BTCUSDT?",
                        "ETHUSD is not a USDⓈ-M contract; did you mean ETHUSDT?",
                        "DOGEBTC is not a USDⓈ-M contract"),
                SymbolCheck.problems(List.of("btcustd", "ETHUSD", "ETHUSDT", "DOGEBTC"), LISTED, BinanceMarket.USDS_M));
        assertEquals(List.of("BTCUSD_PERP is not a COIN-M contract"),
                SymbolCheck.problems(List.of("BTCUSD_PERP"), List.of(), BinanceMarket.COIN_M));
    }

    @Test
    void aListedContractThatNoLongerTradesIsAProblemToo() {
        assertEquals(List.of("LUNAUSDT is a USDⓈ-M contract but its status is SETTLING: it does not trade, so it has"
                + " no liquidations"), SymbolCheck.problems(List.of("LUNAUSDT", "BTCUSDT"), LISTED,
                BinanceMarket.USDS_M));
    }

    @Test
    void aSwapOfNeighboursIsOneEditAndFarNamesGetNoSuggestion() {
        assertEquals(1, SymbolCheck.distance("BTCUSTD", "BTCUSDT"));
        assertEquals(2, SymbolCheck.distance("BTCUSDTT", "BTCUSD"));
        assertNull(SymbolCheck.closest("SOLUSDT", List.of("BTCUSDT", "ETHUSDT")));
    }
}
