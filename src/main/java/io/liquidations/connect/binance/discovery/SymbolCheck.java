package io.liquidations.connect.binance.discovery;

import io.liquidations.connect.binance.config.BinanceMarket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks an explicit symbol list against exchangeInfo: a symbol the market does not list would be accepted by the
 * stream and deliver nothing, forever. Each unknown name is reported with the closest listed one when a small
 * typo explains it; a listed contract that no longer trades is reported too.
 */
public final class SymbolCheck {
    /** Up to this many edits (insert, delete, replace, swap of neighbours) count as a typo. */
    private static final int MAX_TYPO_DISTANCE = 2;

    private SymbolCheck() {
    }

    /** One message per symbol that will deliver nothing; empty when every symbol is a trading contract. */
    public static List<String> problems(List<String> symbols, List<ContractInfo> listed, BinanceMarket market) {
        Map<String, ContractInfo> bySymbol = listed.stream().collect(Collectors.toMap(
                c -> c.symbol().toUpperCase(Locale.ROOT), Function.identity(), (a, b) -> a));
        List<String> problems = new ArrayList<>();
        for (String raw : symbols) {
            String symbol = raw.trim().toUpperCase(Locale.ROOT);
            ContractInfo contract = bySymbol.get(symbol);
            if (contract == null) {
                String suggestion = closest(symbol, bySymbol.keySet());
                problems.add(symbol + " is not a " + market.displayName() + " contract"
                        + (suggestion == null ? "" : "; did you mean " + suggestion + "?"));
            } else if (!contract.status().isEmpty() && !contract.status().equals("TRADING")) {
                problems.add(symbol + " is a " + market.displayName() + " contract but its status is "
                        + contract.status() + ": it does not trade, so it has no liquidations");
            }
        }
        return problems;
    }

    static String closest(String symbol, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(symbol, candidate);
            if (distance < bestDistance || (distance == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= MAX_TYPO_DISTANCE ? best : null;
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbours (USTD for USDT) as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
