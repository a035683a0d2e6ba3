package io.liquidations.connect.binance.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Writes the configuration reference (docs/CONFIGURATION.md) from the {@link ConfigDef} itself, so that
 * defaults and valid values in the docs can never disagree with the code. A test fails when the committed file
 * is stale; {@code main} regenerates it.
 */
public final class ConfigDocs {
    private ConfigDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/CONFIGURATION.md");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, markdown(LiquidationSourceConfig.CONFIG_DEF), StandardCharsets.UTF_8);
    }

    public static String markdown(ConfigDef def) {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("Generated from the connector's `ConfigDef` by `ConfigDocs`; do not edit by hand.\n")
                .append("Regenerate with `mvn -q test -Dtest=ConfigDocsTest -Ddocs.regenerate=true`.\n");
        Map<String, List<ConfigDef.ConfigKey>> byGroup = def.configKeys().values().stream()
                .collect(Collectors.groupingBy(key -> key.group, java.util.LinkedHashMap::new, Collectors.toList()));
        for (String group : def.groups()) {
            out.append("\n## ").append(group).append("\n\n")
                    .append("| Key | Type | Default | Valid values | Importance | Description |\n")
                    .append("|---|---|---|---|---|---|\n");
            byGroup.getOrDefault(group, List.of()).stream()
                    .sorted(java.util.Comparator.comparingInt(key -> key.orderInGroup))
                    .forEach(key -> out.append("| `").append(key.name).append("` | ")
                            .append(key.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                            .append(cell(defaultValue(key))).append(" | ")
                            .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
                            .append(key.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                            .append(cell(key.documentation)).append(" |\n"));
        }
        return out.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "\"\"" : list.stream().map(Object::toString).collect(Collectors.joining(","));
        }
        return value.toString().isEmpty() ? "\"\"" : value.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
