package com.example.upgrades.harness.declared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a plan's {@code pipeline:} object (and its {@code traffic.inputs}) into a {@link
 * DeclaredPipeline}, refusing, before anything starts, a plan that cannot work: a topic without a
 * name, a format the harness does not read, an Avro topic without its schemas, a path that names a
 * field the records do not have, a traffic rule it does not know. Paths are JSON pointers
 * ({@code /user}, {@code /device/type}); a bare field name ({@code user}) means the same as
 * {@code /user}.
 */
public final class DeclaredPlan {

    /** The pipeline section, field for field (snake_case in the file). */
    record PipelineEntry(List<InputEntry> inputs, List<OutputEntry> outputs, String deadLetters, List<String> consumerGroups,
            List<String> jobArgs, Boolean differential) {}

    record InputEntry(String topic, Integer partitions, String format, Map<String, String> schemas, String key,
            String eventTime, String id, Boolean beforeStart) {}

    record OutputEntry(String topic, Integer partitions, String format, String key, String answers, String runningCount,
            RunningSumEntry runningSum, @JsonProperty("volatile") List<String> volatileFields, String version) {}

    record RunningSumEntry(String field, String of) {}

    record InputTrafficEntry(LinkedHashMap<String, JsonNode> fields, String replay) {}

    /** Kafka's rule for a topic name. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private DeclaredPlan() {}

    /**
     * @param mapper the plan file's own (strict: unknown fields refused)
     * @param file the plan file: schemas, samples and the golden file are beside it
     * @param trafficInputs the plan's traffic.inputs, or null
     * @param approve this run writes the differences it finds from the reference into the golden file
     * @throws IllegalArgumentException naming the field and what it must be; nothing has started
     */
    public static DeclaredPipeline read(ObjectMapper mapper, Path file, String name, JsonNode pipeline, JsonNode trafficInputs,
            boolean approve) {
        Path base = file.toAbsolutePath().getParent();
        PipelineEntry p = convert(mapper, file, "pipeline", pipeline, PipelineEntry.class);
        require(p.inputs() != null && !p.inputs().isEmpty(), file, "pipeline.inputs", "at least one input topic");
        require(p.outputs() != null && !p.outputs().isEmpty(), file, "pipeline.outputs", "at least one output topic");
        Set<String> topics = new HashSet<>();
        List<PipelineSpec.Input> inputs = new ArrayList<>();
        for (int i = 0; i < p.inputs().size(); i++) {
            InputEntry in = p.inputs().get(i);
            String at = "pipeline.inputs[" + i + "]";
            require(in != null, file, at, "an input topic, not null");
            topic(file, at, in.topic(), topics);
            PipelineSpec.Format format = format(file, at, in.format());
            Map<String, Path> schemas = new LinkedHashMap<>();
            if (in.schemas() != null) {
                in.schemas().forEach((version, schema) -> {
                    require(schema != null, file, at + ".schemas." + version, "the path of an Avro schema (.avsc)");
                    Path s = base.resolve(schema).normalize();
                    require(Files.isReadable(s), file, at + ".schemas." + version, "a readable .avsc file; " + s
                            + " is not one");
                    schemas.put(version, s);
                });
            }
            require(format == PipelineSpec.Format.JSON || !schemas.isEmpty(), file, at + ".schemas",
                    "the writer schema of each version ({v1: path/to/v1.avsc, ...}): its format is Avro");
            require(in.key() != null, file, at + ".key", "where each record's key is (e.g. /user): the job's keyBy");
            boolean beforeStart = Boolean.TRUE.equals(in.beforeStart());
            inputs.add(new PipelineSpec.Input(in.topic(), partitions(file, at, in.partitions()), format, schemas,
                    pointer(in.key()), pointer(in.eventTime()), pointer(in.id()), beforeStart));
        }
        require(inputs.stream().anyMatch(i -> !i.beforeStart()), file, "pipeline.inputs",
                "one input that is not before_start: the traffic the upgrade runs under");
        List<PipelineSpec.Output> outputs = new ArrayList<>();
        for (int i = 0; i < p.outputs().size(); i++) {
            OutputEntry out = p.outputs().get(i);
            String at = "pipeline.outputs[" + i + "]";
            require(out != null, file, at, "an output topic, not null");
            topic(file, at, out.topic(), topics);
            PipelineSpec.Format format = format(file, at, out.format());
            require(format == PipelineSpec.Format.JSON, file, at + ".format",
                    "json: the harness reads outputs as JSON (an Avro output needs its schemas, which it does not take yet)");
            require(out.runningCount() == null || out.answers() != null, file, at + ".running_count",
                    "absent, unless answers is given too: a running count is checked on the record that answers an input");
            require(out.runningSum() == null || (out.answers() != null && out.runningSum().field() != null
                    && out.runningSum().of() != null), file, at + ".running_sum",
                    "{field, of}: the output field and the input field it sums; with answers given too");
            PipelineSpec.RunningSum sum = out.runningSum() == null ? null
                    : new PipelineSpec.RunningSum(pointer(out.runningSum().field()), pointer(out.runningSum().of()));
            List<String> volatileFields = out.volatileFields() == null ? List.of()
                    : out.volatileFields().stream().map(DeclaredPlan::pointer).toList();
            outputs.add(new PipelineSpec.Output(out.topic(), partitions(file, at, out.partitions()), format, pointer(out.key()),
                    pointer(out.answers()), pointer(out.runningCount()), sum, volatileFields, pointer(out.version())));
        }
        require(outputs.stream().filter(o -> o.answers() != null).count() <= 1, file, "pipeline.outputs",
                "answers on one output at most: the topic whose records answer the inputs");
        if (p.deadLetters() != null) {
            topic(file, "pipeline.dead_letters", p.deadLetters(), topics);
        }
        List<String> groups = p.consumerGroups() == null ? List.of() : List.copyOf(p.consumerGroups());
        List<String> jobArgs = p.jobArgs() == null ? List.of() : List.copyOf(p.jobArgs());
        require(jobArgs.stream().anyMatch(a -> a.contains("{bootstrap_servers}")), file, "pipeline.job_args",
                "the program arguments of every deployment, one of them {bootstrap_servers} (where the job finds Kafka)");
        boolean differential = Boolean.TRUE.equals(p.differential());
        PipelineSpec spec = new PipelineSpec(List.copyOf(inputs), List.copyOf(outputs), p.deadLetters(), groups, jobArgs,
                differential);
        TrafficSpec traffic = traffic(mapper, file, base, spec, trafficInputs);
        String fileName = file.getFileName().toString();
        Path golden = differential ? base.resolve(fileName.replaceFirst("\\.[^.]*$", "") + ".golden.json") : null;
        DeclaredPipeline declared;
        try {
            declared = DeclaredPipeline.of(name, spec, traffic, golden);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The plan " + file + ": " + e.getMessage(), e);
        }
        return approve ? declared.approving() : declared;
    }

