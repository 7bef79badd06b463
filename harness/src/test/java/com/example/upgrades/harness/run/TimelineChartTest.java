package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The chart draws what the timeline says: one bar per second, scaled to the busiest second. */
class TimelineChartTest {

    @Test
    void barsAreProportionalToTheRecordsOfEachSecondAndTheLatencyLineBreaksWhereNoneWasSeen() {
        List<Timeline.Second> seconds = List.of(
                new Timeline.Second(0, 100, 50, 90),
                new Timeline.Second(1000, 0, -1, -1),
                new Timeline.Second(2000, 50, 40, 80));
        String svg = TimelineChart.svg(seconds, List.of());

        Matcher bars = Pattern.compile("<rect class=\"records\"[^>]* height=\"([0-9.]+)\"").matcher(svg);
        List<Double> heights = new java.util.ArrayList<>();
        while (bars.find()) {
            heights.add(Double.parseDouble(bars.group(1)));
        }
        assertEquals(3, heights.size());
        assertEquals(0.0, heights.get(1));
        assertEquals(heights.get(0) / 2, heights.get(2), 0.05, "half the records, half the height");
        assertEquals(2, count(svg, "class=\"p50\""), "the median line is broken at the empty second");
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
