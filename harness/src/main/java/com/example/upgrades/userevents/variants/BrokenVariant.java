package com.example.upgrades.userevents.variants;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.variants.JobVariants;
import com.example.upgrades.harness.variants.JobVariants.Edit;

/**
 * The deliberately broken next versions of the rule scenarios: each breaks one rule of a
 * stateful upgrade with a small edit to a product version's sources, the kind of edit that looks
 * harmless in a code review. Built on demand by {@link JobVariants}; never a product version.
 */
public enum BrokenVariant {

    /** Rule 1: a stateful operator's uid never changes. */
    UID_CHANGED("v2", "v2 with the reduce's uid renamed from user-stats-reduce to user-stats-aggregate",
            JobVariants.replace(JobVariants.JOB_SOURCE,
                    "STATS_REDUCE_UID = \"user-stats-reduce\"", "STATS_REDUCE_UID = \"user-stats-aggregate\"")),

    /** Rule 2: every operator has an explicit uid. v2 as a team that never set uids would write it. */
    V2_WITHOUT_UIDS("v2", "v2 with every .uid(...) removed (Flink generates operator ids from the graph)",
            withoutUids()),

    /** Rule 2: and v3 of that team, which appends the sanitizer map to the reduce. */
    V3_WITHOUT_UIDS("v3", "v3 with every .uid(...) removed (the appended sanitizer shifts the generated ids of the operators after it)",
            withoutUids()),

    /** Rule 3: a state's type only evolves in ways its serializer can migrate. */
    STATE_TYPE_CHANGED("v2", "v2 with UserStats.event_count, part of the reduce's state, changed from long to string",
            JobVariants.replace("src/main/avro/UserStats.avsc",
                    "{\"name\": \"event_count\", \"type\": \"long\"", "{\"name\": \"event_count\", \"type\": \"string\""),
            JobVariants.replace("src/main/java/com/example/userevents/RunningUserStats.java",
                    ".setEventCount(1)", ".setEventCount(\"1\")"),
            JobVariants.replace("src/main/java/com/example/userevents/RunningUserStats.java",
                    "soFar.setEventCount(soFar.getEventCount() + next.getEventCount());",
                    "soFar.setEventCount(String.valueOf(Long.parseLong(soFar.getEventCount()) "
                            + "+ Long.parseLong(next.getEventCount())));"),
            JobVariants.replace("src/main/java/com/example/userevents/OutputRecords.java",
                    "g.writeNumberField(\"event_count\", stats.getEventCount());",
                    "g.writeNumberField(\"event_count\", Long.parseLong(stats.getEventCount()));")),

    /** Rule 4: the key of keyed state never changes. Both keys are Strings. */
    KEYBY_CHANGED("v2", "v2 with the window count keyed by action instead of user_id (both Strings)",
            JobVariants.replace(JobVariants.JOB_SOURCE,
                    "return events.keyBy(UserEvent::getUserId, Types.STRING)",
                    "return events.keyBy(UserEvent::getAction, Types.STRING)")),

    /**
     * Rule 4, the half of the usual claim that holds: a key of another type. The reduce keyed by the
     * user's id as a number (its hash, a Long) instead of the String: the saved keys cannot be read.
     */
    KEYBY_OTHER_TYPE("v2", "v2 with the user-stats reduce keyed by a Long (the user_id's hash) instead of the user_id String",
            JobVariants.replace(JobVariants.JOB_SOURCE,
                    ".keyBy(UserStats::getUserId, Types.STRING)",
                    ".keyBy(stats -> (long) stats.getUserId().hashCode(), Types.LONG)")),

    /**
     * Rule 4 again, with a key that can be repaired offline: the reduce keyed by the user's id
     * qualified with a tenant ("default/user-0001") instead of the bare id, as a team preparing for
     * several tenants would write it. Both Strings; each old key has exactly one new key.
     */
    KEYBY_QUALIFIED("v2", "v2 with the user-stats reduce keyed by \"default/\" + user_id instead of user_id (both Strings)",
            JobVariants.replace(JobVariants.JOB_SOURCE,
                    ".keyBy(UserStats::getUserId, Types.STRING)",
                    ".keyBy(stats -> \"default/\" + stats.getUserId(), Types.STRING)")),

