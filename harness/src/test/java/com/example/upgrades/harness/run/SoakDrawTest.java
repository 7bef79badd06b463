package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The soak's draws: reproducible from the seed, every fault drawn, every moment inside its window;
 * and its tally: only a PASS is a pass.
 */
class SoakDrawTest {

    @Test
    void theSameSeedDrawsTheSameRunsAndAnotherSeedOthers() {
        assertEquals(Soak.draw(50, 50), Soak.draw(50, 50));
        assertNotEquals(Soak.draw(50, 50), Soak.draw(51, 50));
        assertEquals(Soak.draw(50, 3), Soak.draw(50, 50).subList(0, 3), "a shorter soak is the start of a longer one");
    }

    @Test
    void everyFaultIsDrawnAndStrikesWithinItsWindow() {
        List<Soak.Draw> draws = Soak.draw(50, 50);
        Set<Fault> drawn = EnumSet.noneOf(Fault.class);
        for (Soak.Draw d : draws) {
            drawn.add(d.fault());
            long max = Soak.maxDelayMs(d.fault());
            assertTrue(d.faultDelayMs() >= 0 && (max == 0 ? d.faultDelayMs() == 0 : d.faultDelayMs() < max), d.toString());
        }
        assertEquals(Set.of(Soak.FAULTS), drawn, "50 runs draw every fault of the soak");
        assertTrue(draws.stream().filter(d -> Soak.maxDelayMs(d.fault()) > 0).map(Soak.Draw::faultDelayMs).distinct().count() > 10,
                "the moments are drawn, not fixed");
    }

    /** A run that rolled back lost nothing, but its upgrade did not happen: not a pass, in the tally or the exit status. */
    @Test
    void aRunThatRolledBackIsNoPassInTheTally() {
        List<Soak.Line> lines = List.of(
                new Soak.Line(1, 7, "TM_KILL_BEFORE_STOP", 10, "-", "PASS", 0, 0, 900, 20_000, ""),
                new Soak.Line(2, 8, "SAVEPOINT_STORAGE_FAILURE", 0, "-", "ROLLED_BACK", 0, 0, 1_200, 25_000,
                        "v2 did not take and v1 was restored"));
        assertEquals(1, Soak.passes(lines));
        assertTrue(Soak.markdown(lines, 50).contains("1 of 2 PASS; lost 0, duplicated 0."), Soak.markdown(lines, 50));
        assertTrue(Soak.markdown(lines, 50).contains("| ROLLED_BACK: v2 did not take and v1 was restored |"), Soak.markdown(lines, 50));
    }
}
