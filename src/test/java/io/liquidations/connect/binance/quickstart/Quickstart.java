package io.liquidations.connect.binance.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.liquidations.connect.binance.registry.ApicurioRegistry;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * The README's first command: a single-node KRaft broker and a distributed Connect worker started from the
 * Maven-resolved Apache Kafka jars, the connector created over the REST API from {@code config/}, and a live view
 * of the liquidations. State lives under one folder and is reused by the next run. Ctrl-C stops everything.
 *
 * <p>Values are written as production writes them: Avro in Confluent's wire format through a schema registry
 * (Apicurio Registry, started here too, speaking Confluent's Schema Registry API; its data is kept in the state
 * folder as well), and the live view reads them back through the registry into the generated classes. With
 * {@code --json} the worker writes Connect's JSON instead and no registry is started.
 *
 * <p>Usage: {@code bin/quickstart [--simulate] [--json]}. {@code --simulate} replaces Binance with the local simulator.
 * Ports come from {@link Ports}: the defaults, or the {@code QUICKSTART_*_PORT} environment variables.
 */
public final class Quickstart {
    static final String CONNECTOR_CONFIG = "config/binance-liquidations-all-market.json";
    static final String AVRO_CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";

    /**
     * The loopback ports the quick start's processes listen on. Defaults are documented in the README; each can be
     * overridden with an environment variable, e.g. for a second quick start or a test run beside a user's.
     */
    record Ports(int kafka, int controller, int connect, int registry) {
        static final Map<String, Integer> DEFAULTS = Map.of(
                "QUICKSTART_KAFKA_PORT", 19092,
                "QUICKSTART_CONTROLLER_PORT", 19093,
                "QUICKSTART_CONNECT_PORT", 18083,
                "QUICKSTART_REGISTRY_PORT", 18081);

        static Ports from(Map<String, String> environment) {
            return new Ports(port(environment, "QUICKSTART_KAFKA_PORT"), port(environment, "QUICKSTART_CONTROLLER_PORT"),
                    port(environment, "QUICKSTART_CONNECT_PORT"), port(environment, "QUICKSTART_REGISTRY_PORT"));
        }

        private static int port(Map<String, String> environment, String variable) {
            String value = environment.get(variable);
            if (value == null || value.isBlank()) {
                return DEFAULTS.get(variable);
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port > 0 && port < 65536) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(variable + "=" + value + " is not a TCP port: use 1 to 65535,"
                    + " or unset it for the default " + DEFAULTS.get(variable));
        }

        /** Quarkus' management interface (off by default in the registry) would take the port after its HTTP one. */
        int registryManagement() {
            return registry + 1;
        }
    }

    private final Path projectDir;
    private final Path home;
    private final boolean simulate;
    private final boolean avro;
    private final Ports ports;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    Quickstart(Path projectDir, Path home, boolean simulate, boolean avro, Ports ports) {
        this.projectDir = projectDir;
        this.home = home;
        this.simulate = simulate;
        this.avro = avro;
        this.ports = ports;
    }

