package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/**
 * Connect stores a committed source offset under the serialized bytes of {@code [connector, partition map]}, written
 * by the worker's internal key converter in the map's iteration order. A task taken over by another worker finds its
 * predecessor's offsets (above all its coverage checkpoints) only if that worker's JVM serializes the same partition
 * to the same bytes. Each worker is its own JVM, so this runs several.
 */
class OffsetKeysAcrossWorkersTest {
    /** Enough JVMs that partitions ordered by a per-JVM salt agree in all of them with a chance below 1 in 500. */
    private static final int JVMS = 10;

    @Test
    void everyPartitionSerializesToTheSameOffsetKeyInEveryWorkerJvm() throws Exception {
        List<String> here = PrintOffsetKeys.keys();
        List<List<String>> elsewhere = new ArrayList<>();
        for (int i = 0; i < JVMS; i++) {
            elsewhere.add(keysInAnotherJvm());
        }
        for (List<String> keys : elsewhere) {
            assertEquals(here, keys, "offset keys of the same partitions, serialized by another JVM");
        }
    }

    private static List<String> keysInAnotherJvm() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PrintOffsetKeys.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("the other JVM failed: " + out);
        }
        return out.lines().toList();
    }

    /** Prints, one per line, the offset key (JSON text) of each kind of source partition the connector writes. */
    public static final class PrintOffsetKeys {
        public static void main(String[] args) {
            keys().forEach(System.out::println);
        }

        static List<String> keys() {
            // As the worker's default internal key converter is set up.
            JsonConverter converter = new JsonConverter();
            converter.configure(Map.of("schemas.enable", "false"), true);
            List<Map<String, ?>> partitions = List.of(
                    ForceOrderRecords.sourcePartition("usdm", "BTCUSDT"),
                    StreamCoverageRecords.sourcePartition("usdm", "btcusdt@forceOrder"),
                    new StreamGapRecords("gaps", "usdm").toRecord(new GapInterval("c/task-0/group-1",
                            List.of("btcusdt@forceOrder"), List.of("BTCUSDT"), 1, 2, "dropped", null,
                            GapInterval.EXACT)).sourcePartition());
            List<String> keys = new ArrayList<>();
            for (Map<String, ?> partition : partitions) {
                keys.add(new String(converter.fromConnectData("connect-offsets", null,
                        List.of("connector", partition)), StandardCharsets.UTF_8));
            }
            return keys;
        }
    }
}
