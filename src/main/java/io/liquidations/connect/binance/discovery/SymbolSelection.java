package io.liquidations.connect.binance.discovery;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which exchangeInfo contracts to follow: contract types (empty: any), status (empty: any), quote and margin
 * assets (empty: any), then the include and exclude patterns of the symbol name.
 */
public record SymbolSelection(Set<String> contractTypes, String status, Set<String> quoteAssets,
        Set<String> marginAssets, SymbolPatterns patterns) {

    public SymbolSelection {
        contractTypes = upper(contractTypes);
        status = status == null ? "" : status.trim().toUpperCase(Locale.ROOT);
        quoteAssets = upper(quoteAssets);
        marginAssets = upper(marginAssets);
    }

    public boolean selects(ContractInfo contract) {
        return (contractTypes.isEmpty() || contractTypes.contains(contract.contractType()))
                && (status.isEmpty() || status.equals(contract.status()))
                && (quoteAssets.isEmpty() || quoteAssets.contains(contract.quoteAsset()))
                && (marginAssets.isEmpty() || marginAssets.contains(contract.marginAsset()))
                && patterns.keeps(contract.symbol());
    }

    /** The selected symbols, upper case, sorted and without duplicates. */
    public List<String> select(List<ContractInfo> contracts) {
        return contracts.stream().filter(this::selects).map(c -> c.symbol().toUpperCase(Locale.ROOT))
                .distinct().sorted().toList();
    }

    private static Set<String> upper(Set<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.trim().toUpperCase(Locale.ROOT))
                .filter(v -> !v.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** For logs: what the selection asks for. */
    public String describe() {
        return "contract types " + (contractTypes.isEmpty() ? "any" : contractTypes) + ", status "
                + (status.isEmpty() ? "any" : status) + ", quote assets " + (quoteAssets.isEmpty() ? "any"
                : quoteAssets) + ", margin assets " + (marginAssets.isEmpty() ? "any" : marginAssets) + ", "
                + patterns;
    }

    /** Include and exclude patterns, matched against the whole upper-case symbol; empty means "no pattern". */
    public record SymbolPatterns(Pattern include, Pattern exclude) {
        public static final SymbolPatterns NONE = new SymbolPatterns(null, null);

        public static SymbolPatterns of(String include, String exclude) {
            return new SymbolPatterns(compile(include), compile(exclude));
        }

        private static Pattern compile(String regex) {
            return regex == null || regex.isBlank() ? null : Pattern.compile(regex.trim(), Pattern.CASE_INSENSITIVE);
        }

        public boolean keeps(String symbol) {
            return (include == null || include.matcher(symbol).matches())
                    && (exclude == null || !exclude.matcher(symbol).matches());
        }

        public boolean filtersAnything() {
            return include != null || exclude != null;
        }

        @Override
        public String toString() {
            return "include " + (include == null ? "all" : "'" + include.pattern() + "'") + ", exclude "
                    + (exclude == null ? "none" : "'" + exclude.pattern() + "'");
        }
    }
}