    public static void main(String[] args) throws Exception {
        boolean simulate = false;
        boolean avro = true;
        Path home = Path.of(".quickstart");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--simulate" -> simulate = true;
                case "--json" -> avro = false;
                case "--home" -> home = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bin/quickstart [--simulate] [--json]  (live Binance and Avro through a"
                            + " schema registry by default)\nports: " + new java.util.TreeMap<>(Ports.DEFAULTS)
                            + ", each overridable by that environment variable");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; try --help");
            }
        }
        new Quickstart(Path.of("").toAbsolutePath(), home.toAbsolutePath(), simulate, avro,
                Ports.from(System.getenv())).run();
    }

    void run() throws Exception {
        String classpath = Files.readString(projectDir.resolve("target/quickstart.classpath")).trim();
        Path logs = Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));
        writeConfigs();
        LocalProcesses processes = new LocalProcesses(logs, classpath);
        CountDownLatch stopped = new CountDownLatch(1);
        LiveView[] view = new LiveView[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping the processes it started (data stays in " + home + ")");
            if (view[0] != null) {
                view[0].stop();
            }
            processes.stopAll();
            say("stopped");
            stopped.countDown();
        }, "quickstart-shutdown"));

        long started = System.nanoTime();
        // Everything starts at once and is awaited after: the registry and the simulator need nothing, and the
        // worker waits for the broker by itself (it looks the cluster id up with retries).
        Process registry = null;
        if (avro) {
            Path registryData = home.resolve("schema-registry");
            if (Files.isDirectory(registryData)) {
                say("reusing " + registryData);
            }
            registry = processes.startJava("schema-registry", ApicurioRegistry.javaArguments(ports.registry(),
                    ports.registryManagement(), Files.createDirectories(registryData)));
        }
        Path urlFile = home.resolve("simulator.url");
        Process simulator = null;
        if (simulate) {
            Files.deleteIfExists(urlFile);
            simulator = processes.startJava("simulator", "256m", projectDir.resolve("target/test-classes").toString(),
                    "io.liquidations.connect.binance.simulator.LiquidationSimulator",
                    List.of("--url-file", urlFile.toString()));
        }
        formatStorageOnce(processes);
        processes.startJava("kafka", "1g", "kafka.Kafka", List.of(home.resolve("config/server.properties").toString()));
        processes.startJava("connect", "1g", "org.apache.kafka.connect.cli.ConnectDistributed",
                List.of(home.resolve("config/connect-distributed.properties").toString()));
        String wsUrl = null;
        if (simulate) {
            wsUrl = awaitFile(urlFile, simulator, Duration.ofSeconds(60)).trim().replaceFirst("^SIMULATOR_URL=", "");
            say("simulator on " + wsUrl);
        }
        awaitBroker();
        say("broker up on localhost:" + ports.kafka());
        awaitConnect();
        say("Connect worker up on http://localhost:" + ports.connect());
        RecordFormat format = RecordFormat.json();
        if (avro) {
            String registryUrl = ApicurioRegistry.baseUrl(ports.registry());
            ApicurioRegistry.awaitReady(registryUrl, registry, Duration.ofSeconds(90),
                    home.resolve("logs/schema-registry.out"));
            format = RecordFormat.avro(registryUrl + ApicurioRegistry.CONFLUENT_API);
            say("schema registry up on " + registryUrl + ApicurioRegistry.CONFLUENT_API
                    + " (Confluent's API); values are Avro in Confluent's wire format");
        }
        String name = createConnector(wsUrl);
        say("connector '" + name + "' created from " + CONNECTOR_CONFIG + " (" + (simulate ? "simulated exchange"
                : "live Binance") + "); " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                + " s since start. Ctrl-C stops.");
        JsonNode connectorConfig = json.readTree(projectDir.resolve(CONNECTOR_CONFIG).toFile()).path("config");
        String topic = connectorConfig.path("topic").asText();
        String gapsTopic = connectorConfig.path("gaps.topic").asText("").isBlank() ? topic + ".gaps"
                : connectorConfig.path("gaps.topic").asText();
        String coverageTopic = connectorConfig.path("coverage.topic").asText("").isBlank() ? topic + ".coverage"
                : connectorConfig.path("coverage.topic").asText();
        view[0] = new LiveView("localhost:" + ports.kafka(), topic, gapsTopic, coverageTopic, format, () -> connectorStatus(name),
                System.out);
        view[0].run();
        stopped.await();
    }

    private void writeConfigs() throws IOException {
        Path config = home.resolve("config");
        Files.writeString(config.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + ports.controller(),
                "listeners=PLAINTEXT://localhost:" + ports.kafka() + ",CONTROLLER://localhost:" + ports.controller(),
                "advertised.listeners=PLAINTEXT://localhost:" + ports.kafka(),
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + home.resolve("kafka-data"),
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        Files.writeString(config.resolve("connect-distributed.properties"), String.join("\n",
                "bootstrap.servers=localhost:" + ports.kafka(),
                "group.id=quickstart-connect",
                "listeners=http://localhost:" + ports.connect(),
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                valueConverter(),
                "config.storage.topic=quickstart-connect-configs",
                "offset.storage.topic=quickstart-connect-offsets",
                "status.storage.topic=quickstart-connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                // Streams followed for the first time connect after the first offset commit: keep it quick here.
                "offset.flush.interval.ms=1000",
                "plugin.path=" + projectDir.resolve("target/plugin"),
                "plugin.discovery=service_load",
                ""));
        Files.writeString(config.resolve("log4j2.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <File name="file" fileName="${sys:quickstart.log}" append="true">
                      <PatternLayout pattern="%d %-5level [%t] %c{1} %X{connector.context}- %msg%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <Root level="INFO"><AppenderRef ref="file"/></Root>
                  </Loggers>
                </Configuration>
                """);
    }

    /**
     * Avro in Confluent's wire format through the registry (Apicurio's converter: no headers, the 4-byte content id
     * that {@code /apis/ccompat/v7/schemas/ids/{id}} serves, schemas registered on first use), or JSON.
     */
    private String valueConverter() {
        if (!avro) {
            return String.join("\n",
                    "value.converter=org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable=true");
        }
        return String.join("\n",
                "value.converter=" + AVRO_CONVERTER,
                "value.converter.apicurio.registry.url=" + ApicurioRegistry.baseUrl(ports.registry())
                        + ApicurioRegistry.APICURIO_API,
                "value.converter.apicurio.registry.auto-register=true",
                "value.converter.apicurio.registry.headers.enabled=false",
                "value.converter.apicurio.registry.id-handler=io.apicurio.registry.serde.Legacy4ByteIdHandler",
                "value.converter.apicurio.registry.use-id=contentId");
    }

    /** KRaft needs its log directory formatted once; a second run finds it formatted and keeps the data. */
    private void formatStorageOnce(LocalProcesses processes) throws IOException, InterruptedException {
        if (Files.exists(home.resolve("kafka-data/meta.properties"))) {
            say("reusing " + home.resolve("kafka-data"));
            return;
        }
        processes.runJava("kafka-storage-format", "kafka.tools.StorageTool", List.of("format",
                "-t", Uuid.randomUuid().toString(), "-c", home.resolve("config/server.properties").toString(),
                "--standalone"));
    }

    private void awaitBroker() throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + ports.kafka());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker did not start; see " + home.resolve("logs/kafka.log"));
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    private void awaitConnect() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(connectUri("/connectors")).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Connect did not start; see " + home.resolve("logs/connect.log"));
            }
            Thread.sleep(250);
        }
    }

    /** PUT is create-or-update, so a second run finds its connector and keeps its offsets. */
    private String createConnector(String wsUrlOverride) throws IOException, InterruptedException {
        JsonNode request = json.readTree(projectDir.resolve(CONNECTOR_CONFIG).toFile());
        String name = request.path("name").asText();
        ObjectNode config = (ObjectNode) request.path("config");
        if (wsUrlOverride != null) {
            config.put("binance.ws.url", wsUrlOverride);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(connectUri("/connectors/" + name + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("Connect refused the connector: " + response.body());
        }
        return name;
    }

    /**
     * "RUNNING, 1/1 tasks RUNNING" (or the failure the worker reports), and the streams of running tasks: one per
     * task for the all-market stream, else one per symbol the connector gave the task.
     */
    private StatusLine.Connector connectorStatus(String name) {
        try {
            JsonNode status = json.readTree(get("/connectors/" + name + "/status"));
            Map<Integer, Integer> streamsByTask = new java.util.HashMap<>();
            for (JsonNode task : json.readTree(get("/connectors/" + name + "/tasks"))) {
                JsonNode config = task.path("config");
                String symbols = config.path("task.symbols").asText("");
                streamsByTask.put(task.path("id").path("task").asInt(),
                        "all-market".equals(config.path("stream.mode").asText()) ? 1
                                : symbols.isBlank() ? 0 : symbols.split(",").length);
            }
            JsonNode tasks = status.path("tasks");
            long running = 0;
            int covered = 0;
            String failure = "";
            for (JsonNode task : tasks) {
                if ("RUNNING".equals(task.path("state").asText())) {
                    running++;
                    covered += streamsByTask.getOrDefault(task.path("id").asInt(), 0);
                } else if (task.has("trace")) {
                    failure = " — task " + task.path("id").asText() + " " + task.path("state").asText() + ": "
                            + task.path("trace").asText().lines().findFirst().orElse("");
                }
            }
            String summary = status.path("connector").path("state").asText("UNKNOWN") + ", " + running + "/"
                    + tasks.size() + " tasks RUNNING" + failure;
            return new StatusLine.Connector(summary, covered,
                    streamsByTask.values().stream().mapToInt(Integer::intValue).sum());
        } catch (IOException e) {
            return new StatusLine.Connector("status unavailable (" + e.getMessage() + ")", 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StatusLine.Connector("status unavailable", 0, 0);
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(connectUri(path)).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private URI connectUri(String path) {
        return URI.create("http://localhost:" + ports.connect() + path);
    }

    private String awaitFile(Path file, Process writer, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!writer.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the simulator did not start; see " + home.resolve("logs/simulator.out"));
            }
            Thread.sleep(100);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static void say(String message) {
        System.out.println("[quickstart] " + message);
        System.out.flush();
    }

}
