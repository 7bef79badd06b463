package com.example.upgrades.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.repair.AvroMigration;
import com.example.upgrades.harness.repair.SavepointRepair;
import com.example.upgrades.harness.declared.DeclaredPlan;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.util.TimeUtils;

/**
 * An upgrade plan as data, read from a JSON or YAML file (schema: docs/plan.schema.json; examples:
 * docs/plans/upgrade.json and the same plan in docs/plans/upgrade.yaml): the pipeline, the traffic,
 * and the deployments, each hop going from one to the next. A file ending in .yaml or .yml is read
 * as YAML, any other as JSON; both have the same fields. Jar paths are relative to the plan file's
 * folder.
 */
public final class PlanFile {

    /** The file's shape, field for field (snake_case in the file). */
    record Plan(String name, JsonNode pipeline, String windowSize, String savepointFormat, Boolean restoreFromSavepoint,
            Boolean drainOnUpgrade, Boolean expectRollback, TrafficEntry traffic, List<DeploymentEntry> deployments) {}

    /** Traffic as the file has it: every field required, checked by {@link TrafficPlan}. */
    record TrafficEntry(Long seed, Integer keys, Long events, Integer eventsPerSecond, Double badShare, JsonNode inputs) {}

    record DeploymentEntry(String version, String jar, Integer parallelism, String writerVersion, List<String> jobArgs,
            Boolean allowNonRestoredState, RepairEntry savepointRepair, String flinkRelease, String strategy) {}

    /** A change written into a copy of the savepoint before the deployment restores it. */
    record RepairEntry(UidChangeEntry changeUid, MigrationEntry migrateValueState) {}

    record UidChangeEntry(String from, String to) {}

    record MigrationEntry(String uid, String state, List<String> convertFields) {}

    private static final ObjectMapper JSON = configured(new ObjectMapper());
    private static final ObjectMapper YAML = configured(new YAMLMapper());

