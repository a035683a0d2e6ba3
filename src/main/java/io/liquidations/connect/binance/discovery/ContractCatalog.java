package io.liquidations.connect.binance.discovery;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a task needs to know about its contracts beyond their names: the pair, and on COIN-M the contract size (USD
 * per contract) that turns a quantity of contracts into a notional. Handed from connector to task inside the task
 * config, as {@code SYMBOL:PAIR:SIZE,…}; symbols and pairs never contain ':' or ','.
 */
public final class ContractCatalog implements io.liquidations.connect.binance.record.ContractDetails {
    public static final ContractCatalog EMPTY = new ContractCatalog(Map.of());

    /** What the catalog knows of one contract. */
    public record Entry(String pair, BigDecimal contractSize) {
    }

    private final Map<String, Entry> bySymbol;

    private ContractCatalog(Map<String, Entry> bySymbol) {
        this.bySymbol = Map.copyOf(bySymbol);
    }

    /** The contracts with a contract size (COIN-M); USDⓈ-M needs none, its quantities are in the base asset. */
    public static ContractCatalog of(List<ContractInfo> contracts) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (ContractInfo contract : contracts) {
            if (contract.contractSize() != null) {
                entries.put(contract.symbol(), new Entry(contract.pair(), contract.contractSize()));
            }
        }
        return new ContractCatalog(entries);
    }

    /** @param symbols the contracts to keep (e.g. a task's); null keeps every one */
    public ContractCatalog restrictedTo(java.util.Collection<String> symbols) {
        if (symbols == null) {
            return this;
        }
        Map<String, Entry> kept = new LinkedHashMap<>();
        symbols.forEach(symbol -> {
            Entry entry = bySymbol.get(symbol);
            if (entry != null) {
                kept.put(symbol, entry);
            }
        });
        return new ContractCatalog(kept);
    }

    @Override
    public BigDecimal contractSize(String symbol) {
        Entry entry = bySymbol.get(symbol);
        return entry == null ? null : entry.contractSize();
    }

    @Override
    public String pair(String symbol) {
        Entry entry = bySymbol.get(symbol);
        return entry == null ? null : entry.pair();
    }

    public boolean isEmpty() {
        return bySymbol.isEmpty();
    }

    public String encode() {
        List<String> parts = new ArrayList<>(bySymbol.size());
        bySymbol.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(e.getKey() + ":"
                + (e.getValue().pair() == null ? "" : e.getValue().pair()) + ":"
                + e.getValue().contractSize().toPlainString()));
        return String.join(",", parts);
    }

    /** @throws IllegalArgumentException when the text was not made by {@link #encode()} */
    public static ContractCatalog decode(String text) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        for (String part : text.split(",")) {
            String[] fields = part.trim().split(":", -1);
            if (fields.length != 3) {
                throw new IllegalArgumentException("not SYMBOL:PAIR:SIZE: " + part);
            }
            entries.put(fields[0], new Entry(fields[1].isEmpty() ? null : fields[1], new BigDecimal(fields[2])));
        }
        return new ContractCatalog(entries);
    }
}