    /**
     * Not a mistake but a decision: the running aggregate rewritten as a KeyedProcessFunction (to
     * give it timers or TTL later), a new stateful operator under a new uid, user-stats-process,
     * with its own state "stats"; the reduce is gone. Same output, new state.
     */
    STATS_AS_PROCESS_FUNCTION("v2", "v2 whose running aggregate is a new KeyedProcessFunction (uid user-stats-process, "
            + "state stats) instead of the reduce",
            JobVariants.replace("src/main/java/com/example/userevents/RunningUserStats.java",
                    "    /**\n     * {@code a} plus {@code b}, into",
                            "    /** The same aggregate as a KeyedProcessFunction: its own value state, named \"stats\". */\n"
                            + "    public static final class AsProcessFunction extends\n"
                            + "            org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, UserStats, UserStats> {\n"
                            + "        private transient org.apache.flink.api.common.state.ValueState<UserStats> stats;\n"
                            + "\n"
                            + "        @Override\n"
                            + "        public void open(org.apache.flink.api.common.functions.OpenContext context) {\n"
                            + "            stats = getRuntimeContext().getState(\n"
                            + "                    new org.apache.flink.api.common.state.ValueStateDescriptor<>(\"stats\", UserStats.class));\n"
                            + "        }\n"
                            + "\n"
                            + "        @Override\n"
                            + "        public void processElement(UserStats next, Context context,\n"
                            + "                org.apache.flink.util.Collector<UserStats> out) throws Exception {\n"
                            + "            UserStats soFar = stats.value();\n"
                            + "            UserStats updated = soFar == null ? next : new RunningUserStats().reduce(soFar, next);\n"
                            + "            stats.update(updated);\n"
                            + "            out.collect(updated);\n"
                            + "        }\n"
                            + "    }\n"
                            + "\n"
                            + "    /**\n     * {@code a} plus {@code b}, into"),
            JobVariants.replace(JobVariants.JOB_SOURCE,
                            "                .reduce(new RunningUserStats())\n"
                            + "                .uid(STATS_REDUCE_UID)\n"
                            + "                .name(STATS_REDUCE_UID);",
                            "                .process(new RunningUserStats.AsProcessFunction(),\n"
                            + "                        org.apache.flink.api.common.typeinfo.TypeInformation.of(UserStats.class))\n"
                            + "                .uid(\"user-stats-process\")\n"
                            + "                .name(\"user-stats-process\");")),

    /** Rule 5: max parallelism never changes. */
    MAX_PARALLELISM_CHANGED("v2", "v2 with max parallelism 64 instead of 128",
            JobVariants.replace(JobVariants.JOB_SOURCE, "MAX_PARALLELISM = 128;", "MAX_PARALLELISM = 64;")),

    /**
     * Not a mistake but a decision, which Flink still refuses unless told: a stateful operator
     * removed. v2 without the window count, its late events and its sink; user-windows is no
     * longer written.
     */
    WINDOWS_REMOVED("v2", "v2 without the window count, its late events and the user-windows sink",
            JobVariants.replace(JobVariants.JOB_SOURCE, """
                    SingleOutputStreamOperator<WindowCount> windows = windowCounts(events, config);
                    windows.connect(cutovers).process(new CutoverHold.Windows(config)).uid(WINDOWS_HOLD_UID).name(WINDOWS_HOLD_UID)
                            .sinkTo(sinks.windows()).uid(config.sinkUid(WINDOWS_SINK_UID)).name(WINDOWS_SINK_UID);

                    DataStream<DeadLetter> lateEvents = windows.getSideOutput(WindowCounting.LATE_EVENTS)
                            .process(new WindowCounting.LateEventsToDeadLetters())
                            .uid(LATE_EVENTS_UID)
                            .name(LATE_EVENTS_UID);
            """, ""),
            JobVariants.replace(JobVariants.JOB_SOURCE, ".union(lateEvents, lateAfterCutover)", ".union(lateAfterCutover)")),

    /**
     * Flink 1.x to 2.x: v1 whose running aggregate is a generic type, serialized by Kryo (what a job
     * gets for a class Flink cannot analyse, or for a POJO's Java collection on 1.x). Built for Flink
     * 1.20 ({@link #buildFor}), its state is Kryo 2's; Flink 2.x serializes with Kryo 5.
     */
    KRYO_STATE("v1", "v1 whose reduce state (UserStats) is a generic type, serialized by Kryo, with generic types allowed",
            JobVariants.replace(JobVariants.JOB_SOURCE, "conf.set(PipelineOptions.GENERIC_TYPES, false);",
                    "conf.set(PipelineOptions.GENERIC_TYPES, true);"),
            JobVariants.replace(JobVariants.JOB_SOURCE, "return events.map(RunningUserStats::ofEvent)",
                    "return events.map(RunningUserStats::ofEvent)\n"
                            + "                .returns(new org.apache.flink.api.java.typeutils.GenericTypeInfo<>(UserStats.class))")),

