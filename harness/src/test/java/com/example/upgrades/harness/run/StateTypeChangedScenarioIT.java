package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: a state's type only evolves in ways its serializer can migrate. Scenario
 * state-type-changed: v1 -> v2 whose UserStats.event_count (the reduce's state is a UserStats) is
 * a string instead of a long. Flink accepts the job, and each reduce task restores its keyed state
 * by reading it with the old schema into the new class: Avro cannot read a long as a string, the
 * task fails while creating its state, and the job restarts. The runner rolls back to v1.
 */
class StateTypeChangedScenarioIT {

    @Test
    void theStateCannotBeMigratedAndTheRunnerRollsBack(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("state-type-changed", work), work, true);

        assertEquals(1, result.report().rollbacks().size(), result.report().toString());
        String cause = result.report().rollbacks().get(0).cause();
        // The harness's message, Flink's own cause in it (without --rollback the run ends with it).
        System.out.println("[test] the harness says:\n" + cause);
        assertTrue(cause.contains("v2 at parallelism 4 could not be restored")
                && cause.contains("Exception while creating StreamOperatorStateContext")
                && cause.contains("AvroTypeException: Found long, expecting string"), cause);
        assertEquals(List.of("v1", "v1"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertTrue(result.verdict().passed(), "rolled back, nothing lost or duplicated: " + result.verdict().describe());
        assertEquals(Outcome.PASS, result.outcome(), "the plan expects the refusal: " + result.report().markdown());
        assertEquals(List.of("STATE_SERIALIZER_INCOMPATIBLE user-stats-reduce"),
                result.report().preflights().get(0).findings(), "harness check would have caught it before deploy");
    }

    /**
     * Scenario state-type-changed-repaired: the same variant, restored from a copy of the savepoint
     * in which the State Processor API rewrote every user's aggregate into the new schema
     * (event_count as a string), reading it with v1's classes and writing it with the variant's.
     * Every count carries over: the verifier checks each output record's event_count against the
     * events before it.
     */
    @Test
    void repairedWithTheStateProcessorApiEveryCountCarriesOver(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("state-type-changed-repaired", work), work, true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertTrue(result.report().rollbacks().isEmpty(), result.report().rollbacks().toString());
        assertEquals(List.of("v1", "v2"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        Report.Hop hop = result.report().hops().get(0);
        String repaired = hop.savepointPath() + "-repaired";
        assertTrue(hop.events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.SAVEPOINT_REPAIRED
                && e.facts().get("repaired").equals(repaired)), hop.events().toString());
        // harness check on the original found the incompatible state; on the copy, nothing.
        assertEquals(List.of(new Report.Preflight("v1", "v2", 4, repaired, "COMPATIBLE", List.of())),
                result.report().preflights());
    }
}
