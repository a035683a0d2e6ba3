package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.CrossFieldValidation;
import io.liquidations.connect.binance.config.LiquidationSourceConfig;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.config.StreamMode;
import io.liquidations.connect.binance.discovery.ContractCatalog;
import io.liquidations.connect.binance.discovery.ContractInfo;
import io.liquidations.connect.binance.discovery.ExchangeInfoClient;
import io.liquidations.connect.binance.discovery.ExchangeInfoClients;
import io.liquidations.connect.binance.discovery.ExchangeInfoException;
import io.liquidations.connect.binance.discovery.SymbolCheck;
import io.liquidations.connect.binance.discovery.SymbolMonitor;
import io.liquidations.connect.binance.discovery.SymbolSelection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.util.ConnectorUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams Binance futures liquidations into Kafka. Splits the symbols over the tasks, so each symbol's stream is
 * read by exactly one task; the all-market stream is read by one task. The symbols are listed in the config, or
 * discovered from exchangeInfo and followed as Binance lists and delists contracts ({@link SymbolMonitor}).
 */
public class BinanceLiquidationSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(BinanceLiquidationSourceConnector.class);

    private Map<String, String> props;
    private LiquidationSourceConfig config;
    private SymbolMonitor monitor;
    private ContractCatalog catalog = ContractCatalog.EMPTY;
    /** Kept open for the monitor's refreshes; closed in stop(). */
    private ExchangeInfoClient discoveryClient;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.config = new LiquidationSourceConfig(props);
        CrossFieldValidation.ensureValid(config);
        this.props = Map.copyOf(props);
        if (config.streamMode() == StreamMode.SYMBOLS && config.discoversSymbols()) {
            startDiscovery();
        } else if (config.streamMode() == StreamMode.SYMBOLS && config.validatesSymbols()) {
            checkListedSymbols();
        } else if (config.binanceMarket().configValue().equals("coin-m")) {
            catalog = fetchCatalogQuietly();
        }
    }

    /** The first fetch must succeed: without a symbol list there is nothing to configure tasks from. */
    private void startDiscovery() {
        ExchangeInfoClient client = ExchangeInfoClients.forConfig(config);
        SymbolSelection selection = config.symbolSelection();
        SymbolMonitor.Source source = () -> {
            List<ContractInfo> contracts = client.fetch();
            List<String> symbols = selection.select(contracts);
            return new SymbolMonitor.Snapshot(symbols, ContractCatalog.of(contracts).restrictedTo(symbols));
        };
        SymbolMonitor.Snapshot first;
        try {
            first = source.fetch();
        } catch (ExchangeInfoException e) {
            client.close();
            throw new ConnectException("symbols.discovery=exchangeInfo could not read the symbol list: "
                    + e.getMessage() + ". Check binance.rest.url, the proxy.* settings and that this worker may reach"
                    + " Binance; or list the symbols yourself (symbols.discovery=none)", e);
        }
        log.info("Discovered {} {} symbols at {} ({}); refreshing every {} ms", first.symbols().size(),
                client.market().displayName(), client.uri(), selection.describe(), config.symbolsRefreshIntervalMs());
        if (first.symbols().isEmpty()) {
            log.warn("The symbol filters select no contract: no task runs until a refresh finds one");
        }
        monitor = new SymbolMonitor(source, first, context, config.symbolsRefreshIntervalMs(),
                "binance-liquidations-symbol-monitor");
        discoveryClient = client;
        monitor.start();
    }

    /**
     * A typo such as BTCUSTD is accepted by the stream and delivers nothing, forever: refuse it while the user is
     * still looking. exchangeInfo out of reach is not a reason to refuse a config; it is logged.
     */
    private void checkListedSymbols() {
        ExchangeInfoClient client = ExchangeInfoClients.forConfig(config);
        if (client == null) {
            log.info("Not checking the symbols against exchangeInfo: binance.ws.url is not a Binance host and"
                    + " binance.rest.url is empty");
            return;
        }
        try (client) {
            List<ContractInfo> contracts = client.fetch();
            List<String> problems = SymbolCheck.problems(config.symbols(), contracts, client.market());
            if (!problems.isEmpty()) {
                throw new ConfigException(LiquidationSourceConfig.SYMBOLS, String.join(",", config.symbols()),
                        String.join("; ", problems) + ". Correct the symbols, or set symbols.validation=none to"
                                + " skip this check");
            }
            catalog = ContractCatalog.of(contracts);
        } catch (ExchangeInfoException e) {
            log.warn("Could not check the symbols against exchangeInfo, starting anyway: {}", e.getMessage());
        }
    }

    /** COIN-M records carry the contract size, which only exchangeInfo knows; without it they carry none. */
    private ContractCatalog fetchCatalogQuietly() {
        ExchangeInfoClient client = ExchangeInfoClients.forConfig(config);
        if (client == null) {
            return ContractCatalog.EMPTY;
        }
        try (client) {
            return ContractCatalog.of(client.fetch());
        } catch (ExchangeInfoException e) {
            log.warn("Could not read the COIN-M contract sizes from exchangeInfo; records carry no contractSize:"
                    + " {}", e.getMessage());
            return ContractCatalog.EMPTY;
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BinanceLiquidationSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (config.streamMode() == StreamMode.ALL_MARKET) {
            return List.of(taskConfig(List.of(), catalog));
        }
        List<String> symbols;
        ContractCatalog contracts;
        if (monitor != null) {
            SymbolMonitor.Snapshot snapshot = monitor.current();
            symbols = snapshot.symbols();
            contracts = snapshot.catalog();
        } else {
            symbols = normalizedSymbols(config.symbols());
            contracts = catalog;
        }
        if (symbols.isEmpty()) {
            return List.of();
        }
        List<List<String>> groups = ConnectorUtils.groupPartitions(symbols, Math.min(maxTasks, symbols.size()));
        List<Map<String, String>> configs = new ArrayList<>(groups.size());
        for (List<String> group : groups) {
            Map<String, String> taskConfig = taskConfig(group, contracts.restrictedTo(group));
            taskConfig.put(LiquidationTaskConfig.TASK_ID, String.valueOf(configs.size()));
            configs.add(taskConfig);
        }
        return configs;
    }

    /** Upper case (as Binance spells symbols), de-duplicated and sorted, so the split is stable across restarts. */
    static List<String> normalizedSymbols(List<String> symbols) {
        return symbols.stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).distinct().sorted().toList();
    }

    private Map<String, String> taskConfig(List<String> symbols, ContractCatalog contracts) {
        Map<String, String> taskProps = new HashMap<>(props);
        taskProps.put(LiquidationTaskConfig.TASK_SYMBOLS, String.join(",", symbols));
        if (!contracts.isEmpty()) {
            taskProps.put(LiquidationTaskConfig.TASK_CONTRACTS, contracts.encode());
        }
        return taskProps;
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
        if (discoveryClient != null) {
            discoveryClient.close();
            discoveryClient = null;
        }
    }

    /** For tests: the discovery monitor, null without discovery. */
    SymbolMonitor monitor() {
        return monitor;
    }

    @Override
    public ConfigDef config() {
        return LiquidationSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = CrossFieldValidation.addTo(super.validate(connectorConfigs));
        checkAgainstExchangeInfo(result, connectorConfigs);
        return result;
    }

    /**
     * Only a config that is otherwise valid is checked against the exchange. Connect's validate answer has errors
     * and no place for a warning, so "could not check" goes to the log, never into the answer.
     */
    private static void checkAgainstExchangeInfo(Config result, Map<String, String> connectorConfigs) {
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                return;
            }
            byName.put(value.name(), value);
        }
        LiquidationSourceConfig parsed = new LiquidationSourceConfig(connectorConfigs);
        if (parsed.streamMode() != StreamMode.SYMBOLS) {
            return;
        }
        boolean discovery = parsed.discoversSymbols();
        if (!discovery && !parsed.validatesSymbols()) {
            return;
        }
        ExchangeInfoClient client = ExchangeInfoClients.forConfig(parsed);
        if (client == null) {
            log.info("validate(): not checking against exchangeInfo, no REST URL is known for binance.ws.url");
            return;
        }
        try (client) {
            List<ContractInfo> contracts = client.fetch();
            if (discovery) {
                if (parsed.symbolSelection().select(contracts).isEmpty()) {
                    byName.get(LiquidationSourceConfig.SYMBOLS_DISCOVERY).addErrorMessage("The symbols.* filters"
                            + " select none of the " + contracts.size() + " contracts " + client.uri() + " lists ("
                            + parsed.symbolSelection().describe() + "): loosen them");
                }
            } else {
                SymbolCheck.problems(parsed.symbols(), contracts, client.market()).forEach(problem ->
                        byName.get(LiquidationSourceConfig.SYMBOLS).addErrorMessage(problem
                                + " (checked against " + client.uri() + "; symbols.validation=none skips this)"));
            }
        } catch (ExchangeInfoException e) {
            log.warn("validate(): could not check the symbols against exchangeInfo, so they were not checked: {}",
                    e.getMessage());
        }
    }

    /**
     * Binance cannot replay: once a transaction is aborted, its liquidations can never be fetched again. A
     * transactional worker would therefore promise a guarantee this source cannot keep, so it says so.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.UNSUPPORTED;
    }
}