    private static TrafficSpec traffic(ObjectMapper mapper, Path file, Path base, PipelineSpec spec, JsonNode inputs) {
        Map<String, TrafficSpec.InputTraffic> out = new LinkedHashMap<>();
        if (inputs != null && !inputs.isNull()) {
            require(inputs.isObject(), file, "traffic.inputs", "an object: the traffic of each input topic, by its name");
            for (Map.Entry<String, JsonNode> e : inputs.properties()) {
                String at = "traffic.inputs." + e.getKey();
                require(spec.inputs().stream().anyMatch(i -> i.topic().equals(e.getKey())), file, at,
                        "the name of one of pipeline.inputs");
                InputTrafficEntry t = convert(mapper, file, at, e.getValue(), InputTrafficEntry.class);
                require((t.fields() == null) != (t.replay() == null), file, at, "exactly one of fields (rules) and replay (a sample)");
                Path replay = null;
                if (t.replay() != null) {
                    replay = base.resolve(t.replay()).normalize();
                    require(Files.isReadable(replay), file, at + ".replay", "a readable JSON lines or .avro file; " + replay
                            + " is not one");
                } else {
                    try {
                        DeclaredTraffic.FieldRules.record(t.fields(), 1, 1, new Random(0));
                    } catch (RuntimeException bad) {
                        require(false, file, at + ".fields", bad.getMessage());
                    }
                }
                out.put(e.getKey(), new TrafficSpec.InputTraffic(t.fields(), replay));
            }
        }
        PipelineSpec.Input main = spec.mainInput();
        require(out.containsKey(main.topic()), file, "traffic.inputs." + main.topic(),
                "the traffic of the main input: fields (rules per field) or replay (a recorded sample)");
        for (PipelineSpec.Input input : spec.inputs()) {
            require(!input.beforeStart() || out.containsKey(input.topic()), file, "traffic.inputs." + input.topic(),
                    "what is written to " + input.topic() + " before the start: fields or replay");
        }
        TrafficSpec.InputTraffic t = out.get(main.topic());
        require(main.id() == null || t.replay() != null || t.fields().containsKey(main.id().substring(1).split("/")[0]),
                file, "traffic.inputs." + main.topic() + ".fields", "a rule for " + main.id() + ", the inputs' id");
        return new TrafficSpec(out);
    }

    private static <T> T convert(ObjectMapper mapper, Path file, String at, JsonNode node, Class<T> type) {
        require(node != null && node.isObject(), file, at, "an object");
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The plan " + file + " is not valid at " + at + ": " + e.getOriginalMessage()
                    + ". See docs/plan.schema.json. Nothing was deployed.", e);
        }
    }

    private static void topic(Path file, String at, String topic, Set<String> seen) {
        require(topic != null && TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals(".."), file,
                at + ".topic", "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        require(seen.add(topic), file, at + ".topic", "a topic no other entry of the pipeline names; " + topic + " is named twice");
    }

    private static PipelineSpec.Format format(Path file, String at, String format) {
        String f = format == null ? "json" : format.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "json" -> PipelineSpec.Format.JSON;
            case "avro" -> PipelineSpec.Format.AVRO;
            case "avro_registry" -> PipelineSpec.Format.AVRO_REGISTRY;
            default -> {
                require(false, file, at + ".format", "json, avro (single-object encoding) or avro_registry (a "
                        + "schema-registry style header: 0, a 4-byte schema id); got '" + format + "'");
                yield null;
            }
        };
    }

    private static int partitions(Path file, String at, Integer partitions) {
        int p = partitions == null ? 1 : partitions;
        require(p >= 1 && p <= 10_000, file, at + ".partitions", "a whole number from 1 to 10000");
        return p;
    }

    /** A bare field name as a JSON pointer; a pointer as it is; null as null. */
    static String pointer(String path) {
        if (path == null) {
            return null;
        }
        return path.startsWith("/") ? path : "/" + path;
    }

    private static void require(boolean ok, Path file, String field, String what) {
        if (!ok) {
            throw new IllegalArgumentException("The plan " + file + " needs " + field + ": " + what
                    + ". See docs/plan.schema.json. Nothing was deployed.");
        }
    }
}