    private static ObjectMapper configured(ObjectMapper mapper) {
        return mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private PlanFile() {}

    /**
     * @param pipelines the pipeline of a name; throws IllegalArgumentException for an unknown one
     * @throws IllegalArgumentException when the file is not a valid plan: the message says which field
     *     and what it must be; nothing has been deployed
     */
    public static Scenario read(Path file, Function<String, Pipeline> pipelines) throws IOException {
        return read(file, pipelines, false);
    }

    /**
     * @param approve for a pipeline the plan describes and compares with a reference run: write the
     *     differences this run finds into the golden file beside the plan (they are approved)
     */
    public static Scenario read(Path file, Function<String, Pipeline> pipelines, boolean approve) throws IOException {
        Plan plan;
        try {
            plan = (isYaml(file) ? YAML : JSON).readValue(file.toFile(), Plan.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("The plan " + file + " is not valid: " + e.getOriginalMessage()
                    + ". See docs/plan.schema.json. Nothing was deployed.", e);
        }
        require(plan != null, file, "a plan", "a JSON or YAML object");
        require(plan.name() != null && !plan.name().isBlank(), file, "name", "a non-empty string");
        require(plan.pipeline() != null && (plan.pipeline().isTextual() || plan.pipeline().isObject()), file, "pipeline",
                "a pipeline's name (e.g. \"user-events\"), or the pipeline itself: {inputs, outputs, ...}");
        require(plan.traffic() != null, file, "traffic", "{seed, keys, events, events_per_second, bad_share}");
        require(plan.deployments() != null && !plan.deployments().isEmpty(), file, "deployments", "at least one deployment");
        TrafficEntry t = plan.traffic();
        require(t.seed() != null && t.keys() != null && t.events() != null && t.eventsPerSecond() != null
                && t.badShare() != null, file, "traffic", "every one of seed, keys, events, events_per_second, bad_share");
        Path base = file.toAbsolutePath().getParent();
        List<Scenario.Deployment> deployments = new ArrayList<>();
        for (int i = 0; i < plan.deployments().size(); i++) {
            DeploymentEntry d = plan.deployments().get(i);
            String at = "deployments[" + i + "]";
            require(d != null, file, at, "a deployment, not null");
            require(d.version() != null && !d.version().isBlank(), file, at + ".version", "the version its records carry, e.g. \"v2\"");
            require(d.jar() != null && !d.jar().isBlank(), file, at + ".jar", "the job jar's path, relative to the plan's folder");
            require(d.parallelism() != null && d.parallelism() > 0 && d.parallelism() <= MAX_PARALLELISM, file,
                    at + ".parallelism", "a whole number from 1 to " + MAX_PARALLELISM + " (Flink's largest max parallelism)");
            require(d.jobArgs() == null || d.jobArgs().stream().allMatch(java.util.Objects::nonNull), file,
                    at + ".job_args", "a list of strings, none of them null");
            SavepointRepair repair = null;
            if (d.savepointRepair() != null) {
                require(i > 0, file, at + ".savepoint_repair", "absent on the first deployment (nothing restores it)");
                repair = repair(file, at + ".savepoint_repair", d.savepointRepair());
            }
            Scenario.Deployment deployment = Scenario.Deployment.of(d.version(), base.resolve(d.jar()).normalize(), d.parallelism())
                    .writing(d.writerVersion() != null ? d.writerVersion() : d.version())
                    .withJobArgs(d.jobArgs() != null ? d.jobArgs().toArray(String[]::new) : new String[0])
                    .withSavepointRepair(repair);
            if (Boolean.TRUE.equals(d.allowNonRestoredState())) {
                deployment = deployment.allowingNonRestoredState();
            }
            if (d.strategy() != null) {
                require(i > 0, file, at + ".strategy", "absent on the first deployment (nothing hops to it)");
                try {
                    deployment = deployment.by(Scenario.Strategy.of(d.strategy()));
                } catch (IllegalArgumentException e) {
                    require(false, file, at + ".strategy", "stop-and-restore, blue-green or blue-green-ungated");
                }
            }
            deployments.add(d.flinkRelease() != null ? deployment.onFlink(d.flinkRelease()) : deployment);
        }
        Duration window;
        try {
            window = TimeUtils.parseDuration(plan.windowSize() != null ? plan.windowSize() : "10 s");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The plan " + file + ": window_size '" + plan.windowSize()
                    + "' is not a duration; write it like \"10 s\". Nothing was deployed.", e);
        }
        SavepointFormatType format;
        try {
            format = SavepointFormatType.valueOf((plan.savepointFormat() != null ? plan.savepointFormat() : "CANONICAL")
                    .toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The plan " + file + ": savepoint_format must be CANONICAL or NATIVE, got '"
                    + plan.savepointFormat() + "'. Nothing was deployed.", e);
        }
        require(plan.pipeline().isObject() || t.inputs() == null, file, "traffic.inputs",
                "absent: per-input traffic rules are for a pipeline the plan describes");
        Pipeline pipeline = plan.pipeline().isObject()
                ? DeclaredPlan.read(isYaml(file) ? YAML : JSON, file, plan.name(), plan.pipeline(), t.inputs(), approve)
                : null;
        Scenario.Builder scenario;
        TrafficPlan traffic;
        try {
            traffic = new TrafficPlan(t.seed(), t.keys(), t.events(), t.eventsPerSecond(), t.badShare());
            if (pipeline == null) {
                pipeline = pipelines.apply(plan.pipeline().asText());
            }
            scenario = Scenario.builder(plan.name(), pipeline).deployments(deployments)
                    .traffic(traffic).windowSize(window).savepointFormat(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The plan " + file + ": " + e.getMessage() + " Nothing was deployed.", e);
        }
        if (Boolean.FALSE.equals(plan.restoreFromSavepoint())) {
            scenario.withoutSavepoint();
        }
        if (Boolean.TRUE.equals(plan.drainOnUpgrade())) {
            scenario.drainingOnUpgrade();
        }
        if (Boolean.TRUE.equals(plan.expectRollback())) {
            scenario.expectingRollback();
        }
        try {
            return scenario.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The plan " + file + ": " + e.getMessage() + " Nothing was deployed.", e);
        }
    }

    /** Flink's largest max parallelism (2^15): no job can run wider. */
    static final int MAX_PARALLELISM = 32_768;

    /** Exactly one kind of repair. */
    private static SavepointRepair repair(Path file, String at, RepairEntry entry) {
        require((entry.changeUid() != null) != (entry.migrateValueState() != null), file, at,
                "exactly one of change_uid and migrate_value_state");
        if (entry.changeUid() != null) {
            UidChangeEntry change = entry.changeUid();
            require(change.from() != null && change.to() != null && !change.from().equals(change.to()),
                    file, at + ".change_uid", "{from, to}: the old uid and the new one, different");
            return SavepointRepair.changeUid(change.from(), change.to());
        }
        MigrationEntry migration = entry.migrateValueState();
        require(migration.uid() != null && !migration.uid().isBlank() && migration.state() != null
                        && !migration.state().isBlank() && migration.convertFields() != null
                        && !migration.convertFields().isEmpty(),
                file, at + ".migrate_value_state", "{uid, state, convert_fields}: the operator's uid, its value state's "
                        + "name (a keyed reduce's is _op_state) and the fields whose type changed");
        return SavepointRepair.migrateValueState(migration.uid(), migration.state(),
                AvroMigration.convertField(migration.convertFields().toArray(String[]::new)));
    }

    private static void require(boolean ok, Path file, String field, String what) {
        if (!ok) {
            throw new IllegalArgumentException("The plan " + file + " needs " + field + ": " + what
                    + ". See docs/plan.schema.json. Nothing was deployed.");
        }
    }
}