    /**
     * Not a rule: a job that gets stuck once it has answered. v2 whose stats map, in each subtask,
     * sleeps until it is cancelled from its first event after its first completed checkpoint that
     * followed an event: the job's first output is committed, then nothing more, no checkpoint
     * (the barriers wait behind the map), and no failure either. The runner must end such a run
     * with that reason after its catch-up timeout, not wait forever or verify half an output.
     */
    STUCK("v2", "v2 whose stats map sleeps, from its first event after its first committed output, until it is cancelled",
            JobVariants.replace(JobVariants.JOB_SOURCE, "        return events.map(RunningUserStats::ofEvent)", """
                    class StuckAfterItsFirstCommit extends org.apache.flink.api.common.functions.RichMapFunction<UserEvent, UserEvent>
                            implements org.apache.flink.streaming.api.checkpoint.CheckpointedFunction,
                            org.apache.flink.api.common.state.CheckpointListener {
                        private long seen;
                        private long firstCheckpointAfterAnEvent = Long.MAX_VALUE;
                        private volatile boolean committed;

                        @Override
                        public UserEvent map(UserEvent event) throws Exception {
                            if (committed) {
                                Thread.sleep(Long.MAX_VALUE);
                            }
                            seen++;
                            return event;
                        }

                        @Override
                        public void snapshotState(org.apache.flink.runtime.state.FunctionSnapshotContext context) {
                            if (seen > 0 && firstCheckpointAfterAnEvent == Long.MAX_VALUE) {
                                firstCheckpointAfterAnEvent = context.getCheckpointId();
                            }
                        }

                        @Override
                        public void initializeState(org.apache.flink.runtime.state.FunctionInitializationContext context) {
                        }

                        @Override
                        public void notifyCheckpointComplete(long checkpointId) {
                            committed |= checkpointId >= firstCheckpointAfterAnEvent;
                        }
                    }
                    return events.map(new StuckAfterItsFirstCommit()).returns(events.getType())
                            .map(RunningUserStats::ofEvent)""")),

    /**
     * Not a rule: a version that gets stuck before its first output. v2 whose stats map sleeps at
     * its first event until it is cancelled: running, never failing, never committing anything. As
     * for a version that fails to start, the runner must count it as failed after its catch-up
     * timeout, cancel it and roll back.
     */
    STUCK_FROM_THE_START("v2", "v2 whose stats map sleeps at its first event until it is cancelled",
            JobVariants.replace(JobVariants.JOB_SOURCE, "return events.map(RunningUserStats::ofEvent)",
                    "return events.map(event -> {\n"
                            + "                    Thread.sleep(Long.MAX_VALUE);\n"
                            + "                    return event;\n"
                            + "                }).returns(events.getType())\n"
                            + "                .map(RunningUserStats::ofEvent)"));

    private final String baseVersion;
    private final String description;
    private final List<Edit> edits;

    BrokenVariant(String baseVersion, String description, Edit... edits) {
        this.baseVersion = baseVersion;
        this.description = description;
        this.edits = List.of(edits);
    }

    /** The product version it is a broken copy of; its output says this version. */
    public String baseVersion() {
        return baseVersion;
    }

    public String description() {
        return description;
    }

    /** @param workDir a folder of this variant's own; the jar is built in it */
    public Path build(Path projectRoot, Path workDir) throws IOException {
        return JobVariants.build(projectRoot, baseVersion, edits, workDir);
    }

    /**
     * The variant built for another Flink release: from that release's build of the version
     * ({@code harness/flink-<release>/job-<version>}), compiled against that release's jars.
     */
    public Path buildFor(Path projectRoot, String release, Path workDir) throws IOException {
        Path classpath = ProjectLayout.otherFlinkCluster(projectRoot, release).resolve("classpath.txt");
        if (!Files.isRegularFile(classpath)) {
            throw new IllegalStateException(classpath + " is missing: build the project first (./mvnw package -DskipTests)");
        }
        return JobVariants.build(projectRoot.resolve("job-" + baseVersion),
                ProjectLayout.otherFlinkJar(projectRoot, baseVersion, release), baseVersion, edits,
                workDir, List.of(Files.readString(classpath).trim().split(java.io.File.pathSeparator)));
    }

    /** The variant's edited sources, written to {@code target} and not compiled. */
    public void editSources(Path projectRoot, Path target) throws IOException {
        JobVariants.editSources(projectRoot, baseVersion, edits, target);
    }

    private static Edit withoutUids() {
        return new Edit(JobVariants.JOB_SOURCE, source -> {
            String edited = source.replaceAll("\\s*\\.uid\\((?:[^()]|\\([^()]*\\))*\\)", "");
            if (edited.equals(source)) {
                throw new IllegalStateException("The variant's edit does not apply: no .uid(...) to remove");
            }
            return edited;
        });
    }
}
