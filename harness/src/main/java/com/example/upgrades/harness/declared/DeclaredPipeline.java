package com.example.upgrades.harness.declared;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import com.example.upgrades.harness.kafka.CommittedRecords;
import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.OutputProbe;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.RunJobs;
import com.example.upgrades.harness.pipeline.Traffic;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.pipeline.Verdict;
import com.example.upgrades.harness.pipeline.Verification;
import com.example.upgrades.harness.run.UpgradeException;
import com.example.upgrades.kafka.NewTopics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A pipeline the harness has never seen, described by a plan file: its topics, formats and keys,
 * its traffic, and what its output must satisfy. No Java of the harness names it: the plan is all.
 * Created per plan read (it keeps the reference run's output, when it has one).
 */
public final class DeclaredPipeline implements Pipeline {

    private final String name;
    private final PipelineSpec spec;
    private final TrafficSpec traffic;
    private final Map<String, RecordCodec> codecs = new LinkedHashMap<>();
    private final Path golden;
    private boolean approving;
    private Map<String, Map<String, List<String>>> reference;

    /**
     * @param golden where approved differences from the reference are kept (beside the plan); null
     *     when the pipeline is not compared with a reference
     */
    DeclaredPipeline(String name, PipelineSpec spec, TrafficSpec traffic, Path golden) {
        this.name = name;
        this.spec = spec;
        this.traffic = traffic;
        this.golden = golden;
        spec.inputs().forEach(i -> codecs.put(i.topic(), new RecordCodec(i.format(), i.schemas())));
        spec.outputs().forEach(o -> codecs.put(o.topic(), new RecordCodec(o.format(), Map.of())));
    }

    /** This run writes the differences it finds from the reference into the golden file: they are approved. */
    public DeclaredPipeline approving() {
        this.approving = true;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>();
        spec.inputs().forEach(i -> topics.add(i.topic()));
        spec.outputs().forEach(o -> topics.add(o.topic()));
        if (spec.deadLetters() != null) {
            topics.add(spec.deadLetters());
        }
        return topics;
    }

    @Override
    public void createTopics(KafkaAccess kafka) {
        List<NewTopic> topics = new ArrayList<>();
        spec.inputs().forEach(i -> topics.add(new NewTopic(i.topic(), i.partitions(), (short) 1)));
        spec.outputs().forEach(o -> topics.add(new NewTopic(o.topic(), o.partitions(), (short) 1)));
        if (spec.deadLetters() != null) {
            topics.add(new NewTopic(spec.deadLetters(), 1, (short) 1));
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> clash = topics.stream().map(NewTopic::name).filter(existing::contains).toList();
            if (!clash.isEmpty()) {
                throw new UpgradeException("The topics " + clash + " already exist on " + kafka.bootstrapServers() + ". A run "
                        + "verifies every record in them, so it needs them new. Nothing was deployed. Delete them, or run "
                        + "with --recreate-topics.");
            }
            NewTopics.create(admin, topics);
        } catch (ExecutionException e) {
            throw new UpgradeException("Cannot create the topics on " + kafka.bootstrapServers() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted while creating topics", e);
        }
    }

    @Override
    public List<String> jobArguments(String bootstrapServersForJobs, String kafkaPropertiesForJobs, Duration windowSize,
            Duration checkpointInterval) {
        return spec.jobArgs().stream().map(a -> a.replace("{bootstrap_servers}", bootstrapServersForJobs)
                .replace("{checkpoint_interval_ms}", String.valueOf(checkpointInterval.toMillis()))).toList();
    }

    @Override
    public void reset(KafkaAccess kafka) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> present = topics().stream().filter(existing::contains).toList();
            admin.deleteTopics(present).all().get();
            Set<String> groups = new java.util.HashSet<>();
            admin.listConsumerGroups().all().get().forEach(g -> groups.add(g.groupId()));
            List<String> ours = spec.consumerGroups().stream().filter(groups::contains).toList();
            if (!ours.isEmpty()) {
                admin.deleteConsumerGroups(ours).all().get();
            }
            await("topics " + present + " deleted").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.listTopics().names().get().stream().noneMatch(present::contains));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while deleting the topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot delete the pipeline's topics: " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public CommittedOffsets committedInputOffsets(KafkaAccess kafka) {
        PipelineSpec.Input main = spec.mainInput();
        Map<Integer, Long> committed = new TreeMap<>();
        if (!spec.consumerGroups().isEmpty()) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.listConsumerGroupOffsets(spec.consumerGroups().get(0)).partitionsToOffsetAndMetadata().get()
                        .forEach((tp, offset) -> {
                            if (tp.topic().equals(main.topic()) && offset != null) {
                                committed.put(tp.partition(), offset.offset());
                            }
                        });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot read the committed offsets: " + e.getCause().getMessage(), e);
            }
        }
        return new CommittedOffsets(main.partitions(), committed);
    }

    @Override
    public OutputProbe output() {
        PipelineSpec.Output out = spec.answers().orElse(spec.outputs().get(0));
        RecordCodec codec = codecs.get(out.topic());
        return new OutputProbe() {
            @Override
            public String topic() {
                return out.topic();
            }

            @Override
            public Answer read(ConsumerRecord<byte[], byte[]> r) {
                Header writer = r.headers().lastHeader("writer-job-id");
                long id = out.answers() == null ? -1
                        : codec.decode(r.value()).map(j -> j.at(out.answers()).asLong(-1)).orElse(-1L);
                return new Answer(writer == null ? "" : new String(writer.value(), StandardCharsets.UTF_8), id);
            }
        };
    }

    @Override
    public Traffic traffic(KafkaAccess kafka, TrafficPlan plan, String writerVersion) {
        return new DeclaredTraffic(kafka, spec, traffic, plan, codecs, writerVersion);
    }

    @Override
    public boolean wantsReference() {
        return spec.differential();
    }

    @Override
    public void keepReference(KafkaAccess kafka) {
        reference = new DeclaredVerifier(spec, codecs).outputsByKey(read(kafka));
    }

    @Override
    public boolean exactCut(String fromVersion, String toVersion) {
        return spec.differential() && !fromVersion.equals(toVersion);
    }

    @Override
    public Verification verify(KafkaAccess kafka, Duration windowSize, RunJobs jobs) {
        DeclaredVerifier verifier = new DeclaredVerifier(spec, codecs);
        DeclaredVerifier.Topics topics = read(kafka);
        Differences differences = reference == null || jobs.versionOfJob().isEmpty() ? null
                : Differences.between(reference, verifier.outputsByKey(topics), golden, approving);
        Verdict verdict = verifier.verify(topics, jobs, differences);
        Map<String, Long> perVersion = new TreeMap<>();
        Map<String, Long> perWriter = new HashMap<>();
        PipelineSpec.Output answers = spec.answers().orElse(spec.outputs().get(0));
        for (ConsumerRecord<byte[], byte[]> r : topics.outputs().get(answers.topic())) {
            Header writer = r.headers().lastHeader("writer-job-id");
            perWriter.merge(writer == null ? "" : new String(writer.value(), StandardCharsets.UTF_8), 1L, Long::sum);
            if (answers.version() != null) {
                codecs.get(answers.topic()).decode(r.value()).ifPresent(j -> perVersion.merge(j.at(answers.version()).asText(), 1L,
                        Long::sum));
            }
        }
        return new Verification(verdict, perVersion, perWriter, -1);
    }

    private DeclaredVerifier.Topics read(KafkaAccess kafka) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> outputs = new LinkedHashMap<>();
        spec.outputs().forEach(o -> outputs.put(o.topic(), CommittedRecords.of(kafka, o.topic())));
        return new DeclaredVerifier.Topics(CommittedRecords.of(kafka, spec.mainInput().topic()), outputs,
                spec.deadLetters() == null ? List.of() : CommittedRecords.of(kafka, spec.deadLetters()));
    }

    /** The field names the plan's pointers must name, per input topic: the traffic's fields, or the Avro schema's. */
    static void checkPointers(PipelineSpec spec, TrafficSpec traffic, Map<String, RecordCodec> codecs) {
        for (PipelineSpec.Input input : spec.inputs()) {
            List<String> fields = new ArrayList<>(codecs.get(input.topic()).fieldNames());
            TrafficSpec.InputTraffic t = traffic.of(input.topic());
            if (t != null && t.fields() != null) {
                fields.addAll(t.fields().keySet());
            }
            if (fields.isEmpty()) {
                continue; // a replayed JSON sample: nothing says which fields it has
            }
            for (String pointer : new String[] {input.key(), input.eventTime(), input.id()}) {
                if (pointer == null) {
                    continue;
                }
                String first = pointer.startsWith("/") ? pointer.substring(1).split("/")[0] : pointer;
                if (!fields.contains(first)) {
                    throw new IllegalArgumentException("The plan points at " + pointer + " in the records of " + input.topic()
                            + ", which have no field " + first + " (they have " + fields + "). Nothing was deployed.");
                }
            }
        }
    }

    static DeclaredPipeline of(String name, PipelineSpec spec, TrafficSpec traffic, Path golden) {
        DeclaredPipeline p = new DeclaredPipeline(name, spec, traffic, golden);
        checkPointers(spec, traffic, p.codecs);
        return p;
    }

    /** The first record of a JSON node at a pointer, as text; for messages. */
    static String text(JsonNode node, String pointer) {
        return node.at(pointer).asText();
    }
}
