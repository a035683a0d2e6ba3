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
import org.apache.kafka.common.Uuid;

/**
 * The README's first command: a single-node KRaft broker and a distributed Connect worker started from the
 * Maven-resolved Apache Kafka jars, the connector created over the REST API from {@code config/}, and a live view
 * of the liquidations. State lives under one folder and is reused by the next run. Ctrl-C stops everything.
 *
 * <p>Usage: {@code bin/quickstart [--simulate]}. {@code --simulate} replaces Binance with the local simulator.
 */
public final class Quickstart {
    static final int KAFKA_PORT = 19092;
    static final int CONTROLLER_PORT = 19093;
    static final int CONNECT_PORT = 18083;
    static final String CONNECTOR_CONFIG = "config/binance-liquidations-all-market.json";

    private final Path projectDir;
    private final Path home;
    private final boolean simulate;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    Quickstart(Path projectDir, Path home, boolean simulate) {
        this.projectDir = projectDir;
        this.home = home;
        this.simulate = simulate;
    }

    public static void main(String[] args) throws Exception {
        boolean simulate = false;
        Path home = Path.of(".quickstart");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--simulate" -> simulate = true;
                case "--home" -> home = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bin/quickstart [--simulate]  (live Binance by default)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; try --help");
            }
        }
        new Quickstart(Path.of("").toAbsolutePath(), home.toAbsolutePath(), simulate).run();
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
        formatStorageOnce(processes);
        processes.startJava("kafka", "1g", "kafka.Kafka", List.of(home.resolve("config/server.properties").toString()));
        String wsUrl = null;
        if (simulate) {
            Path urlFile = home.resolve("simulator.url");
            Files.deleteIfExists(urlFile);
            Process simulator = processes.startJava("simulator", "256m",
                    projectDir.resolve("target/test-classes").toString(),
                    "io.liquidations.connect.binance.simulator.LiquidationSimulator",
                    List.of("--url-file", urlFile.toString()));
            wsUrl = awaitFile(urlFile, simulator, Duration.ofSeconds(60)).trim().replaceFirst("^SIMULATOR_URL=", "");
            say("simulator on " + wsUrl);
        }
        awaitBroker();
        say("broker up on localhost:" + KAFKA_PORT);
        processes.startJava("connect", "1g", "org.apache.kafka.connect.cli.ConnectDistributed",
                List.of(home.resolve("config/connect-distributed.properties").toString()));
        awaitConnect();
        say("Connect worker up on http://localhost:" + CONNECT_PORT);
        String name = createConnector(wsUrl);
        say("connector '" + name + "' created from " + CONNECTOR_CONFIG + " (" + (simulate ? "simulated exchange"
                : "live Binance") + "); " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                + " s since start. Ctrl-C stops.");
        view[0] = new LiveView("localhost:" + KAFKA_PORT, topic(), () -> connectorStatus(name), System.out);
        view[0].run();
        stopped.await();
    }

    private void writeConfigs() throws IOException {
        Path config = home.resolve("config");
        Files.writeString(config.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + CONTROLLER_PORT,
                "listeners=PLAINTEXT://localhost:" + KAFKA_PORT + ",CONTROLLER://localhost:" + CONTROLLER_PORT,
                "advertised.listeners=PLAINTEXT://localhost:" + KAFKA_PORT,
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
                "bootstrap.servers=localhost:" + KAFKA_PORT,
                "group.id=quickstart-connect",
                "listeners=http://localhost:" + CONNECT_PORT,
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable=true",
                "config.storage.topic=quickstart-connect-configs",
                "offset.storage.topic=quickstart-connect-offsets",
                "status.storage.topic=quickstart-connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "offset.flush.interval.ms=5000",
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
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + KAFKA_PORT);
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

    private String topic() throws IOException {
        return json.readTree(projectDir.resolve(CONNECTOR_CONFIG).toFile()).path("config").path("topic").asText();
    }

    /** "RUNNING, 1/1 tasks RUNNING", or the failure the worker reports. */
    private String connectorStatus(String name) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(connectUri("/connectors/" + name
                    + "/status")).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode status = json.readTree(response.body());
            JsonNode tasks = status.path("tasks");
            long running = 0;
            String failure = "";
            for (JsonNode task : tasks) {
                if ("RUNNING".equals(task.path("state").asText())) {
                    running++;
                } else if (task.has("trace")) {
                    failure = " — task " + task.path("id").asText() + " " + task.path("state").asText() + ": "
                            + task.path("trace").asText().lines().findFirst().orElse("");
                }
            }
            return status.path("connector").path("state").asText("UNKNOWN") + ", " + running + "/" + tasks.size()
                    + " tasks RUNNING" + failure;
        } catch (IOException e) {
            return "status unavailable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "status unavailable";
        }
    }

    private static URI connectUri(String path) {
        return URI.create("http://localhost:" + CONNECT_PORT + path);
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
